// Test helper: three avx-http apps on real loopback sockets, each one region of a deployment
// whose registry origins point at the real ports. An instance's registry may be given its own
// country map (a rollout where instances disagree) to build chains and loops.

import type { Context, MiddlewareHandler } from "hono";
import type { Principal } from "../../http/principal.ts";
import { Route, Server } from "../../server/mod.ts";
import { BreakerRegistry } from "../resilience/breakers.ts";
import type { BreakerOptions } from "../../http/breaker.ts";
import { type Region, RegionRegistry } from "./registry.ts";
import { regionRouting, type RegionRoutingOptions } from "./routing.ts";

export const IDS = ["us-east-1", "br-saopaulo-1", "eu-frankfurt-1"] as const;
export type RegionId = typeof IDS[number];

export interface RegionInstance {
  id: RegionId;
  port: number;
  url: string;
  breakers: BreakerRegistry;
  server: Deno.HttpServer | undefined;
  /** Requests this instance's handlers served. */
  served: number;
}

export interface Deployment extends AsyncDisposable {
  regions: Record<RegionId, RegionInstance>;
  stop(id: RegionId): Promise<void>;
  restart(id: RegionId): void;
}

export interface DeploymentOptions {
  mode: NonNullable<RegionRoutingOptions["mode"]>;
  /** Country lists per region as each instance sees them; default: us [US], br [BR], eu [DE]. */
  views?: Partial<Record<RegionId, Partial<Record<RegionId, string[]>>>>;
  breaker?: BreakerOptions;
  proxyTimeoutMs?: number;
  /** Extra routes per instance. */
  routes?: (app: Server, id: RegionId) => void;
}

const DEFAULT_COUNTRIES: Record<RegionId, string[]> = {
  "us-east-1": ["US"],
  "br-saopaulo-1": ["BR"],
  "eu-frankfurt-1": ["DE"],
};

/** Stand-in for the auth middleware: a principal from a test header (`x-test-residency`). */
const testPrincipal: MiddlewareHandler = async function testPrincipal(c: Context, next) {
  const residency = c.req.header("x-test-residency");
  if (residency) {
    const p: Principal = {
      kind: "api-key",
      tenant: "t",
      subject: "s",
      scopes: [],
      plan: "pro",
      residency: { regions: residency.split(","), reason: "LGPD" },
    };
    c.set("principal", p);
  }
  await next();
};

export function startDeployment(o: DeploymentOptions): Deployment {
  const regions = {} as Record<RegionId, RegionInstance>;
  const handlers = {} as Record<
    RegionId,
    (req: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>
  >;
  const listen = (id: RegionId, port = 0): Deno.HttpServer => {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port, onListen: () => {} },
      (req, info) => handlers[id](req, info),
    );
    return server;
  };
  for (const id of IDS) {
    const server = listen(id);
    const port = (server.addr as Deno.NetAddr).port;
    regions[id] = {
      id,
      port,
      url: `http://127.0.0.1:${port}`,
      breakers: new BreakerRegistry(o.breaker ?? { failureThreshold: 3, openMs: 60_000 }),
      server,
      served: 0,
    };
  }
  for (const id of IDS) {
    const view = { ...DEFAULT_COUNTRIES, ...(o.views?.[id] ?? {}) };
    const list: Region[] = IDS.map((rid) => ({
      id: rid,
      origin: regions[rid].url,
      countries: view[rid],
      primary: rid === "us-east-1",
      aliases: [rid.slice(0, 3) + "x"],
    }));
    const registry = new RegionRegistry(list, { current: id });
    const inst = regions[id];
    const s = new Server({ openapi: false, logError: () => {} })
      .withTelemetry()
      .withMiddleware(22, testPrincipal)
      .withMiddleware(
        23,
        regionRouting({
          registry,
          mode: o.mode,
          breakers: inst.breakers,
          proxyTimeoutMs: o.proxyTimeoutMs,
        }),
      )
      .route(
        "/where",
        Route.get((c) => {
          inst.served++;
          return c.json({
            region: id,
            traceparent: c.req.header("traceparent") ?? null,
            tracestate: c.req.header("tracestate") ?? null,
            hop: c.req.header("x-avl-hop") ?? null,
            forwardedHost: c.req.header("x-forwarded-host") ?? null,
            decision: (c as unknown as Context).get("region"),
          });
        }),
        Route.post(async (c) => {
          inst.served++;
          return c.json({ region: id, body: await c.req.text() });
        }),
      );
    o.routes?.(s, id);
    const app = s.build();
    handlers[id] = (req, info) => app.fetch(req, info);
  }
  return {
    regions,
    async stop(id) {
      const s = regions[id].server;
      regions[id].server = undefined;
      await s?.shutdown();
    },
    restart(id) {
      regions[id].server = listen(id, regions[id].port);
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(IDS.map((id) => regions[id].server?.shutdown()));
    },
  };
}

export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
