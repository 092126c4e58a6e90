/**
 * A cost ledger in process memory: exact sums, nothing to flush, gone on restart.
 *
 * @module
 */

import { Aggregates, selectRows, sortRows } from "./_aggregate.ts";
import {
  type CostGranularity,
  type CostLedger,
  CostLedgerError,
  type CostRecord,
  ledgerGranularity,
  type UsageQuery,
  type UsageRow,
} from "./ledger.ts";

/**
 * Usage sums in a `Map` (tests, single-instance tools). `record` is synchronous; rows beyond
 * `maxRows` are counted in {@link MemoryCostLedger.dropped} instead of growing without bound.
 *
 * @example
 * ```ts
 * import { MemoryCostLedger } from "@avila/avx-http/middleware";
 * const ledger = new MemoryCostLedger({ granularity: "day" });
 * ledger.record({
 *   tenant: "acme", route: "/", region: "default", status: 200, at: 0,
 *   requests: 1, bytesIn: 0, bytesOut: 10, durationMicros: 5, uncompressedBytesOut: 10,
 * });
 * console.log((await ledger.query({ tenant: "acme", from: 0, to: 86_400_000 })).length); // 1
 * ```
 */
export class MemoryCostLedger implements CostLedger {
  /** Bucket size. */
  readonly granularity: CostGranularity;
  readonly #sums: Aggregates;
  readonly #maxRows: number;
  /** Records dropped: malformed, or new rows past `maxRows`. */
  dropped = 0;

  /**
   * Creates an empty ledger.
   *
   * @param options granularity and row cap
   */
  constructor(options: {
    /** Bucket size; default `"hour"`. */
    granularity?: CostGranularity;
    /** Most (tenant, bucket, region, route) rows kept; new rows past it are dropped. Default 1 000 000. */
    maxRows?: number;
  } = {}) {
    this.granularity = ledgerGranularity(options.granularity);
    this.#maxRows = options.maxRows ?? 1_000_000;
    this.#sums = new Aggregates(this.granularity);
  }

  /** Adds one request's usage. */
  record(record: CostRecord): void {
    if (!this.#sums.admit(record, this.#sums.rows.size, this.#maxRows)) this.dropped++;
  }

  /** Nothing to write. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /** Rows in the range. */
  query(query: UsageQuery): Promise<UsageRow[]> {
    const rows = selectRows(this.#sums.rows.values(), query);
    if (rows.length > (query.limit ?? 100_000)) {
      return Promise.reject(new CostLedgerError("too_many_rows", "narrow the query range"));
    }
    return Promise.resolve(sortRows(rows));
  }

  /** Nothing to stop. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
