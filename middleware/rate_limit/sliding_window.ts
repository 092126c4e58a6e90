/**
 * The sliding window counter (as Cloudflare describes it): two fixed windows, the previous one
 * weighted by how much of it still overlaps the sliding window:
 * `rate = previous · (w − elapsed) / w + current`. A request needing n units is admitted while
 * `rate + n ≤ limit`.
 *
 * @module
 */

import type { ResolvedPolicy } from "./policy.ts";
import type { RateLimitState, RateLimitStep } from "./store.ts";

const EPS = 1e-9;

/**
 * One sliding-window step (see {@link applyPolicy}); windows are aligned to multiples of `w`.
 *
 * @example
 * ```ts
 * import { slidingWindowStep } from "./sliding_window.ts";
 * import { resolvePolicy } from "./policy.ts";
 * const p = resolvePolicy({ limit: 2, windowSeconds: 60, algorithm: "sliding-window" });
 * const a = slidingWindowStep(p, undefined, 0, 1, 1);
 * const b = slidingWindowStep(p, a.state, 1000, 1, 1);
 * const c = slidingWindowStep(p, b.state, 2000, 1, 1);
 * console.log(c.decision.allowed, c.decision.retryAfterSeconds); // false 88
 * ```
 */
export function slidingWindowStep(
  policy: ResolvedPolicy,
  state: RateLimitState | undefined,
  nowMs: number,
  cost: number,
  need: number,
): RateLimitStep {
  const w = policy.windowMs;
  const limit = policy.limit;
  const start = Math.floor(nowMs / w) * w;
  let prev = 0;
  let curr = 0;
  if (state !== undefined) {
    if (state.t === start) {
      prev = state.p;
      curr = state.c;
    } else if (state.t === start - w) {
      prev = state.c;
    }
  }
  const elapsed = nowMs - start;
  const weighted = prev * ((w - elapsed) / w);
  const resetSeconds = Math.ceil((start + w - nowMs) / 1000);
  if (weighted + curr + need > limit + EPS) {
    const room = limit - need - curr;
    let wait: number;
    if (room >= 0 && prev > 0) {
      // Later in this window, once the previous window's weight has decayed enough.
      wait = w * (1 - room / prev) - elapsed;
    } else {
      // Next window: the current count becomes the weighted previous one.
      const at = curr > 0 ? w * (1 - (limit - need) / curr) : 0;
      wait = start + w - nowMs + (at > 0 ? at : 0);
    }
    return {
      decision: {
        allowed: false,
        remaining: 0,
        resetSeconds,
        retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)),
      },
      state: undefined,
      expiresAt: start + 2 * w,
    };
  }
  curr += cost;
  const left = Math.floor(limit - weighted - curr + EPS);
  return {
    decision: {
      allowed: true,
      remaining: left > 0 ? left : 0,
      resetSeconds,
      retryAfterSeconds: 0,
    },
    state: cost === 0 ? undefined : { t: start, p: prev, c: curr },
    expiresAt: start + 2 * w,
  };
}
