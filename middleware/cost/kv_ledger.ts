/**
 * A cost ledger in Deno KV: usage batched in memory, then added to `Deno.KvU64` counters with
 * atomic `sum` mutations, so every instance sharing the database adds into the same totals.
 *
 * @module
 */

import { Aggregates, selectRows, sortRows } from "./_aggregate.ts";
import { FlushSchedule } from "./_flush_schedule.ts";
import {
  type CostGranularity,
  type CostLedger,
  CostLedgerError,
  type CostRecord,
  ledgerGranularity,
  type UsageQuery,
  type UsageRow,
} from "./ledger.ts";

const FIELDS = ["requests", "bytesIn", "bytesOut", "durationMicros"] as const;
// 4 sums per row: 100 rows keep an atomic operation far below KV's 1000-mutation limit.
const ROWS_PER_COMMIT = 100;

/**
 * Usage sums in Deno KV. `record` only adds to an in-memory batch; the batch is written by
 * `flush()` — called every `flushIntervalMs`, when `maxPendingRecords` are pending, and by
 * `close()` — as `sum` mutations, which commute, so concurrent instances never lose an update.
 * A failed commit puts its rows back into the batch for the next flush. A new ledger on the same
 * database (a restart) reads the same totals.
 *
 * @example
 * ```ts
 * import { KvCostLedger } from "@avila/avx-http/middleware";
 * const kv = await Deno.openKv(":memory:"); // Deno KV: --unstable-kv locally
 * const ledger = new KvCostLedger(kv, { granularity: "day" });
 * ledger.record({
 *   tenant: "acme", route: "/", region: "default", status: 200, at: 0,
 *   requests: 1, bytesIn: 0, bytesOut: 10, durationMicros: 5, uncompressedBytesOut: 10,
 * });
 * await ledger.close();
 * console.log((await new KvCostLedger(kv).query({ from: 0, to: 86_400_000 }))[0].requests); // 1
 * kv.close();
 * ```
 */
export class KvCostLedger implements CostLedger {
  /** Bucket size. */
  readonly granularity: CostGranularity;
  readonly #kv: Deno.Kv;
  readonly #prefix: readonly Deno.KvKeyPart[];
  readonly #schedule: FlushSchedule;
  #pending: Aggregates;
  /** Records dropped because they were malformed. */
  dropped = 0;

  /**
   * Wraps an open database; the ledger never opens or closes it.
   *
   * @param kv the database
   * @param options prefix, granularity and flush policy
   */
  constructor(kv: Deno.Kv, options: {
    /** Key prefix; default `["avx", "cost"]`. */
    prefix?: readonly Deno.KvKeyPart[];
    /** Bucket size; default `"hour"`. */
    granularity?: CostGranularity;
    /** Flush this often (ms) while records are pending; default 1000. `0` disables the timer. */
    flushIntervalMs?: number;
    /** Flush as soon as this many records are pending; default 1000. */
    maxPendingRecords?: number;
    /** Told about background flush failures (the records stay pending and are retried). */
    onError?: (error: CostLedgerError) => void;
  } = {}) {
    this.#kv = kv;
    this.#prefix = options.prefix ?? ["avx", "cost"];
    this.granularity = ledgerGranularity(options.granularity);
    const intervalMs = options.flushIntervalMs ?? 1000;
    const maxPending = options.maxPendingRecords ?? 1000;
    if (!(intervalMs >= 0) || !(maxPending >= 1)) {
      throw new CostLedgerError("invalid_option", "flush interval and batch size must be positive");
    }
    this.#schedule = new FlushSchedule({
      intervalMs,
      maxPending,
      flush: () => this.flush(),
      hasWork: () => this.#pending.records > 0,
      onError: options.onError,
    });
    this.#pending = new Aggregates(this.granularity);
  }

  /** Records waiting for the next flush. */
  get pendingRecords(): number {
    return this.#pending.records;
  }

  /** Adds one request's usage to the pending batch. */
  record(record: CostRecord): void {
    if (!this.#pending.admit(record)) this.dropped++;
    else this.#schedule.recorded(this.#pending.records);
  }

  /** Writes the pending batch; concurrent calls run one after another. */
  flush(): Promise<void> {
    return this.#schedule.inOrder(() => this.#flushOnce());
  }

  async #flushOnce(): Promise<void> {
    if (this.#pending.rows.size === 0) return;
    const rows = [...this.#pending.rows.values()];
    this.#pending = new Aggregates(this.granularity);
    for (let i = 0; i < rows.length; i += ROWS_PER_COMMIT) {
      const chunk = rows.slice(i, i + ROWS_PER_COMMIT);
      let error: unknown;
      try {
        const op = this.#kv.atomic();
        for (const r of chunk) {
          for (const f of FIELDS) {
            if (r[f] > 0) {
              op.sum([...this.#prefix, r.tenant, r.bucket, r.region, r.route, f], BigInt(r[f]));
            }
          }
        }
        const res = await op.commit();
        if (!res.ok) error = new Error("atomic commit was rejected");
      } catch (e) {
        error = e;
      }
      if (error !== undefined) {
        // Nothing of this chunk or later ones was written: keep them for the next flush.
        for (const r of rows.slice(i)) this.#pending.addRow(r);
        this.#pending.records += rows.length - i; // rows, not requests: only paces the next flush
        throw new CostLedgerError("flush_failed", "writing usage to Deno KV failed", {
          cause: error,
        });
      }
    }
  }

  /** Rows in the range: what the database holds plus this instance's pending batch. */
  async query(query: UsageQuery): Promise<UsageRow[]> {
    const limit = query.limit ?? 100_000;
    const sums = new Aggregates(this.granularity);
    const selector: Deno.KvListSelector = query.tenant === undefined
      ? { prefix: [...this.#prefix] }
      : {
        start: [...this.#prefix, query.tenant, query.from],
        end: [...this.#prefix, query.tenant, query.to],
      };
    let seen = 0;
    for await (const entry of this.#kv.list<Deno.KvU64>(selector, { batchSize: 500 })) {
      const k = entry.key.slice(this.#prefix.length);
      const [tenant, bucket, region, route, field] = k;
      if (
        typeof tenant !== "string" || typeof bucket !== "number" || typeof region !== "string" ||
        typeof route !== "string" || !(FIELDS as readonly unknown[]).includes(field) ||
        !(entry.value instanceof Deno.KvU64)
      ) continue; // a foreign key under our prefix: not ours to interpret
      if (bucket < query.from || bucket >= query.to) continue;
      if (++seen > limit * FIELDS.length) {
        throw new CostLedgerError("too_many_rows", "narrow the query range");
      }
      const row: UsageRow = {
        tenant,
        bucket,
        region,
        route,
        requests: 0,
        bytesIn: 0,
        bytesOut: 0,
        durationMicros: 0,
      };
      row[field as typeof FIELDS[number]] = Number(entry.value.value);
      sums.addRow(row);
    }
    for (const r of selectRows(this.#pending.rows.values(), query)) sums.addRow(r);
    if (sums.rows.size > limit) {
      throw new CostLedgerError("too_many_rows", "narrow the query range");
    }
    return sortRows([...sums.rows.values()]);
  }

  /** Stops the timer and flushes what is pending. */
  async close(): Promise<void> {
    await this.#schedule.close();
  }
}
