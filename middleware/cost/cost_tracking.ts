/**
 * `costTracking()`: per-request usage (wire bytes in and out, duration, region, tenant, route,
 * status) into a {@link CostLedger}, Prometheus counters, and an optional `AVL-Cost` header.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { answeringRoute } from "../../http/mod.ts";
import { principalOf } from "../../http/principal.ts";
import { Counter, type MetricsRegistry } from "../../http/metrics.ts";
import { appRuntime } from "../../http/runtime.ts";
import { stageMiddleware } from "../../http/mod.ts";
import { setHeader } from "../../http/mod.ts";
import { type BodyState, bodyState, trackBody } from "../../http/mod.ts";
import { captureBodies, capturedPayload, payloadLength } from "../../http/mod.ts";
import type { CostLedger, CostRecord } from "./ledger.ts";
import { Prices, type PriceTable } from "./prices.ts";

/** The cost header's name. */
export const COST_HEADER = "avl-cost";

/** Options of {@link costTracking}. */
export interface CostTrackingOptions {
  /** Where usage is summed. */
  ledger: CostLedger;
  /** Region serving the request: a fixed id or a function; default `"default"`. */
  region?: string | ((c: Context) => string);
  /** Prices for the `AVL-Cost` header and the cost counter; default all free. */
  prices?: PriceTable;
  /** Send `AVL-Cost` on responses; default false. */
  costHeader?: boolean;
  /** Record Prometheus counters on the app's registry (`appRuntime(c).metrics`); default true. */
  metrics?: boolean;
  /** Add a `tenant` label to the counters (one series per tenant: mind cardinality); default false. */
  tenantLabel?: boolean;
  /** Tenant of requests without a principal; default `"anonymous"`. */
  anonymousTenant?: string;
  /** Clock in epoch ms (fractional allowed); default `performance.timeOrigin + performance.now()`. */
  now?: () => number;
  /** Called with every finished record (after the ledger has it). */
  onRecord?: (record: CostRecord) => void;
}

interface Families {
  requests: Counter;
  bytesIn: Counter;
  bytesOut: Counter;
  cost: Counter;
}

const NO_BODY = new Set([101, 204, 205, 304]);

function counter(registry: MetricsRegistry, name: string, help: string, labels: string[]): Counter {
  const existing = registry.get(name);
  if (existing instanceof Counter) return existing;
  return registry.register(new Counter(name, help, labels));
}

/** Counter families per registry, registered once however many middlewares or requests. */
const FAMILIES = new WeakMap<MetricsRegistry, Families>();

function familiesOf(registry: MetricsRegistry, tenant: boolean): Families {
  let f = FAMILIES.get(registry);
  if (f === undefined) {
    const base = tenant ? ["route", "region", "tenant"] : ["route", "region"];
    f = {
      requests: counter(registry, "avx_cost_requests_total", "Requests recorded by cost tracking", [
        "route",
        "status",
        "region",
        ...(tenant ? ["tenant"] : []),
      ]),
      bytesIn: counter(registry, "avx_cost_bytes_in_total", "Request bytes received", base),
      bytesOut: counter(
        registry,
        "avx_cost_bytes_out_total",
        "Response bytes sent on the wire (after content coding)",
        base,
      ),
      cost: counter(registry, "avx_cost_usd_total", "Cost of served requests in USD", base),
    };
    FAMILIES.set(registry, f);
  }
  return f;
}

