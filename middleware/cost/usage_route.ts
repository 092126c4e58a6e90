/**
 * `GET /usage?tenant=&from=&to=`: usage and cost totals per tenant and bucket, for admins.
 *
 * @module
 */

import { Hono } from "hono";
import type { Context, Handler } from "hono";
import { principalOf } from "../../http/principal.ts";
import { HttpProblem } from "../../http/problem.ts";
import { type CostLedger, CostLedgerError, type UsageRow } from "./ledger.ts";
import { Prices, type PriceTable } from "./prices.ts";

/** Options of {@link usageHandler}. */
export interface UsageOptions {
  /** The ledger to read. */
  ledger: CostLedger;
  /** Prices to compute costs with; default all free. */
  prices?: PriceTable;
  /** Scope a principal needs; default `"admin"`. */
  scope?: string;
  /** Longest range, in days; default 366. */
  maxRangeDays?: number;
  /** Most ledger rows one query may read; default 100 000. */
  maxRows?: number;
  /** Clock (epoch ms) for the default range; default `Date.now`. */
  now?: () => number;
}

/** Totals of one bucket (or of a whole range), with cost as exact decimal USD text. */
export interface UsageTotals {
  /** Requests. */
  requests: number;
  /** Request bytes received. */
  bytesIn: number;
  /** Response bytes sent on the wire. */
  bytesOut: number;
  /** Serving time, milliseconds (3 decimals). */
  durationMs: number;
  /** Cost in USD, as a decimal string (no float rounding). */
  costUsd: string;
}

/** The `/usage` response body. */
export interface UsageReport {
  /** Range start (ISO 8601, inclusive). */
  from: string;
  /** Range end (ISO 8601, exclusive). */
  to: string;
  /** Bucket size. */
  granularity: "hour" | "day";
  /** One entry per tenant, sorted by tenant. */
  tenants: Array<{
    tenant: string;
    totals: UsageTotals;
    buckets: Array<UsageTotals & { start: string }>;
  }>;
}

const DAY = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(name: string, v: string): number {
  if (!DATE.test(v) && !DATETIME.test(v)) {
    throw new HttpProblem(400, {
      detail: `"${name}" must be an ISO 8601 date (2025-01-31) or date-time with offset`,
      code: "usage_query_invalid",
    });
  }
  const ms = Date.parse(DATE.test(v) ? `${v}T00:00:00Z` : v);
  const back = DATE.test(v) ? new Date(ms).toISOString().slice(0, 10) : "";
  if (!Number.isFinite(ms) || (DATE.test(v) && back !== v)) {
    throw new HttpProblem(400, {
      detail: `"${name}" is not a valid date: ${v}`,
      code: "usage_query_invalid",
    });
  }
  return ms;
}

interface Acc {
  requests: number;
  bytesIn: number;
  bytesOut: number;
  durationMicros: number;
  atto: bigint;
}

const zero = (): Acc => ({ requests: 0, bytesIn: 0, bytesOut: 0, durationMicros: 0, atto: 0n });

function addRow(a: Acc, r: UsageRow, prices: Prices): void {
  a.requests += r.requests;
  a.bytesIn += r.bytesIn;
  a.bytesOut += r.bytesOut;
  a.durationMicros += r.durationMicros;
  a.atto += prices.cost(r, r.region);
}

function totals(a: Acc): UsageTotals {
  return {
    requests: a.requests,
    bytesIn: a.bytesIn,
    bytesOut: a.bytesOut,
    durationMs: a.durationMicros / 1000,
    costUsd: Prices.usd(a.atto),
  };
}

