/**
 * The example data API as a Cloudflare Worker (also runs on plain `workerd`, see
 * `workerd.capnp`; `wrangler.toml` for Cloudflare): health, compressed JSON, Arrow IPC
 * responses, API keys in Workers KV, rate limits and the cost ledger in Durable Objects.
 *
 * The module exports the fetch handler and the Durable Object classes, as Workers require.
 *
 * @module
 */

import type { AvxApp } from "../../server/mod.ts";
import {
  CostLedgerObject,
  DurableObjectCostLedger,
  type DurableObjectNamespaceLike,
  DurableObjectRateLimitStore,
  type KvNamespaceLike,
  manualEncoding,
  RateLimitObject,
  WorkersKvKeyStore,
} from "../../middleware/cloudflare/mod.ts";
import { createExampleApp } from "../app.ts";
import { parseRateLimit, withPlatform } from "../platform.ts";

export { CostLedgerObject, RateLimitObject };

/** The Worker's bindings (see `workerd.capnp` and `wrangler.toml`). */
export interface WorkerEnv {
  /** Workers KV namespace of API keys. */
  KEYS: KvNamespaceLike;
  /** Durable Object namespace of {@link RateLimitObject}. */
  RATE_LIMITS: DurableObjectNamespaceLike;
  /** Durable Object namespace of {@link CostLedgerObject}. */
  COSTS: DurableObjectNamespaceLike;
  /** Bearer token of `POST /admin/keys` and `GET /admin/usage`; unset: no admin routes. */
  ADMIN_TOKEN?: string;
  /** `"<requests>/<seconds>"` per API key; default `"60/60"`. */
  RATE_LIMIT?: string;
}

/** What Workers pass as the third argument of `fetch`. */
export interface ExecutionContextLike {
  /** Keeps the isolate alive until `promise` settles. */
  waitUntil(promise: Promise<unknown>): void;
  /** Falls through to the origin when the Worker throws. */
  passThroughOnException(): void;
}

let built: { app: AvxApp; ledger: DurableObjectCostLedger } | undefined;

function build(env: WorkerEnv): { app: AvxApp; ledger: DurableObjectCostLedger } {
  const ledger = new DurableObjectCostLedger(env.COSTS);
  const app = createExampleApp({
    configure: withPlatform({
      keys: new WorkersKvKeyStore(env.KEYS),
      rateLimits: new DurableObjectRateLimitStore(env.RATE_LIMITS),
      costs: ledger,
      rateLimit: parseRateLimit(env.RATE_LIMIT),
      adminToken: env.ADMIN_TOKEN || undefined,
    }),
  });
  return { app, ledger };
}

/**
 * The Worker: builds the app once per isolate, on the first request (bindings arrive with it),
 * and sends the isolate's usage sums to the ledger object after each response.
 *
 * @example
 * ```ts ignore
 * // Cloudflare calls this; locally: deno run -A examples/workers/serve.ts
 * import worker from "./worker.ts";
 * ```
 */
const worker: {
  fetch(request: Request, env: WorkerEnv, ctx?: ExecutionContextLike): Promise<Response>;
} = {
  async fetch(request, env, ctx) {
    built ??= build(env);
    const res = await built.app.fetch(request, env, ctx);
    if (ctx && built.ledger.pendingRows > 0) {
      ctx.waitUntil(built.ledger.flush().catch((e) => console.error("cost flush failed", e)));
    }
    // Bodies the compression middleware encoded must not be encoded again by the runtime.
    return manualEncoding(res);
  },
};
export default worker;
