// In-memory sums per (tenant, bucket, region, route): the memory ledger's whole state and the
// KV ledger's pending batch.

import { bucketStart, type CostGranularity, type CostRecord, type UsageRow } from "./ledger.ts";

/** The aggregate key: NUL-separated, so no tenant or route text can collide with another. */
function keyOf(tenant: string, bucket: number, region: string, route: string): string {
  return `${tenant}\u0000${bucket}\u0000${region}\u0000${route}`;
}

export class Aggregates {
  readonly rows: Map<string, UsageRow> = new Map();
  /** Records added since creation. */
  records = 0;
  // The same rows by tenant → route → region → bucket: a record's row is found without building
  // its key string (the hot path; `rows` keeps the string keys for merging and iteration).
  readonly #index = new Map<string, Map<string, Map<string, Map<number, UsageRow>>>>();

  constructor(readonly granularity: CostGranularity) {}

  #slot(tenant: string, route: string, region: string): Map<number, UsageRow> {
    let byRoute = this.#index.get(tenant);
    if (byRoute === undefined) this.#index.set(tenant, byRoute = new Map());
    let byRegion = byRoute.get(route);
    if (byRegion === undefined) byRoute.set(route, byRegion = new Map());
    let byBucket = byRegion.get(region);
    if (byBucket === undefined) byRegion.set(region, byBucket = new Map());
    return byBucket;
  }

  /** Whether `r` would add a row (rather than sum into an existing one). */
  isNew(r: CostRecord): boolean {
    const bucket = bucketStart(r.at, this.granularity);
    return !this.rows.has(keyOf(r.tenant, bucket, r.region, r.route));
  }

  add(r: CostRecord): void {
    const bucket = bucketStart(r.at, this.granularity);
    const slot = this.#slot(r.tenant, r.route, r.region);
    const row = slot.get(bucket);
    this.records++;
    if (row === undefined) {
      const fresh: UsageRow = {
        tenant: r.tenant,
        bucket,
        region: r.region,
        route: r.route,
        requests: r.requests,
        bytesIn: r.bytesIn,
        bytesOut: r.bytesOut,
        durationMicros: r.durationMicros,
      };
      slot.set(bucket, fresh);
      this.rows.set(keyOf(r.tenant, bucket, r.region, r.route), fresh);
      return;
    }
    row.requests += r.requests;
    row.bytesIn += r.bytesIn;
    row.bytesOut += r.bytesOut;
    row.durationMicros += r.durationMicros;
  }

  /**
   * Adds `r` unless it is malformed ({@link validRecord}) or would add a row while `held` rows
   * (these and any the ledger keeps elsewhere) already reach `maxRows`; false when it was not
   * added, for the ledger's `dropped` count.
   */
  admit(r: CostRecord, held: number = this.rows.size, maxRows: number = Infinity): boolean {
    if (!validRecord(r) || (held >= maxRows && this.isNew(r))) return false;
    this.add(r);
    return true;
  }

  /** Adds a whole row (a failed flush's rows go back this way). */
  addRow(r: UsageRow): void {
    const key = keyOf(r.tenant, r.bucket, r.region, r.route);
    const row = this.rows.get(key);
    if (row === undefined) {
      const fresh = { ...r };
      this.rows.set(key, fresh);
      this.#slot(r.tenant, r.route, r.region).set(r.bucket, fresh);
      return;
    }
    row.requests += r.requests;
    row.bytesIn += r.bytesIn;
    row.bytesOut += r.bytesOut;
    row.durationMicros += r.durationMicros;
  }
}

/** Whether a record's counters are well-formed (non-negative safe integers). */
export function validRecord(r: CostRecord): boolean {
  // Bounded text keeps every database key well under Deno KV's 2 KiB key limit.
  return typeof r.tenant === "string" && r.tenant.length <= 256 &&
    typeof r.route === "string" && r.route.length <= 512 &&
    typeof r.region === "string" && r.region.length <= 64 && Number.isFinite(r.at) &&
    Number.isSafeInteger(r.requests) && r.requests >= 0 &&
    Number.isSafeInteger(r.bytesIn) && r.bytesIn >= 0 &&
    Number.isSafeInteger(r.bytesOut) && r.bytesOut >= 0 &&
    Number.isSafeInteger(r.durationMicros) && r.durationMicros >= 0;
}

/** Rows of `source` in the query range, sorted by tenant, bucket, region, route. */
export function selectRows(
  source: Iterable<UsageRow>,
  q: { tenant?: string; from: number; to: number },
): UsageRow[] {
  const out: UsageRow[] = [];
  for (const r of source) {
    if (q.tenant !== undefined && r.tenant !== q.tenant) continue;
    if (r.bucket < q.from || r.bucket >= q.to) continue;
    out.push({ ...r });
  }
  return out;
}

export function sortRows(rows: UsageRow[]): UsageRow[] {
  return rows.sort((a, b) =>
    a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : a.bucket - b.bucket ||
      (a.region < b.region
        ? -1
        : a.region > b.region
        ? 1
        : a.route < b.route
        ? -1
        : a.route > b.route
        ? 1
        : 0)
  );
}
