/**
 * Rate limiting (`rateLimit()`): GCRA and sliding-window quota policies per plan and per
 * route, keyed by principal or client IP (forwarding headers only from trusted proxies), in a
 * memory or Deno KV store, advertised with draft-ietf-httpapi-ratelimit-headers fields.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { KvRateLimitStore, rateLimit } from "@avila/avx-http/middleware";
 * const kv = await Deno.openKv(":memory:"); // Deno KV: --unstable-kv locally
 * const app = new Hono();
 * app.use(rateLimit({
 *   policy: { limit: 100, windowSeconds: 60 },
 *   store: new KvRateLimitStore(kv),
 *   by: "ip",
 *   clientIp: { trustedProxies: ["10.0.0.0/8"] },
 * }));
 * kv.close();
 * ```
 *
 * @module
 */

export {
  assertClientIpAvailable,
  clientIp,
  type ClientIpOptions,
  clientIpResolver,
  formatIp,
  forwardedFor,
  parseIp,
  TrustedProxies,
} from "../../http/client_ip.ts";
export {
  formatRateLimitItem,
  formatRateLimitPolicy,
  partitionKeyItem,
  RATELIMIT_HEADER,
  RATELIMIT_POLICY_HEADER,
} from "./headers.ts";
export { KvRateLimitStore } from "./kv_store.ts";
export { MAX_RATE_LIMIT_KEY_LENGTH } from "./_key.ts";
export { MemoryRateLimitStore } from "./memory_store.ts";
export {
  RateLimitError,
  type RateLimitPolicy,
  type ResolvedPolicy,
  resolvePolicy,
} from "./policy.ts";
export {
  type PolicySet,
  QUOTA_EXCEEDED_TYPE,
  rateLimit,
  type RateLimitOptions,
} from "./rate_limit.ts";
export {
  applyPolicy,
  type RateLimitDecision,
  type RateLimitState,
  type RateLimitStore,
} from "./store.ts";
