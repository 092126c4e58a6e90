/**
 * The example data API as a Cloudflare Worker (also runs on plain `workerd`, see
 * `workerd.capnp`): health, compressed JSON, Arrow IPC responses.
 *
 * @module
 */

import type { AvxApp } from "../../server/mod.ts";
import { createExampleApp } from "../app.ts";
import { manualEncoding } from "../../middleware/cloudflare/encoding.ts";

/** The Worker's bindings (see `workerd.capnp` and `wrangler.toml`). */
export interface WorkerEnv {
  /** Bearer token of `POST /admin/keys`; unset: no admin route. */
  ADMIN_TOKEN?: string;
  /** `"<requests>/<seconds>"` per API key; default `"60/60"`. */
  RATE_LIMIT?: string;
}

let app: AvxApp | undefined;

/**
 * The Worker: builds the app once per isolate, on the first request (bindings arrive with it).
 *
 * @example
 * ```ts
 * import worker from "./worker.ts";
 * const res = await worker.fetch(new Request("http://localhost/healthz"), {});
 * console.log(res.status); // 200
 * ```
 */
const worker: {
  fetch(request: Request, env: WorkerEnv, ctx?: ExecutionContextLike): Promise<Response>;
} = {
  async fetch(request, env, ctx) {
    app ??= createExampleApp({ webSocket: false });
    // Bodies the compression middleware encoded must not be encoded again by the runtime.
    return manualEncoding(await app.fetch(request, env, ctx));
  },
};
export default worker;

/** What Workers pass as the third argument of `fetch`. */
export interface ExecutionContextLike {
  /** Keeps the isolate alive until `promise` settles. */
  waitUntil(promise: Promise<unknown>): void;
  /** Falls through to the origin when the Worker throws. */
  passThroughOnException(): void;
}
