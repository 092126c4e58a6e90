/**
 * A `CostLedger` on Cloudflare: each isolate sums its records in memory per (tenant, time
 * bucket, region, route) and `flush()` adds those sums into one Durable Object, whose storage
 * is the ledger of record (strongly consistent, transactional). Call `flush()` from
 * `ctx.waitUntil(...)` after each response (the Workers entry point of the example does), since
 * Workers run no timers between requests; sums survive a failed flush and go with the next one.
 *
 * Workers KV would not do: a busy tenant's row is written many times a second, far above KV's
 * one write per second per key, and concurrent read-add-write through KV loses updates.
 *
 * One object takes every flush (a flush is one batched request per isolate, not one per
 * request). For very large deployments, give each region its own ledger name.
 *
 * @module
 */

import {
  bucketStart,
  type CostGranularity,
  type CostLedger,
  CostLedgerError,
  type CostRecord,
  type UsageQuery,
  type UsageRow,
} from "../cost/mod.ts";
import { ledgerGranularity } from "../cost/ledger.ts";
import { callObject, jsonError, readJson } from "./_rpc.ts";
import type { DurableObjectNamespaceLike, DurableObjectStateLike } from "./types.ts";

/** Rows per flush request (the object writes at most 128 keys per storage call). */
const FLUSH_BATCH = 128;
/** Most distinct rows held in memory between flushes; past it, new rows are dropped and counted. */
const MAX_PENDING_ROWS = 10_000;
/** Largest query result. */
const MAX_QUERY_ROWS = 10_000;

function rowKey(r: { bucket: number; tenant: string; region: string; route: string }): string {
  // Bucket first and zero-padded so a time range is one key range; parts percent-encoded.
  return `r:${String(r.bucket).padStart(15, "0")}:${encodeURIComponent(r.tenant)}:` +
    `${encodeURIComponent(r.region)}:${encodeURIComponent(r.route)}`;
}

function validCounters(r: Partial<UsageRow>): boolean {
  return [r.requests, r.bytesIn, r.bytesOut, r.durationMicros].every((v) =>
    Number.isSafeInteger(v) && (v as number) >= 0
  );
}

function validRow(r: Partial<UsageRow> | null): r is UsageRow {
  return r !== null && typeof r === "object" &&
    typeof r.tenant === "string" && r.tenant.length <= 256 &&
    typeof r.region === "string" && r.region.length <= 64 &&
    typeof r.route === "string" && r.route.length <= 512 &&
    Number.isSafeInteger(r.bucket) && (r.bucket as number) >= 0 && validCounters(r);
}

/**
 * `CostLedger` that batches in the isolate and sums in a Durable Object ({@link CostLedgerObject}).
 *
 * @example
 * ```ts
 * import { DurableObjectCostLedger } from "./mod.ts";
 * // In a Worker: costTracking({ ledger: new DurableObjectCostLedger(env.COSTS) })
 * const ns = { idFromName: (n: string) => n, get: () => ({ fetch: () => Promise.reject(new Error("offline")) }) };
 * const ledger = new DurableObjectCostLedger(ns);
 * ledger.record({ tenant: "acme", route: "/api", region: "default", status: 200, at: Date.now(),
 *   requests: 1, bytesIn: 0, bytesOut: 10, durationMicros: 50, uncompressedBytesOut: null });
 * console.log(ledger.pendingRows); // 1
 * ```
 */
export class DurableObjectCostLedger implements CostLedger {
  /** Time bucket of the sums. */
  readonly granularity: CostGranularity;
  /** Records dropped because they were invalid or the pending buffer was full. */
  dropped = 0;
  readonly #ns: DurableObjectNamespaceLike;
  readonly #name: string;
  #pending = new Map<string, UsageRow>();
  #flushing: Promise<void> | undefined;

