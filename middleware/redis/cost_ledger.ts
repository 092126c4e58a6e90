/**
 * `RedisCostLedger`: usage sums in Redis hashes, added to by every instance; records are batched
 * in memory, and kept (bounded) while Redis is down.
 *
 * @module
 */

import { Aggregates, selectRows, sortRows } from "../cost/_aggregate.ts";
import { FlushSchedule } from "../cost/_flush_schedule.ts";
import {
  type CostGranularity,
  type CostLedger,
  CostLedgerError,
  type CostRecord,
  type UsageQuery,
  type UsageRow,
} from "../cost/ledger.ts";
import {
  fromKeyPart,
  keyPart,
  RedisConnection,
  type RedisConnectionOptions,
  RedisScript,
} from "./_connection.ts";

const FIELDS = ["requests", "bytesIn", "bytesOut", "durationMicros"] as const;
const ROWS_PER_SCRIPT = 250;
/** Tenants written at once by a flush (each tenant's batches still go one after another). */
const FLUSH_LANES = 32;
/** Most tenants added to the tenant index by one `SADD`. */
const SADD_CHUNK = 1000;
/**
 * How long a (tenant, instance) marker lives after its last write: retries of a batch come well
 * within it, and markers of instances that stopped disappear.
 */
const MARKER_MS = 7 * 86_400_000;

// Adds one batch of one tenant, once. The batches a ledger cuts for a tenant are numbered in
// order and written one after another (the next only once the previous one is known applied), so
// one marker per (tenant, ledger instance) holding the last applied number makes a retry of a
// batch whose reply was lost a no-op: sums stay exact across timeouts and reconnects, and Redis
// keeps one marker per tenant and instance, not one per batch.
// KEYS: marker, bucket index, then one hash per bucket.
// ARGV: marker ms, batch number, then per bucket: its KEYS index, the bucket start, the number of
// increments n, then n (field, amount) pairs.
const APPLY = new RedisScript(`
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[2]) <= last then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
local i = 3
while i <= #ARGV do
  local key = KEYS[tonumber(ARGV[i])]
  local bucket = ARGV[i + 1]
  local n = tonumber(ARGV[i + 2])
  redis.call('ZADD', KEYS[2], bucket, bucket)
  i = i + 3
  for _ = 1, n do
    redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1])
    i = i + 2
  end
end
return 1
`);

interface Batch {
  /** This batch's number: the ledger's batches are numbered in the order they are cut. */
  seq: number;
  tenant: string;
  rows: UsageRow[];
}

/**
 * Usage sums in Redis. `record` only adds to an in-memory batch; `flush()` — every
 * `flushIntervalMs`, when `maxPendingRecords` are pending, and on `close()` — writes it as one
 * script per tenant (hash increments, so instances add into the same totals), tenants side by
 * side and one `SADD` for the tenant index. Each batch is written exactly once: a batch whose
 * write failed or timed out stays in memory with its number and is retried when Redis is back
 * (the tenant's later batches wait behind it), and Redis skips it if it had in fact been applied
 * (one marker per tenant and instance holds the last batch number applied). While Redis
 * is down, records keep summing in memory, up to `maxBufferedRows` rows. Layout: per tenant (its
 * own hash tag, so one slot on a cluster) a hash per bucket (`region|route|field -> sum`) and a
 * sorted set of buckets; a set of tenants for queries over all of them.
 *
 * @example
 * ```ts
 * import { costTracking, RedisCostLedger } from "@avila/avx-http/middleware";
 * const ledger = new RedisCostLedger({ url: "redis://127.0.0.1:6379", granularity: "day" });
 * const mw = costTracking({ ledger });
 * console.log(typeof mw); // "function"
 * await ledger.close();
 * ```
 */
export class RedisCostLedger implements CostLedger {
  /** Bucket size. */
  readonly granularity: CostGranularity;
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #maxRows: number;
  readonly #schedule: FlushSchedule;
  #pending: Aggregates;
  /** Batches cut from the pending sums and not yet written, oldest first. */
  #sealed: Batch[] = [];
  #sealedRows = 0;
  /** This ledger's name in its markers (one per tenant and instance). */
  readonly #instance = crypto.randomUUID();
  #seq = 0;
  /** Records dropped: malformed, or new rows past `maxBufferedRows`. */
  dropped = 0;

