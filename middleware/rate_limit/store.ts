/**
 * The rate-limit store contract: one atomic "check and update this key under this policy at
 * time t" operation, and the state and decision types the algorithms share.
 *
 * @module
 */

import { gcraStep } from "./gcra.ts";
import type { ResolvedPolicy } from "./policy.ts";
import { slidingWindowStep } from "./sliding_window.ts";

/**
 * What a store keeps per (policy, key). GCRA uses `t` only (the theoretical arrival time, ms);
 * a sliding window uses `t` as the current window's start (ms), `p` and `c` as the previous and
 * current windows' counts.
 *
 * @example
 * ```ts
 * import type { RateLimitState } from "@avila/avx-http/middleware";
 * const s: RateLimitState = { t: 60_000, p: 0, c: 0 };
 * console.log(s.t); // 60000
 * ```
 */
export interface RateLimitState {
  /** GCRA: theoretical arrival time; sliding window: current window start (epoch ms). */
  t: number;
  /** Sliding window: units counted in the previous window. */
  p: number;
  /** Sliding window: units counted in the current window. */
  c: number;
}

/**
 * The outcome of one check, with what the `RateLimit` field reports.
 *
 * @example
 * ```ts
 * import type { RateLimitDecision } from "@avila/avx-http/middleware";
 * const d: RateLimitDecision = { allowed: true, remaining: 9, resetSeconds: 1, retryAfterSeconds: 0 };
 * console.log(d.allowed); // true
 * ```
 */
export interface RateLimitDecision {
  /** Whether the request may proceed. */
  allowed: boolean;
  /** Units still available after this request (`r`), never negative. */
  remaining: number;
  /** Seconds of the effective window (`t`): until the quota is fully restored or the window ends. */
  resetSeconds: number;
  /** When denied, seconds until enough quota returns (at least 1); 0 when allowed. */
  retryAfterSeconds: number;
}

export type RateLimitStep = ReturnType<typeof applyPolicy>;

/**
 * Applies `policy` to a key's `state` at `nowMs`: admitted when at least `need` units are
 * available, then `cost` units are debited (`cost` may exceed what is available: the overdraft
 * delays later requests; `cost` 0 only checks). Pure: stores wrap it in their atomicity.
 *
 * @example
 * ```ts
 * import { applyPolicy } from "@avila/avx-http/middleware";
 * import { resolvePolicy } from "./policy.ts";
 * const p = resolvePolicy({ limit: 1, windowSeconds: 60 });
 * const first = applyPolicy(p, undefined, 0, 1, 1);
 * const second = applyPolicy(p, first.state, 0, 1, 1);
 * console.log(first.decision.allowed, second.decision.allowed); // true false
 * ```
 */
export function applyPolicy(
  policy: ResolvedPolicy,
  state: RateLimitState | undefined,
  nowMs: number,
  cost: number,
  need: number,
): {
  /** The decision. */
  decision: RateLimitDecision;
  /** The state to store, or `undefined` when the stored state stays as it was. */
  state: RateLimitState | undefined;
  /** Epoch ms after which the stored state is equivalent to no state. */
  expiresAt: number;
} {
  return policy.algorithm === "gcra"
    ? gcraStep(policy, state, nowMs, cost, need)
    : slidingWindowStep(policy, state, nowMs, cost, need);
}

/**
 * Where rate-limit state lives. `consume` must be atomic per key: concurrent calls for one key
 * behave as if run one after another, so N parallel requests against a limit of L admit exactly
 * min(N, L). Memory stores answer synchronously (no await on the hot path); shared stores
 * (Deno KV) return a promise.
 *
 * @example
 * ```ts
 * import { MemoryRateLimitStore, type RateLimitStore } from "@avila/avx-http/middleware";
 * import { resolvePolicy } from "./policy.ts";
 * const store: RateLimitStore = new MemoryRateLimitStore();
 * const d = await store.consume("tenant:acme", resolvePolicy({ limit: 5, windowSeconds: 1 }), Date.now(), 1, 1);
 * console.log(d.remaining); // 4
 * ```
 */
export interface RateLimitStore {
  /**
   * Atomically applies {@link applyPolicy} to the state of `key` under `policy` and stores the
   * result. Throws {@link RateLimitError} when it cannot decide (contention, backend down).
   */
  consume(
    key: string,
    policy: ResolvedPolicy,
    nowMs: number,
    cost: number,
    need: number,
  ): RateLimitDecision | Promise<RateLimitDecision>;
}
