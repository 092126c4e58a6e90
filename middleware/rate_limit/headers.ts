/**
 * The `RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers (-11):
 * structured-field Lists of quoted policy names with parameters — `q` quota, `qu` quota unit,
 * `w` window, `pk` partition key on the policy; `r` remaining, `t` effective window, `pk` on the
 * service limit.
 *
 * @module
 */

import type { ResolvedPolicy } from "./policy.ts";
import type { RateLimitDecision } from "./store.ts";

/** The `RateLimit-Policy` field name. */
export const RATELIMIT_POLICY_HEADER = "ratelimit-policy";
/** The `RateLimit` field name. */
export const RATELIMIT_HEADER = "ratelimit";

/**
 * A partition key as an sf-binary (`:base64:`), from the key's UTF-8 bytes (§3.1.4, §4.1.3).
 *
 * @example
 * ```ts
 * import { partitionKeyItem } from "./headers.ts";
 * console.log(partitionKeyItem("acme")); // ":YWNtZQ==:"
 * ```
 */
export function partitionKeyItem(key: string): string {
  const bytes = new TextEncoder().encode(key);
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return `:${btoa(bin)}:`;
}

/**
 * The `RateLimit-Policy` field value for a set of policies (§3).
 *
 * @example
 * ```ts
 * import { formatRateLimitPolicy } from "./headers.ts";
 * import { resolvePolicy } from "./policy.ts";
 * const v = formatRateLimitPolicy([
 *   resolvePolicy({ name: "burst", limit: 100, windowSeconds: 60 }),
 *   resolvePolicy({ name: "bytes", limit: 65535, windowSeconds: 10, unit: "content-bytes" }),
 * ]);
 * console.log(v); // '"burst";q=100;w=60, "bytes";q=65535;qu="content-bytes";w=10'
 * ```
 */
export function formatRateLimitPolicy(policies: readonly ResolvedPolicy[]): string {
  return policies.map((p) => p.policyItem).join(", ");
}

/**
 * One `RateLimit` list member (§4.1): remaining quota `r` and effective window `t`, plus `pk`
 * when a partition key item is given.
 *
 * @example
 * ```ts
 * import { formatRateLimitItem } from "./headers.ts";
 * const d = { allowed: true, remaining: 42, resetSeconds: 17, retryAfterSeconds: 0 };
 * console.log(formatRateLimitItem("default", d)); // '"default";r=42;t=17'
 * ```
 */
export function formatRateLimitItem(
  name: string,
  decision: RateLimitDecision,
  partitionKey?: string,
): string {
  // On a 429 the window reported is the wait: Retry-After must not end before it (§6).
  const t = decision.allowed ? decision.resetSeconds : decision.retryAfterSeconds;
  const item = `"${name}";r=${decision.remaining};t=${t}`;
  return partitionKey === undefined ? item : `${item};pk=${partitionKey}`;
}
