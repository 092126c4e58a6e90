/**
 * Rate-limit policies: what a quota is (draft-ietf-httpapi-ratelimit-headers §3.1: quota `q`,
 * window `w`, quota unit `qu`), which algorithm enforces it, and the typed errors of this module.
 *
 * @module
 */

import { AvilaError } from "@avila/compress";

/**
 * A quota policy as configured.
 *
 * @example
 * ```ts
 * import type { RateLimitPolicy } from "@avila/avx-http/middleware";
 * const perMinute: RateLimitPolicy = { name: "default", limit: 100, windowSeconds: 60 };
 * console.log(perMinute.limit); // 100
 * ```
 */
export interface RateLimitPolicy {
  /**
   * Policy name shown in `RateLimit-Policy` / `RateLimit` and in 429 problems; default: the plan's
   * key for the single policy of a `plans` entry (`"pro"`), else `"default"`.
   */
  name?: string;
  /** Quota per window, in quota units (`q`): a positive integer. */
  limit: number;
  /** Window in whole seconds (`w`): a positive integer. */
  windowSeconds: number;
  /** Enforcement algorithm; default `"gcra"`. */
  algorithm?: "gcra" | "sliding-window";
  /**
   * GCRA only: how many units may be spent at once (bucket size); default `limit`. The refill
   * rate stays `limit / windowSeconds`.
   */
  burst?: number;
  /** Quota unit; default `"requests"`. */
  unit?: "requests" | "content-bytes";
  /** Units one request costs when `unit` is `"requests"` (weighted routes); default 1. */
  cost?: number;
}

/**
 * A validated policy with its defaults filled in and its advertised header item precomputed.
 *
 * @example
 * ```ts
 * import { resolvePolicy } from "./policy.ts";
 * const p = resolvePolicy({ limit: 10, windowSeconds: 1 });
 * console.log(p.name, p.algorithm, p.burst); // "default" "gcra" 10
 * ```
 */
export interface ResolvedPolicy {
  /** Policy name. */
  readonly name: string;
  /** Quota per window. */
  readonly limit: number;
  /** Window in seconds. */
  readonly windowSeconds: number;
  /** Window in milliseconds. */
  readonly windowMs: number;
  /** Algorithm. */
  readonly algorithm: NonNullable<RateLimitPolicy["algorithm"]>;
  /** Bucket size (GCRA); equals `limit` for sliding windows. */
  readonly burst: number;
  /** Quota unit. */
  readonly unit: NonNullable<RateLimitPolicy["unit"]>;
  /** Units charged per request for `requests` policies. */
  readonly cost: number;
  /**
   * Identity of the counter: policies with the same id share state for the same key. Built from
   * every field that changes the arithmetic, so a changed limit never reads an old state wrongly.
   */
  readonly id: string;
  /** The `RateLimit-Policy` list member for this policy (structured-field item). */
  readonly policyItem: string;
}

/**
 * A typed rate-limit error: a bad policy or key, or a store that could not decide.
 *
 * @example
 * ```ts
 * import { RateLimitError } from "@avila/avx-http/middleware";
 * const e = new RateLimitError("invalid_policy", "limit must be a positive integer");
 * console.log(e.code); // "invalid_policy"
 * ```
 */
export class RateLimitError extends AvilaError<
  | "invalid_policy"
  | "invalid_key"
  | "store_contention"
  | "store_failure"
> {
  /** Always `"RateLimitError"`. */
  override name = "RateLimitError";
}

// sf-token-ish names keep the quoted policy identifier free of escapes and the counter ids short.
const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Whether `name` is a valid policy name (not re-exported: for the rate-limit middleware). */
export function isPolicyName(name: string): boolean {
  return NAME.test(name);
}

function positiveInt(v: unknown, what: string, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) {
    throw new RateLimitError("invalid_policy", `${what} must be an integer in 1..${max}`);
  }
  return v;
}

/**
 * Validates a policy and fills in its defaults. Throws {@link RateLimitError} (`invalid_policy`).
 *
 * @example
 * ```ts
 * import { resolvePolicy } from "./policy.ts";
 * const p = resolvePolicy({ name: "perhr", limit: 1000, windowSeconds: 3600 });
 * console.log(p.policyItem); // '"perhr";q=1000;w=3600'
 * ```
 */
export function resolvePolicy(policy: RateLimitPolicy): ResolvedPolicy {
  if (policy === null || typeof policy !== "object") {
    throw new RateLimitError("invalid_policy", "a policy must be an object");
  }
  const name = policy.name ?? "default";
  if (typeof name !== "string" || !isPolicyName(name)) {
    throw new RateLimitError(
      "invalid_policy",
      `policy name must be 1-64 characters of A-Z a-z 0-9 _ . : -`,
    );
  }
  // Integers up to 1e15 keep every derived product (limit × window ms) exact in a double.
  const limit = positiveInt(policy.limit, "limit", 1e15);
  const windowSeconds = positiveInt(policy.windowSeconds, "windowSeconds", 366 * 86400);
  const algorithm = policy.algorithm ?? "gcra";
  if (algorithm !== "gcra" && algorithm !== "sliding-window") {
    throw new RateLimitError("invalid_policy", `unknown algorithm "${String(algorithm)}"`);
  }
  const burst = algorithm === "gcra" && policy.burst !== undefined
    ? positiveInt(policy.burst, "burst", 1e15)
    : limit;
  const unit = policy.unit ?? "requests";
  if (unit !== "requests" && unit !== "content-bytes") {
    throw new RateLimitError("invalid_policy", `unknown quota unit "${String(unit)}"`);
  }
  const cost = policy.cost === undefined ? 1 : positiveInt(policy.cost, "cost", 1e15);
  if (unit === "requests" && cost > burst) {
    throw new RateLimitError("invalid_policy", `cost ${cost} can never fit in ${burst} units`);
  }
  // GCRA keeps its state as an epoch-ms timestamp (~1.8e12), whose doubles step by ~0.24 µs: a
  // request's emission interval must be long enough (>= 0.1 ms) for rounding not to skew counts.
  if (algorithm === "gcra" && unit === "requests" && limit > windowSeconds * 10_000) {
    throw new RateLimitError(
      "invalid_policy",
      `limit ${limit} per ${windowSeconds} s is over 10,000 requests per second per key, finer ` +
        `than GCRA's clock counts exactly; use algorithm "sliding-window" for such limits`,
    );
  }
  const id = `${name}|${algorithm}|${limit}|${windowSeconds}|${burst}|${unit}`;
  const policyItem = `"${name}";q=${limit}` + (unit === "requests" ? "" : `;qu="${unit}"`) +
    `;w=${windowSeconds}`;
  return {
    name,
    limit,
    windowSeconds,
    windowMs: windowSeconds * 1000,
    algorithm,
    burst,
    unit,
    cost,
    id,
    policyItem,
  };
}
