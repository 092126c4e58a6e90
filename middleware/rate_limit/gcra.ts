/**
 * GCRA, the generic cell rate algorithm: a token bucket kept as one number per key, the
 * theoretical arrival time (TAT) at which the bucket would be full again. With emission interval
 * T = window / limit and bucket size B, a request needing n units is admitted while
 * `max(TAT, now) + n·T − now ≤ B·T`.
 *
 * @module
 */

import type { ResolvedPolicy } from "./policy.ts";
import type { RateLimitState, RateLimitStep } from "./store.ts";

// T may be fractional (60 s / 7): sums of T drift by ulps, never by a microsecond.
const EPS = 1e-6;

/**
 * One GCRA step (see {@link applyPolicy}); `state.t` is the TAT in epoch ms.
 *
 * @example
 * ```ts
 * import { gcraStep } from "./gcra.ts";
 * import { resolvePolicy } from "./policy.ts";
 * const p = resolvePolicy({ limit: 10, windowSeconds: 10, burst: 2 });
 * const a = gcraStep(p, undefined, 0, 1, 1);
 * const b = gcraStep(p, a.state, 0, 1, 1);
 * const c = gcraStep(p, b.state, 0, 1, 1);
 * console.log(a.decision.allowed, b.decision.allowed, c.decision.allowed); // true true false
 * console.log(c.decision.retryAfterSeconds); // 1
 * ```
 */
export function gcraStep(
  policy: ResolvedPolicy,
  state: RateLimitState | undefined,
  nowMs: number,
  cost: number,
  need: number,
): RateLimitStep {
  const interval = policy.windowMs / policy.limit;
  const capacity = policy.burst * interval;
  const stored = state === undefined ? nowMs : state.t;
  const tat = stored > nowMs ? stored : nowMs;
  if (tat + need * interval - nowMs > capacity + EPS) {
    const wait = tat + need * interval - capacity - nowMs;
    return {
      decision: {
        allowed: false,
        remaining: 0,
        resetSeconds: Math.ceil((tat - nowMs) / 1000),
        retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)),
      },
      state: undefined,
      expiresAt: tat,
    };
  }
  const next = tat + cost * interval;
  const left = Math.floor((capacity - (next - nowMs)) / interval + EPS);
  return {
    decision: {
      allowed: true,
      remaining: left > 0 ? left : 0,
      resetSeconds: Math.ceil((next - nowMs) / 1000),
      retryAfterSeconds: 0,
    },
    state: cost === 0 ? undefined : { t: next, p: 0, c: 0 },
    expiresAt: next,
  };
}
