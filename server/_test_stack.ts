// The full stack the README recommends, served on a real socket, for the composition tests:
// telemetry, auth (API keys), load shedding, rate limit, cost tracking, timeouts, compression and
// idempotency, in the builder's fixed order. Every scenario of `composition_test.ts` runs against
// it from an independent client over loopback.

import assert from "node:assert/strict";
import type { Context } from "hono";
import type { AuthOptions, MemoryKeyStore } from "../middleware/auth/mod.ts";
import { type CostLedger, MemoryCostLedger } from "../middleware/cost/mod.ts";
import type { CorsOptions } from "../middleware/cors/mod.ts";
import { type IdempotencyStore, MemoryIdempotencyStore } from "../middleware/idempotency/mod.ts";
import { MemoryRateLimitStore } from "../middleware/rate_limit/mod.ts";
import type { RunningServer } from "./listen.ts";
import { Route } from "./route.ts";
import { Server, type ServerOptions } from "./server.ts";
import { testApiKey } from "./_test_api_key.ts";
import { listenLocal } from "./_test_util.ts";

/** What a scenario can tune; everything else is the recommended default. */
export interface StackOptions {
  /** Requests per minute per tenant; default 10 000 (out of the way unless a test wants it). */
  rateLimit?: number;
  /** Request time budget in ms; default 30 000. */
  timeoutMs?: number;
  /** Concurrent requests admitted; default 64. */
  maxInFlight?: number;
  /** Largest request body in bytes; default the server's. */
  bodyLimit?: number;
  /** Time for a request body to arrive in ms; default the server's. */
  bodyTimeoutMs?: number;
  /** Extra routes, added before the middleware. */
  routes?: (server: Server) => Server;
  /** A usage ledger used instead of the stack's `ledger` (e.g. a `KvCostLedger`). */
  costLedger?: CostLedger;
  /** The idempotency store; default a new `MemoryIdempotencyStore`. */
  idempotencyStore?: IdempotencyStore;
  /** Server options merged over the stack's (`secureHeaders`, ...). */
  server?: ServerOptions;
  /** More auth options (merged over the stack's API key auth), e.g. `jwt`, `now`. */
  auth?: Partial<AuthOptions>;
  /** CORS (`withCors`) with these options; default none. */
  cors?: CorsOptions;
}

/** A running full stack and what a test needs to drive and inspect it. */
export interface Stack {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** A valid API key of tenant `acme` (scopes `data:read data:write`). */
  readonly apiKey: string;
  /** The key store (issue or revoke more keys). */
  readonly keys: MemoryKeyStore;
  /** The usage ledger. */
  readonly ledger: MemoryCostLedger;
  /** How many times each write handler ran, by `Idempotency-Key` (or `-` without one). */
  readonly runs: Map<string, number>;
  /** Unexpected errors the server logged. */
  readonly errors: unknown[];
  /** The running server. */
  readonly server: RunningServer;
  /** Shuts the server down (drains) and waits until it stopped. */
  close(): Promise<void>;
}

/**
 * Starts the recommended stack on `127.0.0.1:0`. Routes: `GET /api/data` (JSON, 4 KiB),
 * `POST /api/items` (counts runs per `Idempotency-Key`, echoes the body size, 201),
 * `POST /api/slow?ms=N` (a write that takes N ms), `POST /api/upload` (reads the body).
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const { keyStore: keys, key: apiKey } = await testApiKey({ scopes: ["data:read", "data:write"] });
  const ledger = new MemoryCostLedger();
  const runs = new Map<string, number>();
  const errors: unknown[] = [];
  const count = (c: Context) => {
    const k = c.req.header("idempotency-key") ?? "-";
    runs.set(k, (runs.get(k) ?? 0) + 1);
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let server = new Server({
    bodyLimit: options.bodyLimit,
    bodyTimeoutMs: options.bodyTimeoutMs,
    logError: (e) => errors.push(e),
    ...options.server,
  })
    .route(
      "/api/data",
      Route.get((c) =>
        c.json({ rows: Array.from({ length: 128 }, (_, i) => ({ i, v: i * 0.5 })) })
      ),
    )
    .route(
      "/api/items",
      Route.post(async (c) => {
        const body = await c.req.arrayBuffer();
        count(c);
        return c.json({ bytes: body.byteLength }, 201);
      }),
    )
    .route(
      "/api/slow",
      Route.post(async (c) => {
        await c.req.arrayBuffer();
        await sleep(Number(c.req.query("ms") ?? "100"));
        count(c);
        return c.json({ done: true }, 201);
      }),
    )
    .route(
      "/api/upload",
      Route.post(async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength })),
    );
  if (options.routes) server = options.routes(server);
  if (options.cors) server = server.withCors(options.cors);
  const app = server
    .withTelemetry()
    .withAuth({ keyStore: keys, methods: ["api-key"], ...options.auth })
    .withLoadShedding({ maxInFlight: options.maxInFlight ?? 64 })
    .withRateLimit({
      store: new MemoryRateLimitStore(),
      policy: { limit: options.rateLimit ?? 10_000, windowSeconds: 60 },
    })
    .withCostTracking({ ledger: options.costLedger ?? ledger, region: "test" })
    .withTimeouts(options.timeoutMs ?? 30_000)
    .withCompression()
    .withIdempotency({ store: options.idempotencyStore ?? new MemoryIdempotencyStore() })
    .build();
  const running = listenLocal(app).server;
  return {
    url: running.address.url,
    apiKey,
    keys,
    ledger,
    runs,
    errors,
    server: running,
    async close() {
      await running.shutdown({ timeoutMs: 2_000 });
      await running.finished;
    },
  };
}

/**
 * Starts the stack, runs `body` on it, closes it, then asserts that the server logged no
 * unexpected error: the frame of nearly every composition test.
 */
export async function withStack(
  options: StackOptions,
  body: (stack: Stack) => Promise<void>,
): Promise<void> {
  const stack = await startStack(options);
  try {
    await body(stack);
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
}
