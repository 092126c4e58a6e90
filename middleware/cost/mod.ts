/**
 * Cost tracking (`costTracking()`): per-request wire bytes, duration, tenant, route and region
 * summed in a memory or Deno KV ledger, priced exactly at read time, reported on `/usage`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { costTracking, KvCostLedger, usageRoute } from "@avila/avx-http/middleware";
 * const kv = await Deno.openKv(":memory:"); // Deno KV: --unstable-kv locally
 * const ledger = new KvCostLedger(kv, { granularity: "day" });
 * const prices = { egressPerGB: { default: 0.09, "br-saopaulo-1": 0.15 }, perMillionRequests: 0.5 };
 * const app = new Hono();
 * app.use(costTracking({ ledger, region: "br-saopaulo-1", prices }));
 * app.route("/", usageRoute({ ledger, prices }));
 * await ledger.close();
 * kv.close();
 * ```
 *
 * @module
 */

export { COST_HEADER, costTracking, type CostTrackingOptions } from "./cost_tracking.ts";
export { KvCostLedger } from "./kv_ledger.ts";
export {
  bucketStart,
  type CostGranularity,
  type CostLedger,
  CostLedgerError,
  type CostRecord,
  type UsageQuery,
  type UsageRow,
} from "./ledger.ts";
export { MemoryCostLedger } from "./memory_ledger.ts";
export { Prices, type PriceTable, type RegionalPrice, type UsageCounters } from "./prices.ts";
export {
  usageHandler,
  type UsageOptions,
  type UsageReport,
  usageRoute,
  type UsageTotals,
} from "./usage_route.ts";
