/**
 * The cost ledger contract: per-request usage records summed per (tenant, time bucket, region,
 * route), and the typed errors of cost tracking.
 *
 * @module
 */

import { AvilaError } from "@avila/compress";
import type { UsageCounters } from "./prices.ts";

/** Time bucket of the sums (UTC). */
export type CostGranularity = "hour" | "day";

/**
 * One finished request's usage.
 *
 * @example
 * ```ts
 * import type { CostRecord } from "@avila/avx-http/middleware";
 * const r: CostRecord = {
 *   tenant: "acme", route: "/rows", region: "default", status: 200, at: Date.now(),
 *   requests: 1, bytesIn: 0, bytesOut: 1234, durationMicros: 850, uncompressedBytesOut: null,
 * };
 * console.log(r.bytesOut); // 1234
 * ```
 */
export interface CostRecord extends UsageCounters {
  /** Paying tenant (`principal.tenant`, or the anonymous tenant name). */
  tenant: string;
  /** Route pattern that handled the request (`"unmatched"` when none did). */
  route: string;
  /** Region that served it. */
  region: string;
  /** Response status. */
  status: number;
  /** When it started, epoch ms. */
  at: number;
  /**
   * Response bytes before content coding, when known: equal to `bytesOut` for responses sent
   * without `Content-Encoding`; `null` for coded ones (the compressor runs inside this
   * middleware and its input size is not visible here).
   */
  uncompressedBytesOut: number | null;
}

/**
 * Summed usage of one (tenant, bucket, region, route).
 *
 * @example
 * ```ts
 * import type { UsageRow } from "@avila/avx-http/middleware";
 * const row: UsageRow = {
 *   tenant: "acme", bucket: 0, region: "default", route: "/",
 *   requests: 3, bytesIn: 0, bytesOut: 30, durationMicros: 900,
 * };
 * console.log(row.requests); // 3
 * ```
 */
export interface UsageRow extends UsageCounters {
  /** Tenant. */
  tenant: string;
  /** Bucket start, epoch ms (UTC hour or day). */
  bucket: number;
  /** Region. */
  region: string;
  /** Route pattern. */
  route: string;
}

/**
 * A usage query: buckets starting in `[from, to)`.
 *
 * @example
 * ```ts
 * import type { UsageQuery } from "@avila/avx-http/middleware";
 * const q: UsageQuery = { tenant: "acme", from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 1, 1) };
 * console.log(q.tenant); // "acme"
 * ```
 */
export interface UsageQuery {
  /** Only this tenant; all tenants when absent. */
  tenant?: string;
  /** Earliest bucket start, epoch ms (inclusive). */
  from: number;
  /** Latest bucket start, epoch ms (exclusive). */
  to: number;
  /** Most rows returned before failing with `too_many_rows`; default 100 000. */
  limit?: number;
}

/**
 * Where usage is summed. `record` is synchronous and cheap (the request path calls it);
 * durable ledgers batch in memory and write on `flush()` (also periodically), losing nothing:
 * a failed flush keeps its records for the next one.
 *
 * @example
 * ```ts
 * import { type CostLedger, MemoryCostLedger } from "@avila/avx-http/middleware";
 * const ledger: CostLedger = new MemoryCostLedger();
 * ledger.record({
 *   tenant: "acme", route: "/", region: "default", status: 200, at: 0,
 *   requests: 1, bytesIn: 0, bytesOut: 10, durationMicros: 5, uncompressedBytesOut: 10,
 * });
 * console.log((await ledger.query({ from: 0, to: 86_400_000 }))[0].bytesOut); // 10
 * ```
 */
export interface CostLedger {
  /** Bucket size of the sums. */
  readonly granularity: CostGranularity;
  /** Adds one request's usage. Never throws for a well-formed record. */
  record(record: CostRecord): void;
  /** Writes pending sums; rejects with {@link CostLedgerError} (`flush_failed`) keeping them. */
  flush(): Promise<void>;
  /** Rows of buckets in the range, pending records included. */
  query(query: UsageQuery): Promise<UsageRow[]>;
  /** Flushes and stops periodic work. */
  close(): Promise<void>;
}

/**
 * A ledger failure.
 *
 * @example
 * ```ts
 * import { CostLedgerError } from "@avila/avx-http/middleware";
 * const e = new CostLedgerError("too_many_rows", "narrow the range");
 * console.log(e.code); // "too_many_rows"
 * ```
 */
export class CostLedgerError
  extends AvilaError<"flush_failed" | "too_many_rows" | "invalid_option"> {
  /** Always `"CostLedgerError"`. */
  override name = "CostLedgerError";
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * A ledger's `granularity` option: `"hour"` when absent, a `CostLedgerError` (`invalid_option`)
 * when it is not a granularity (options may come from untyped configuration).
 *
 * @example
 * ```ts
 * import { ledgerGranularity } from "./ledger.ts";
 * console.log(ledgerGranularity(undefined), ledgerGranularity("day")); // "hour" "day"
 * ```
 */
export function ledgerGranularity(granularity: CostGranularity | undefined): CostGranularity {
  const g = granularity ?? "hour";
  if (g !== "hour" && g !== "day") {
    throw new CostLedgerError("invalid_option", `unknown granularity "${g}"`);
  }
  return g;
}

/**
 * The start (epoch ms, UTC) of the bucket holding `ms`.
 *
 * @example
 * ```ts
 * import { bucketStart } from "./ledger.ts";
 * console.log(new Date(bucketStart(Date.UTC(2025, 0, 2, 13, 45), "day")).toISOString()); // "2025-01-02T00:00:00.000Z"
 * ```
 */
export function bucketStart(ms: number, granularity: CostGranularity): number {
  const size = granularity === "hour" ? HOUR : DAY;
  return Math.floor(ms / size) * size;
}