function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Cost tracking. Sits outside compression (order 26 < 30), so `bytesOut` is what went on the
 * wire: the `Content-Length` of the final response, or, for streamed bodies, the bytes counted
 * through a `TransformStream` — the record is written when the stream ends or is cancelled, and
 * its duration then covers the streaming too. `bytesIn` is the request's wire size: its
 * `Content-Length`, or the bytes the app actually read of a body without one, counted before
 * any `Content-Encoding` is decoded. `uncompressedBytesOut` is only known
 * for responses sent without `Content-Encoding` (then equal to `bytesOut`).
 *
 * `AVL-Cost` (when enabled): `usd=<cost>; bytes=<n>` with the full cost when the length is known
 * up front; for streamed bodies `usd=<cost without egress>; bytes=streamed` (headers leave
 * before the body; the ledger has the final figure).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { costTracking, MemoryCostLedger } from "@avila/avx-http/middleware";
 * const ledger = new MemoryCostLedger();
 * const app = new Hono();
 * app.use(costTracking({ ledger, region: "br-saopaulo-1", prices: { perMillionRequests: 0.5 }, costHeader: true }));
 * app.get("/", (c) => c.text("hello"));
 * const res = await app.request("/");
 * console.log(res.headers.get("avl-cost")); // "usd=0.0000005; bytes=5"
 * ```
 */
export function costTracking(options: CostTrackingOptions): MiddlewareHandler {
  const ledger = options.ledger;
  const regionOpt = options.region ?? "default";
  const regionOf = typeof regionOpt === "string" ? () => regionOpt : regionOpt;
  const prices = new Prices(options.prices);
  const header = options.costHeader ?? false;
  const metrics = options.metrics ?? true;
  const tenantLabel = options.tenantLabel ?? false;
  const anonymous = options.anonymousTenant ?? "anonymous";
  const now = options.now ?? wallClock;
  const onRecord = options.onRecord;

  // Series of the cost counters, resolved once per (registry, route, status, region[, tenant])
  // instead of joining label values on every request. A byte or cost series is only created
  // when something is added to it, as `inc` would, so /metrics shows no zero series.
  interface Series {
    /** The counter families the series below belong to. */
    f: Families;
    requests: { v: number };
    base: string[];
    bytesIn?: { v: number };
    bytesOut?: { v: number };
    cost?: { v: number };
  }
  // registry → route → region → status → tenant ("" without the tenant label) → series: nested
  // lookups on the label strings, no key string built per request.
  type Level<V> = Map<string | number, V>;
  // One lookup per request for the registry's families and series together.
  const seriesCache = new WeakMap<
    MetricsRegistry,
    { f: Families; byRoute: Level<Level<Level<Level<Series>>>> }
  >();
  const level = <V>(m: Level<V>, k: string | number): V => {
    let v = m.get(k);
    if (v === undefined) m.set(k, v = new Map() as V);
    return v;
  };
  const seriesOf = (registry: MetricsRegistry, rec: CostRecord): Series => {
    let cached = seriesCache.get(registry);
    if (cached === undefined) {
      cached = { f: familiesOf(registry, tenantLabel), byRoute: new Map() };
      seriesCache.set(registry, cached);
    }
    const f = cached.f;
    const byTenant = level(level(level(cached.byRoute, rec.route), rec.region), rec.status);
    const tenant = tenantLabel ? rec.tenant : "";
    let s = byTenant.get(tenant);
    if (s === undefined) {
      const status = String(rec.status);
      s = {
        f,
        requests: f.requests.handle(
          tenantLabel
            ? [rec.route, status, rec.region, rec.tenant]
            : [rec.route, status, rec.region],
        ),
        base: tenantLabel ? [rec.route, rec.region, rec.tenant] : [rec.route, rec.region],
      };
      byTenant.set(tenant, s);
    }
    return s;
  };

  const finish = (c: Context, rec: CostRecord): void => {
    ledger.record(rec);
    if (metrics) {
      const rt = appRuntime(c);
      if (rt !== undefined) {
        const s = seriesOf(rt.metrics, rec);
        const f = s.f;
        s.requests.v++;
        if (rec.bytesIn > 0) (s.bytesIn ??= f.bytesIn.handle(s.base)).v += rec.bytesIn;
        if (rec.bytesOut > 0) (s.bytesOut ??= f.bytesOut.handle(s.base)).v += rec.bytesOut;
        if (!prices.free) {
          const atto = prices.cost(rec, rec.region);
          if (atto > 0n) (s.cost ??= f.cost.handle(s.base)).v += Number(atto) / 1e18;
        }
      }
    }
    onRecord?.(rec);
  };

  /** The body's declared length, else what was received of it so far. */
  const wireBytesIn = (body: BodyState): number => body.declaredBytes ?? body.wireBytes;

  /** What `leave` needs from `enter`. */
  interface Started {
    started: number;
    bytesIn: number;
    countedIn: BodyState | undefined;
  }

  return stageMiddleware<Started>({
    name: "costTracking",
    enter(c) {
      const started = now();
      let bytesIn = 0;
      let countedIn: BodyState | undefined;
      const raw = c.req.raw;
      const method = raw.method;
      // GET/HEAD carry no body: skip the header read (on Deno it materialises the header list).
      const declared = method === "GET" || method === "HEAD"
        ? null
        : raw.headers.get("content-length");
      if (declared !== null) {
        const n = Number(declared);
        if (Number.isSafeInteger(n) && n >= 0) bytesIn = n;
      } else if (method !== "GET" && method !== "HEAD" && raw.body !== null) {
        // No declared length (a chunked upload, or a body the server decoded from its
        // Content-Encoding): count the wire bytes the app reads. The server core tracks them
        // already; on a plain Hono app this starts tracking (a no-op otherwise).
        const tracked = trackBody(raw);
        if (tracked !== raw) c.req.raw = tracked;
        countedIn = bodyState(tracked);
      }
      // The payload of c.json/c.text/c.body: its length is known without reading a stream (Deno
      // leaves such bodies unmaterialised until they are sent).
      captureBodies(c);
      return { started, bytesIn, countedIn };
    },
    leave(c, res, { started, bytesIn, countedIn }) {
      const route = answeringRoute(c);
      const rec: CostRecord = {
        tenant: principalOf(c)?.tenant ?? anonymous,
        route,
        region: regionOf(c),
        status: res.status,
        at: Math.floor(started),
        requests: 1,
        bytesIn,
        bytesOut: 0,
        durationMicros: 0,
        uncompressedBytesOut: null,
      };
      const noBody = c.req.method === "HEAD" || NO_BODY.has(res.status);
      const captured = capturedPayload(res);
      let length: number;
      let identity: boolean;
      if (noBody) {
        length = 0;
        identity = true;
      } else if (captured !== undefined) {
        // The handler's own payload reached the wire untouched (no coding replaced the response).
        length = payloadLength(captured);
        identity = true;
      } else {
        identity = !res.headers.has("content-encoding");
        const declared = res.headers.get("content-length");
        length = declared === null ? NaN : Number(declared);
        if (declared === null && res.body === null) length = 0;
      }
      if (Number.isSafeInteger(length) && length >= 0) {
        rec.bytesOut = length;
        rec.uncompressedBytesOut = identity ? length : null;
        if (countedIn !== undefined) rec.bytesIn = wireBytesIn(countedIn);
        rec.durationMicros = Math.max(0, Math.round((now() - started) * 1000));
        if (header) {
          res = setHeader(
            res,
            COST_HEADER,
            `usd=${Prices.usd(prices.cost(rec, rec.region))}; bytes=${length}`,
          );
        }
        finish(c, rec);
        return res;
      }
      if (header) {
        rec.durationMicros = Math.max(0, Math.round((now() - started) * 1000));
        res = setHeader(
          res,
          COST_HEADER,
          `usd=${Prices.usd(prices.cost(rec, rec.region))}; bytes=streamed`,
        );
      }
      let done = false;
      const end = () => {
        if (done) return;
        done = true;
        if (countedIn !== undefined) rec.bytesIn = wireBytesIn(countedIn);
        if (identity) rec.uncompressedBytesOut = rec.bytesOut;
        rec.durationMicros = Math.max(0, Math.round((now() - started) * 1000));
        finish(c, rec);
      };
      const counted = res.body!.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, ctl) {
            rec.bytesOut += chunk.byteLength;
            ctl.enqueue(chunk);
          },
          flush: end,
          cancel: end,
        }),
      );
      return new Response(counted, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    },
  });
}
