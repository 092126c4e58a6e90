/**
 * Idempotency-Key middleware (draft-ietf-httpapi-idempotency-key-header): POST/PATCH requests
 * with a key take effect once; repeats replay the stored response.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { idempotency, MemoryIdempotencyStore } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(idempotency({ store: new MemoryIdempotencyStore({ maxEntries: 50_000 }) }));
 * ```
 *
 * @module
 */

export {
  idempotency,
  type IdempotencyOptions,
  IDEMPOTENT_REPLAYED_HEADER,
  parseIdempotencyKey,
} from "./idempotency.ts";
export {
  type BeginResult,
  type IdempotencyRecord,
  type IdempotencyStore,
  IdempotencyStoreError,
  MemoryIdempotencyStore,
  type StoredResponse,
} from "./store.ts";