  /**
   * Wraps the namespace binding of {@link CostLedgerObject}.
   *
   * @param namespace the binding (`env.COSTS`)
   * @param options bucket size and ledger name
   */
  constructor(namespace: DurableObjectNamespaceLike, options: {
    /** Time bucket of the sums; default `"hour"`. */
    granularity?: CostGranularity;
    /** Name of the ledger object (one object per name); default `"default"`. */
    name?: string;
  } = {}) {
    this.granularity = ledgerGranularity(options.granularity);
    this.#ns = namespace;
    this.#name = options.name ?? "default";
  }

  /** Distinct rows waiting for the next flush. */
  get pendingRows(): number {
    return this.#pending.size;
  }

  /** Adds one finished request to the in-memory sums (never throws, never awaits). */
  record(record: CostRecord): void {
    const bucket = Number.isFinite(record?.at) ? bucketStart(record.at, this.granularity) : NaN;
    const row = { ...record, bucket } as UsageRow & Partial<CostRecord>;
    if (!validRow(row)) {
      this.dropped++;
      return;
    }
    const key = rowKey(row);
    const sum = this.#pending.get(key);
    if (sum === undefined) {
      if (this.#pending.size >= MAX_PENDING_ROWS) {
        this.dropped++;
        return;
      }
      this.#pending.set(key, {
        tenant: row.tenant,
        bucket,
        region: row.region,
        route: row.route,
        requests: row.requests,
        bytesIn: row.bytesIn,
        bytesOut: row.bytesOut,
        durationMicros: row.durationMicros,
      });
      return;
    }
    sum.requests += row.requests;
    sum.bytesIn += row.bytesIn;
    sum.bytesOut += row.bytesOut;
    sum.durationMicros += row.durationMicros;
  }

  /** Sends the pending sums to the ledger object; failed batches stay pending. */
  flush(): Promise<void> {
    // One flush at a time per isolate; a caller arriving mid-flush waits and flushes again.
    const run = async (): Promise<void> => {
      while (this.#pending.size > 0) {
        const batch = [...this.#pending].slice(0, FLUSH_BATCH);
        for (const [k] of batch) this.#pending.delete(k);
        try {
          await callObject(this.#stub(), "/add", { rows: batch.map(([, r]) => r) });
        } catch (e) {
          for (const [k, r] of batch) this.#merge(k, r);
          throw new CostLedgerError("flush_failed", "the cost ledger object did not answer", {
            cause: e,
          });
        }
      }
    };
    const next = (this.#flushing ?? Promise.resolve()).catch(() => {}).then(run);
    this.#flushing = next;
    return next;
  }

  /** Rows of the ledger object in `[from, to)` (bucket starts), optionally one tenant's. */
  async query(query: UsageQuery): Promise<UsageRow[]> {
    const limit = query.limit ?? MAX_QUERY_ROWS;
    if (!Number.isFinite(query.from) || !Number.isFinite(query.to) || query.from > query.to) {
      throw new CostLedgerError("invalid_option", "from and to must be finite with from <= to");
    }
    const rows = await callObject<UsageRow[]>(this.#stub(), "/query", {
      tenant: query.tenant,
      from: query.from,
      to: query.to,
      limit: Math.min(limit, MAX_QUERY_ROWS) + 1,
    });
    if (rows.length > limit) throw new CostLedgerError("too_many_rows", "narrow the query range");
    return rows;
  }

  /** Flushes what is pending. */
  async close(): Promise<void> {
    await this.flush();
  }

  #merge(key: string, r: UsageRow): void {
    const sum = this.#pending.get(key);
    if (sum === undefined) this.#pending.set(key, r);
    else {
      sum.requests += r.requests;
      sum.bytesIn += r.bytesIn;
      sum.bytesOut += r.bytesOut;
      sum.durationMicros += r.durationMicros;
    }
  }

  #stub() {
    return this.#ns.get(this.#ns.idFromName(`ledger:${this.#name}`));
  }
}

