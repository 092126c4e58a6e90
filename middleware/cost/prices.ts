/**
 * Prices and exact cost arithmetic. Usage is kept as integers (requests, bytes, microseconds);
 * cost is computed when read, in integer atto-dollars (1e-18 USD) with `bigint`, so sums over
 * millions of requests never drift the way float dollars do.
 *
 * @module
 */

import { ConfigurationError } from "../../http/config_error.ts";

/** A price that may differ per region: `{ default: 0.09, "br-saopaulo-1": 0.15 }`. */
export type RegionalPrice = number | Readonly<Record<string, number>>;

/**
 * What usage costs, in USD. Every field is optional (missing = free).
 *
 * @example
 * ```ts
 * import type { PriceTable } from "@avila/avx-http/middleware";
 * const prices: PriceTable = {
 *   egressPerGB: { default: 0.09, "br-saopaulo-1": 0.15 },
 *   perMillionRequests: 0.5,
 * };
 * console.log(prices.perMillionRequests); // 0.5
 * ```
 */
export interface PriceTable {
  /** USD per GB (10^9 bytes) of response bytes on the wire, by region. */
  egressPerGB?: RegionalPrice;
  /** USD per GB of request bytes received, by region. */
  ingressPerGB?: RegionalPrice;
  /** USD per million requests, by region. */
  perMillionRequests?: RegionalPrice;
  /** USD per second of serving time (handler and streaming), by region. */
  perSecond?: RegionalPrice;
}

/** Integer usage counters of one request or one aggregate. */
export interface UsageCounters {
  /** Requests. */
  requests: number;
  /** Request bytes received. */
  bytesIn: number;
  /** Response bytes sent (wire, after content coding). */
  bytesOut: number;
  /** Serving time in microseconds. */
  durationMicros: number;
}

type Nano = (region: string) => bigint;

function nanoOf(price: RegionalPrice | undefined, what: string): Nano {
  const conv = (v: number, where: string): bigint => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1e9) {
      throw new ConfigurationError(
        "invalid_option",
        `price ${what}${where} must be a finite number in 0..1e9 USD`,
      );
    }
    return BigInt(Math.round(v * 1e9)); // nano-dollars per unit: exact for ≤ 9 decimals
  };
  if (price === undefined) return () => 0n;
  if (typeof price === "number") {
    const n = conv(price, "");
    return () => n;
  }
  const table = new Map<string, bigint>();
  for (const [k, v] of Object.entries(price)) table.set(k, conv(v, `["${k}"]`));
  const fallback = table.get("default") ?? 0n;
  return (region) => table.get(region) ?? fallback;
}

/**
 * A compiled price table: exact costs in atto-dollars, and USD text.
 *
 * @example
 * ```ts
 * import { Prices } from "@avila/avx-http/middleware";
 * const prices = new Prices({ egressPerGB: 0.09, perMillionRequests: 0.5 });
 * const atto = prices.cost({ requests: 1, bytesIn: 0, bytesOut: 1_000_000, durationMicros: 0 }, "default");
 * console.log(Prices.usd(atto)); // "0.0000905"
 * ```
 */
export class Prices {
  readonly #egress: Nano;
  readonly #ingress: Nano;
  readonly #requests: Nano;
  readonly #seconds: Nano;
  /** Whether every price is zero (then every cost is 0 and need not be computed). */
  readonly free: boolean;

  /**
   * Validates and compiles a table; throws `ConfigurationError` on a negative or non-finite price.
   *
   * @param table prices in USD
   */
  constructor(table: PriceTable = {}) {
    this.#egress = nanoOf(table.egressPerGB, "egressPerGB");
    this.#ingress = nanoOf(table.ingressPerGB, "ingressPerGB");
    this.#requests = nanoOf(table.perMillionRequests, "perMillionRequests");
    this.#seconds = nanoOf(table.perSecond, "perSecond");
    const zero = (v: number | Record<string, number> | undefined): boolean =>
      v === undefined || v === 0 ||
      (typeof v === "object" && Object.values(v).every((x) => x === 0));
    this.free = zero(table.egressPerGB) && zero(table.ingressPerGB) &&
      zero(table.perMillionRequests) && zero(table.perSecond);
  }

  /** Cost of `usage` in `region`, in atto-dollars (10^-18 USD), exactly. */
  cost(usage: UsageCounters, region: string): bigint {
    // nano$/GB × bytes = atto$; nano$/million × requests × 1000 = atto$; nano$/s × µs × 1000 = atto$.
    return BigInt(usage.bytesOut) * this.#egress(region) +
      BigInt(usage.bytesIn) * this.#ingress(region) +
      BigInt(usage.requests) * this.#requests(region) * 1000n +
      BigInt(usage.durationMicros) * this.#seconds(region) * 1000n;
  }

  /** Formats atto-dollars as a decimal USD string (up to 18 decimals, trailing zeros trimmed). */
  static usd(atto: bigint): string {
    const neg = atto < 0n;
    const v = neg ? -atto : atto;
    const whole = v / 1_000_000_000_000_000_000n;
    const frac = (v % 1_000_000_000_000_000_000n).toString().padStart(18, "0").replace(/0+$/, "");
    return `${neg ? "-" : ""}${whole}${frac ? "." + frac : ""}`;
  }
}