  /**
   * Connects (in the background) or wraps `options.client`.
   *
   * @param options where Redis is, time budget, prefix, granularity, flush and buffer bounds
   */
  constructor(
    options: RedisConnectionOptions & {
      /** Key prefix; default `"avx:cost"`. */
      prefix?: string;
      /** Bucket size; default `"hour"`. */
      granularity?: CostGranularity;
      /** Flush this often (ms) while records are pending; default 1000. `0` disables the timer. */
      flushIntervalMs?: number;
      /**
       * Flush as soon as this many records are pending; default 10 000. A flush costs one script
       * per tenant with pending records, so the timer (`flushIntervalMs`) is what usually
       * flushes.
       */
      maxPendingRecords?: number;
      /**
       * Most (tenant, bucket, region, route) rows held in memory while they cannot be written
       * (Redis down); records that would add a row past it are dropped and counted in `dropped`.
       * Default 100 000.
       */
      maxBufferedRows?: number;
      /** Told about background flush failures (the records stay pending and are retried). */
      onError?: (error: CostLedgerError) => void;
    },
  ) {
    this.granularity = options.granularity ?? "hour";
    if (this.granularity !== "hour" && this.granularity !== "day") {
      throw new CostLedgerError("invalid_option", `unknown granularity "${this.granularity}"`);
    }
    const intervalMs = options.flushIntervalMs ?? 1000;
    const maxPending = options.maxPendingRecords ?? 10_000;
    this.#maxRows = options.maxBufferedRows ?? 100_000;
    if (!(intervalMs >= 0) || !(maxPending >= 1) || !(this.#maxRows >= 1)) {
      throw new CostLedgerError(
        "invalid_option",
        "flush interval, batch size and buffer size must be positive",
      );
    }
    this.#redis = new RedisConnection(options, "RedisCostLedger");
    this.#prefix = keyPart(options.prefix ?? "avx:cost");
    this.#schedule = new FlushSchedule({
      intervalMs,
      maxPending,
      flush: () => this.flush(),
      hasWork: () => this.#pending.records > 0 || this.#sealed.length > 0,
      onError: options.onError,
    });
    this.#pending = new Aggregates(this.granularity);
  }

  #tag(tenant: string): string {
    return `${this.#prefix}:{${keyPart(tenant)}}`;
  }

  get #tenants(): string {
    return `${this.#prefix}:tenants`;
  }

  /** Records waiting to be written (since the last successful flush). */
  get pendingRecords(): number {
    return this.#pending.records;
  }

  /** Rows held in memory, written or not yet cut into batches. */
  get bufferedRows(): number {
    return this.#pending.rows.size + this.#sealedRows;
  }

  /** Adds one request's usage to the pending batch (never throws). */
  record(record: CostRecord): void {
    if (!this.#pending.admit(record, this.bufferedRows, this.#maxRows)) this.dropped++;
    else this.#schedule.recorded(this.#pending.records);
  }

  /** Writes what is pending; concurrent calls run one after another. */
  flush(): Promise<void> {
    return this.#schedule.inOrder(() => this.#flushOnce());
  }

  #seal(): void {
    if (this.#pending.rows.size === 0) return;
    const byTenant = new Map<string, UsageRow[]>();
    for (const r of this.#pending.rows.values()) {
      let rows = byTenant.get(r.tenant);
      if (rows === undefined) byTenant.set(r.tenant, rows = []);
      rows.push(r);
    }
    for (const [tenant, rows] of byTenant) {
      for (let i = 0; i < rows.length; i += ROWS_PER_SCRIPT) {
        const chunk = rows.slice(i, i + ROWS_PER_SCRIPT);
        this.#sealed.push({ seq: ++this.#seq, tenant, rows: chunk });
        this.#sealedRows += chunk.length;
      }
    }
    this.#pending = new Aggregates(this.granularity);
  }

  async #flushOnce(): Promise<void> {
    this.#seal();
    if (this.#sealed.length === 0) return;
    // Each tenant's batches in order; tenants written side by side (pipelined on one connection).
    const byTenant = new Map<string, Batch[]>();
    for (const b of this.#sealed) {
      let chain = byTenant.get(b.tenant);
      if (chain === undefined) byTenant.set(b.tenant, chain = []);
      chain.push(b);
    }
    const fail = (e: unknown): CostLedgerError =>
      new CostLedgerError("flush_failed", "writing usage to Redis failed", { cause: e });
    // The tenant index first (idempotent), then the sums: a tenant is never missing from it.
    const tenants = [...byTenant.keys()];
    try {
      for (let i = 0; i < tenants.length; i += SADD_CHUNK) {
        await this.#redis.command(this.#tenants, [
          "SADD",
          this.#tenants,
          // Encoded: a tenant is any JavaScript string, and UTF-8 cannot carry a lone surrogate.
          ...tenants.slice(i, i + SADD_CHUNK).map(keyPart),
        ]);
      }
    } catch (e) {
      throw fail(e);
    }
    const chains = [...byTenant.values()];
    const written = new Set<Batch>();
    let failure: unknown;
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let i = next++; i < chains.length; i = next++) {
        for (const batch of chains[i]) {
          try {
            await this.#write(batch);
          } catch (e) {
            // The rest of this tenant waits: a later batch never lands before an earlier one.
            failure ??= e;
            break;
          }
          written.add(batch);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FLUSH_LANES, chains.length) }, lane));
    if (written.size > 0) {
      this.#sealed = this.#sealed.filter((b) => !written.has(b));
      for (const b of written) this.#sealedRows -= b.rows.length;
    }
    if (failure !== undefined) throw fail(failure);
  }

  async #write(batch: Batch): Promise<void> {
    const tag = this.#tag(batch.tenant);
    const keys = [`${tag}:w:${this.#instance}`, `${tag}:i`];
    const args = [String(MARKER_MS), String(batch.seq)];
    const byBucket = new Map<number, UsageRow[]>();
    for (const r of batch.rows) {
      let rows = byBucket.get(r.bucket);
      if (rows === undefined) byBucket.set(r.bucket, rows = []);
      rows.push(r);
    }
    for (const [bucket, rows] of byBucket) {
      keys.push(`${tag}:b:${bucket}`);
      const incs: string[] = [];
      for (const r of rows) {
        for (const f of FIELDS) {
          if (r[f] > 0) incs.push(`${keyPart(r.region)}|${keyPart(r.route)}|${f}`, String(r[f]));
        }
      }
      args.push(String(keys.length), String(bucket), String(incs.length / 2), ...incs);
    }
    await this.#redis.eval(APPLY, keys, args);
  }

  /** Rows in the range: what Redis holds plus this instance's unwritten records. */
  async query(query: UsageQuery): Promise<UsageRow[]> {
    const limit = query.limit ?? 100_000;
    const sums = new Aggregates(this.granularity);
    try {
      const tenants = query.tenant !== undefined
        ? [query.tenant]
        : ((await this.#redis.command(this.#tenants, ["SMEMBERS", this.#tenants])) as unknown[])
          .map((m) => fromKeyPart(String(m)));
      for (const tenant of tenants) {
        const tag = this.#tag(tenant);
        const buckets = await this.#redis.command(`${tag}:i`, [
          "ZRANGE",
          `${tag}:i`,
          String(query.from),
          `(${query.to}`,
          "BYSCORE",
        ]) as unknown[];
        for (const b of buckets) {
          const bucket = Number(b);
          const fields = pairs(
            await this.#redis.command(`${tag}:b:${bucket}`, [
              "HGETALL",
              `${tag}:b:${bucket}`,
            ]),
          );
          for (const [name, value] of fields) {
            const [region, route, field] = name.split("|");
            if (!(FIELDS as readonly string[]).includes(field)) continue;
            const row: UsageRow = {
              tenant,
              bucket,
              region: fromKeyPart(region),
              route: fromKeyPart(route),
              requests: 0,
              bytesIn: 0,
              bytesOut: 0,
              durationMicros: 0,
            };
            row[field as typeof FIELDS[number]] = Number(value);
            sums.addRow(row);
          }
          if (sums.rows.size > limit) {
            throw new CostLedgerError("too_many_rows", "narrow the query range");
          }
        }
      }
    } catch (e) {
      if (e instanceof CostLedgerError) throw e;
      throw new CostLedgerError("flush_failed", "reading usage from Redis failed", { cause: e });
    }
    for (const r of selectRows(this.#pending.rows.values(), query)) sums.addRow(r);
    for (const b of this.#sealed) for (const r of selectRows(b.rows, query)) sums.addRow(r);
    if (sums.rows.size > limit) {
      throw new CostLedgerError("too_many_rows", "narrow the query range");
    }
    return sortRows([...sums.rows.values()]);
  }

  /**
   * Resolves once connected to Redis; rejects (`RedisStoreError` `unavailable`) after `waitMs`.
   */
  connect(waitMs?: number): Promise<void> {
    return this.#redis.connect(waitMs);
  }

  /** `/readyz`: whether Redis answers a PING within the time budget. */
  readiness(): Promise<{ ok: boolean; detail?: string }> {
    return this.#redis.readiness();
  }

  /** Stops the timer, flushes what is pending, and closes the connection the ledger opened. */
  async close(): Promise<void> {
    try {
      await this.#schedule.close();
    } finally {
      await this.#redis.close();
    }
  }
}

/** HGETALL's reply as pairs: an array (RESP2) or a map/object (RESP3). */
function pairs(reply: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) {
      out.push([String(reply[i]), String(reply[i + 1])]);
    }
  } else if (reply instanceof Map) {
    for (const [k, v] of reply) out.push([String(k), String(v)]);
  } else if (reply !== null && typeof reply === "object") {
    for (const [k, v] of Object.entries(reply)) out.push([k, String(v)]);
  }
  return out;
}