/**
 * The Durable Object class holding a cost ledger (export it from the Worker).
 *
 * @example
 * ```ts
 * import { CostLedgerObject } from "./mod.ts";
 * // worker.ts: export { CostLedgerObject } from "@avila/avx-http/cloudflare";
 * console.log(typeof CostLedgerObject); // "function"
 * ```
 */
export class CostLedgerObject {
  readonly #state: DurableObjectStateLike;

  /**
   * Called by the runtime.
   *
   * @param state the object's state and storage
   * @param _env the Worker's bindings (unused)
   */
  constructor(state: DurableObjectStateLike, _env?: unknown) {
    this.#state = state;
  }

  /** Handles `POST /add` and `POST /query` from {@link DurableObjectCostLedger}. */
  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (request.method !== "POST") return jsonError(405, "POST only");
    let body: Record<string, unknown>;
    try {
      body = (await readJson(request)) as Record<string, unknown>;
      if (body === null || typeof body !== "object") throw new TypeError("not an object");
    } catch (e) {
      return jsonError(400, `invalid request: ${(e as Error).message}`);
    }
    if (path === "/add") return await this.#add(body);
    if (path === "/query") return await this.#query(body);
    return jsonError(404, "not found");
  }

  async #add(body: Record<string, unknown>): Promise<Response> {
    const rows = body.rows;
    if (!Array.isArray(rows) || rows.length > FLUSH_BATCH || !rows.every(validRow)) {
      return jsonError(400, `rows must be 1..${FLUSH_BATCH} valid usage rows`);
    }
    const storage = this.#state.storage;
    // Reads and the one batched write below are storage-only awaits: atomic under the input gate.
    const updates: Record<string, UsageRow> = {};
    for (const r of rows as UsageRow[]) {
      const key = rowKey(r);
      const sum = updates[key] ?? await storage.get<UsageRow>(key);
      updates[key] = sum === undefined ? { ...r } : {
        ...sum,
        requests: sum.requests + r.requests,
        bytesIn: sum.bytesIn + r.bytesIn,
        bytesOut: sum.bytesOut + r.bytesOut,
        durationMicros: sum.durationMicros + r.durationMicros,
      };
    }
    await storage.put(updates);
    return new Response(JSON.stringify({ ok: true }), {
      headers: { "content-type": "application/json" },
    });
  }

  async #query(body: Record<string, unknown>): Promise<Response> {
    const { tenant, from, to, limit } = body as {
      tenant?: unknown;
      from?: unknown;
      to?: unknown;
      limit?: unknown;
    };
    if (
      (tenant !== undefined && typeof tenant !== "string") || typeof from !== "number" ||
      typeof to !== "number" || !Number.isFinite(from) || !Number.isFinite(to) ||
      typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 ||
      limit > MAX_QUERY_ROWS + 1
    ) {
      return jsonError(400, "query needs finite from/to and limit 1..10001");
    }
    const start = `r:${String(Math.max(0, Math.ceil(from))).padStart(15, "0")}:`;
    const end = `r:${String(Math.max(0, Math.ceil(to))).padStart(15, "0")}:`;
    const out: UsageRow[] = [];
    let cursor = start;
    // Page through the key range; a tenant filter may skip many rows, so stop at `limit` matches.
    while (out.length < limit) {
      const page = await this.#state.storage.list<UsageRow>({ start: cursor, end, limit: 1000 });
      if (page.size === 0) break;
      let last = cursor;
      for (const [k, r] of page) {
        last = k;
        if (tenant !== undefined && r.tenant !== tenant) continue;
        out.push(r);
        if (out.length >= limit) break;
      }
      if (page.size < 1000) break;
      cursor = last + "\u0000";
    }
    out.sort((a, b) =>
      a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : a.bucket - b.bucket ||
        (a.region < b.region ? -1 : a.region > b.region ? 1 : 0) ||
        (a.route < b.route ? -1 : a.route > b.route ? 1 : 0)
    );
    return new Response(JSON.stringify(out), { headers: { "content-type": "application/json" } });
  }
}
