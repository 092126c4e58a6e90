/**
 * Cloudflare Workers adapters for avx-http:
 *
 * - {@link WorkersKvKeyStore}: API keys in Workers KV (reads dominate; eventually consistent:
 *   a revoked key may keep working for ~60 s in other locations).
 * - {@link DurableObjectRateLimitStore} + {@link RateLimitObject}: strongly consistent rate
 *   limits (Workers KV is not suitable: ~1 write/s per key, eventual consistency).
 * - {@link DurableObjectCostLedger} + {@link CostLedgerObject}: the cost ledger.
 * - {@link manualEncoding}: keeps the Workers runtime from encoding a compressed body twice.
 *
 * @example
 * ```ts
 * import { manualEncoding } from "./mod.ts";
 * const res = manualEncoding(new Response("hi"));
 * console.log(await res.text()); // "hi"
 * ```
 *
 * @module
 */

export { manualEncoding } from "./encoding.ts";
export { WorkersKvKeyStore } from "./kv_key_store.ts";
export { DurableObjectRateLimitStore, RateLimitObject } from "./rate_limit_object.ts";
export { CostLedgerObject, DurableObjectCostLedger } from "./cost_ledger_object.ts";
export { DurableObjectCallError } from "./_rpc.ts";
export type {
  DurableObjectNamespaceLike,
  DurableObjectStateLike,
  KvNamespaceLike,
} from "./types.ts";
// Types of the contracts these adapters implement, so their signatures document completely.
export type { ApiKeyMode, ApiKeyRecord, KeyStore, Residency } from "../auth/mod.ts";
export type {
  RateLimitDecision,
  RateLimitPolicy,
  RateLimitStore,
  ResolvedPolicy,
} from "../rate_limit/mod.ts";
export type {
  CostGranularity,
  CostLedger,
  CostRecord,
  UsageCounters,
  UsageQuery,
  UsageRow,
} from "../cost/mod.ts";
