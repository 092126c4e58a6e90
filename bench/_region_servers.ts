// Servers for the region-routing benchmark (bench/http.ts integrates them):
//   deno run -A bench/_region_servers.ts KIND PORT
// KIND: "hono" (bare Hono), "region-local" (Hono + telemetry + regionRouting serving locally),
// "proxy-back" (the region a proxy forwards to, on PORT), "proxy-front" (regionRouting in proxy
// mode forwarding every request to the region at PORT+1; start "proxy-back" there first).
// Every kind serves GET / with a 13-byte text body.

import { Hono } from "hono";
import { telemetry } from "../middleware/telemetry/mod.ts";
import { RegionRegistry, regionRouting } from "../middleware/region/mod.ts";

const HELLO = "Hello, World!";

function regions(frontPort: number, backPort: number, current: string): RegionRegistry {
  return new RegionRegistry([
    {
      id: "us-east-1",
      origin: `http://127.0.0.1:${frontPort}`,
      countries: ["US"],
      continents: ["NA"],
      primary: true,
    },
    {
      id: "br-saopaulo-1",
      origin: `http://127.0.0.1:${backPort}`,
      countries: ["BR"],
      continents: ["SA"],
    },
  ], { current });
}

/** Bare Hono: the baseline. */
export function bareHono(): Hono {
  const app = new Hono();
  app.get("/", (c) => c.text(HELLO));
  return app;
}

/** Hono + telemetry + regionRouting, serving locally (the client's country maps here). */
export function regionLocal(port: number): Hono {
  const app = new Hono();
  app.use(
    telemetry(),
    regionRouting({ registry: regions(port, port + 1, "us-east-1"), mode: "proxy" }),
  );
  app.get("/", (c) => c.text(HELLO));
  return app;
}

/** The back region of the proxy pair: same stack, its clients located in Brazil (served here). */
export function proxyBack(frontPort: number, port: number): Hono {
  const app = new Hono();
  app.use(
    telemetry(),
    regionRouting({
      registry: regions(frontPort, port, "br-saopaulo-1"),
      mode: "proxy",
      geo: () => "BR",
    }),
  );
  app.get("/", (c) => c.text(HELLO));
  return app;
}

/**
 * The front region of the proxy pair: every client is located in Brazil (a `geo` lookup), so
 * every request is proxied to br-saopaulo-1 at PORT+1.
 */
export function proxyFront(port: number): Hono {
  const app = new Hono();
  app.use(
    telemetry(),
    regionRouting({
      registry: regions(port, port + 1, "us-east-1"),
      mode: "proxy",
      geo: () => "BR",
    }),
  );
  app.get("/", (c) => c.text(HELLO));
  return app;
}

if (import.meta.main) {
  const [kind, portText] = Deno.args;
  const port = Number(portText);
  const app = kind === "hono"
    ? bareHono()
    : kind === "region-local"
    ? regionLocal(port)
    : kind === "proxy-back"
    ? proxyBack(port - 1, port)
    : kind === "proxy-front"
    ? proxyFront(port)
    : undefined;
  if (app === undefined) {
    console.error("usage: _region_servers.ts hono|region-local|proxy-back|proxy-front PORT");
    Deno.exit(2);
  }
  Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => console.log(`ready ${kind} ${port}`) },
    app.fetch,
  );
}