/**
 * The `/usage` handler: needs a principal with the admin scope (401 without a principal, 403
 * without the scope). `from`/`to` are ISO dates or date-times (default: the last 24 hours);
 * bad values, `from >= to` and ranges longer than `maxRangeDays` are 400 problems. Pending
 * records of this instance are included.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { MemoryCostLedger } from "@avila/avx-http/middleware";
 * import { usageHandler } from "./usage_route.ts";
 * const ledger = new MemoryCostLedger();
 * const app = new Hono();
 * app.get("/usage", usageHandler({ ledger, prices: { egressPerGB: 0.09 } }));
 * console.log((await app.request("/usage")).status); // 401
 * ```
 */
export function usageHandler(options: UsageOptions): Handler {
  const { ledger } = options;
  const prices = new Prices(options.prices);
  const scope = options.scope ?? "admin";
  const maxRange = (options.maxRangeDays ?? 366) * DAY;
  const maxRows = options.maxRows ?? 100_000;
  const now = options.now ?? Date.now;
  return async function usage(c: Context): Promise<Response> {
    const p = principalOf(c);
    if (p === undefined) {
      throw new HttpProblem(401, {
        detail: "usage reports need an authenticated caller",
        code: "missing_credentials",
      });
    }
    if (!p.scopes.includes(scope)) {
      throw new HttpProblem(403, {
        detail: `usage reports need the "${scope}" scope`,
        code: "insufficient_scope",
      });
    }
    const q = c.req.query();
    const to = q.to === undefined ? now() : parseInstant("to", q.to);
    const from = q.from === undefined ? to - DAY : parseInstant("from", q.from);
    if (from >= to) {
      throw new HttpProblem(400, {
        detail: `"from" must be before "to"`,
        code: "usage_query_invalid",
      });
    }
    if (to - from > maxRange) {
      throw new HttpProblem(400, {
        detail: `the range may span at most ${maxRange / DAY} days`,
        code: "usage_query_invalid",
      });
    }
    const tenant = q.tenant;
    if (tenant !== undefined && (tenant === "" || tenant.length > 256)) {
      throw new HttpProblem(400, {
        detail: `"tenant" must be 1-256 characters`,
        code: "usage_query_invalid",
      });
    }
    // Buckets that start before `from` but overlap it are included (a day bucket for a range
    // starting at noon), so align the query down to the bucket size.
    const size = ledger.granularity === "hour" ? 3_600_000 : DAY;
    const start = Math.floor(from / size) * size;
    let rows: UsageRow[];
    try {
      rows = await ledger.query({ tenant, from: start, to, limit: maxRows });
    } catch (e) {
      if (e instanceof CostLedgerError && e.code === "too_many_rows") {
        throw new HttpProblem(400, {
          detail: "the range holds too much data; narrow it",
          code: "usage_query_invalid",
        });
      }
      throw e;
    }
    const byTenant = new Map<string, { all: Acc; buckets: Map<number, Acc> }>();
    for (const r of rows) {
      let t = byTenant.get(r.tenant);
      if (t === undefined) byTenant.set(r.tenant, t = { all: zero(), buckets: new Map() });
      let b = t.buckets.get(r.bucket);
      if (b === undefined) t.buckets.set(r.bucket, b = zero());
      addRow(t.all, r, prices);
      addRow(b, r, prices);
    }
    const report: UsageReport = {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      granularity: ledger.granularity,
      tenants: [...byTenant.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map((
        [name, t],
      ) => ({
        tenant: name,
        totals: totals(t.all),
        buckets: [...t.buckets.entries()].sort(([a], [b]) => a - b).map(([s, acc]) => ({
          start: new Date(s).toISOString(),
          ...totals(acc),
        })),
      })),
    };
    return c.json(report, 200, { "cache-control": "no-store" });
  };
}

/**
 * A sub-app serving `GET /usage` with {@link usageHandler}; mount it with `app.route("/", …)`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { MemoryCostLedger, usageRoute } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.route("/", usageRoute({ ledger: new MemoryCostLedger() }));
 * ```
 */
export function usageRoute(options: UsageOptions): Hono {
  const app = new Hono();
  app.get("/usage", usageHandler(options));
  return app;
}
