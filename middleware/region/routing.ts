/**
 * `regionRouting()`: decides which region should serve a request — from the client's location,
 * an explicit `X-AVL-Region`, the write policy and the principal's data residency — and then
 * serves it locally, redirects, asks the platform proxy to replay it, or proxies it.
 *
 * @module
 */

import { ConfigurationError } from "../../http/config_error.ts";
import type { Context, MiddlewareHandler } from "hono";
import { setHeader } from "../../http/mod.ts";
import { stageMiddleware } from "../../http/mod.ts";
import { BreakerRegistry } from "../resilience/breakers.ts";
import { principalOf } from "../../http/principal.ts";
import { HttpProblem } from "../../http/problem.ts";
import { forward, pathAndQuery } from "./_proxy.ts";
import {
  type CfProperties,
  REGION_ID,
  type RegionRegistry,
  type RegisteredRegion,
} from "./registry.ts";

type RegionReason = RegionDecision["reason"];

type RegionDecision = RegionVariables["region"];

/** Context variables set by {@link regionRouting}. */
export interface RegionVariables {
  /** The routing decision. */
  region: {
    /** This instance's region id (`undefined` for an edge router that belongs to no region). */
    current?: string;
    /** The region that should serve, before health is considered. */
    preferred: string;
    /** The region chosen after failover (this one serves, or the request goes there). */
    target: string;
    /** The client's country, when known. */
    country?: string;
    /** Why `preferred` was preferred. */
    reason: "explicit" | "country" | "platform-region" | "write" | "default";
    /** Regions the request already passed through (from the hop header). */
    hops: readonly string[];
    /** Whether the request is served by this instance. */
    local: boolean;
  };
}

/** Options of {@link regionRouting}. */
export interface RegionRoutingOptions {
  /** The regions. */
  registry: RegionRegistry;
  /**
   * `"local"` (default): annotate only (and refuse, with 421, what residency forbids here);
   * `"redirect"`: 307 to the regional origin; `"replay"`: a replay header for the platform proxy
   * (Fly's `fly-replay`) plus a 307 fallback; `"proxy"`: forward the request to the region.
   */
  mode?: "local" | "redirect" | "replay" | "proxy";
  /** Country lookup used when no header tells it (e.g. a GeoIP database); may be async. */
  geo?: (c: Context) => string | undefined | Promise<string | undefined>;
  /** Honour an explicit `X-AVL-Region: <region id>` request header; default true. */
  trustRegionHeader?: boolean;
  /** Honour `CF-IPCountry` and `Fly-Region` request headers (set by those platforms); default true. */
  trustPlatformHeaders?: boolean;
  /** Send writes (POST/PUT/PATCH/DELETE) to the primary region, without failover; default true. */
  writesToPrimary?: boolean;
  /** Circuit breakers per region id (shared with `breakerReadiness`); default: failure rate 50% over 10 s, 10 requests minimum, 10 s open. */
  breakers?: BreakerRegistry;
  /** Replay header name; default `fly-replay`. */
  replayHeader?: string;
  /** Replay header value; default `region=<first alias, or id>`. */
  replayValue?: (region: RegisteredRegion) => string;
  /** Header marking a request the platform replayed (treated as one hop); default `fly-replay-src`. */
  replaySourceHeader?: string;
  /** Hop header listing the regions a request passed through; default `X-AVL-Hop`. */
  hopHeader?: string;
  /** Most regions a request may pass through before it is served where it is; default 2. */
  maxHops?: number;
  /** Time limit for a proxied region's response headers, in ms; default 10000. */
  proxyTimeoutMs?: number;
  /** The fetch used to proxy; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** `Retry-After` seconds when every allowed region is down; default 5. */
  retryAfter?: number;
}

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const UNKNOWN_COUNTRY = new Set(["XX", "T1"]);
const EDGE = "edge";

function cfOf(c: Context): CfProperties | undefined {
  return (c.req.raw as Request & { cf?: CfProperties }).cf;
}

/** Region ids that may serve a principal with residency prefixes (all when unrestricted). */
function allowedBy(prefixes: readonly string[] | undefined, r: RegisteredRegion): boolean {
  if (prefixes === undefined) return true;
  for (const p of prefixes) if (r.id.startsWith(p)) return true;
  return false;
}

/**
 * Region routing middleware. Response headers: `X-AVL-Region` (the region that served) and
 * `X-AVL-Preferred-Region`.
 *
 * Policies, in order: an explicit `X-AVL-Region` (validated: 400 for an unknown id), else the
 * client's country (`cf.country`, `CF-IPCountry`) or platform edge region (`Fly-Region`), else
 * `geo(c)`, picks the preferred region; writes go to the primary (no failover: a write must not
 * land on a replica); a principal's `residency.regions` prefixes filter the candidates — 403 when
 * no configured region may serve it (retrying cannot help), 421 Misdirected Request when this
 * instance may not but another could (local mode), 503 with `Retry-After` when the allowed
 * regions are all down; a region whose circuit breaker is open is skipped for the next one.
 * A request whose hop header shows it already passed through the chosen region (or too many
 * regions) is served here when this region is allowed, or gets 508 Loop Detected.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { RegionRegistry, regionRouting } from "@avila/avx-http/middleware";
 * const registry = new RegionRegistry([
 *   { id: "us-east-1", origin: "https://us.example.com", continents: ["NA"], primary: true },
 *   { id: "br-saopaulo-1", origin: "https://br.example.com", countries: ["BR"], continents: ["SA"] },
 * ], { current: "us-east-1" });
 * const app = new Hono();
 * app.use(regionRouting({ registry, mode: "redirect" }));
 * app.get("/", (c) => c.text("served in us-east-1"));
 * const res = await app.request("/", { headers: { "cf-ipcountry": "BR" } });
 * console.log(res.status, res.headers.get("location")); // 307 "https://br.example.com/"
 * ```
 */
export function regionRouting(options: RegionRoutingOptions): MiddlewareHandler {
  const registry = options.registry;
  const mode = options.mode ?? "local";
  const trustRegion = options.trustRegionHeader ?? true;
  const trustPlatform = options.trustPlatformHeaders ?? true;
  const writesToPrimary = options.writesToPrimary ?? true;
  const breakers = options.breakers ??
    new BreakerRegistry({
      failureRate: 0.5,
      volumeThreshold: 10,
      windowMs: 10_000,
      openMs: 10_000,
    });
  const replayHeader = options.replayHeader ?? "fly-replay";
  const replayValue = options.replayValue ?? ((r) => `region=${r.aliases[0] ?? r.id}`);
  const replaySource = options.replaySourceHeader ?? "fly-replay-src";
  const hopHeader = options.hopHeader ?? "X-AVL-Hop";
  const maxHops = Math.max(1, Math.floor(options.maxHops ?? 2));
  const retryAfter = String(Math.max(0, Math.floor(options.retryAfter ?? 5)));
  const settings = {
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    timeoutMs: Math.max(1, options.proxyTimeoutMs ?? 10_000),
    hopHeader,
  };
  if (!["local", "redirect", "replay", "proxy"].includes(mode)) {
    throw new ConfigurationError("invalid_option", `regionRouting: unknown mode ${mode}`);
  }

  const readHops = (c: Context): string[] => {
    const raw = c.req.header(hopHeader);
    const hops: string[] = [];
    if (raw) {
      if (raw.length > 1024) throw badRequest(`${hopHeader} header is too long`);
      for (const part of raw.split(",")) {
        const id = part.trim();
        if (!REGION_ID.test(id)) throw badRequest(`${hopHeader} lists an invalid region id`);
        hops.push(id);
      }
    }
    return hops;
  };

  const decide = (c: Context): Local | Response | Promise<Local | Response> => {
    const cf = cfOf(c);
    const current = registry.currentRegion(cf);
    const hops = readHops(c);

    // Where the client is.
    let reason: RegionReason = "default";
    let first: RegisteredRegion | undefined;
    let country: string | undefined;
    const explicit = trustRegion ? c.req.header("x-avl-region") : undefined;
    if (explicit !== undefined) {
      const id = explicit.trim();
      first = REGION_ID.test(id) ? registry.get(id) : undefined;
      if (first === undefined) throw badRequest(`X-AVL-Region names no configured region`);
      reason = "explicit";
    }
    country = typeof cf?.country === "string" ? cf.country : undefined;
    if (country === undefined && trustPlatform) country = c.req.header("cf-ipcountry");
    if (country !== undefined) {
      country = country.trim().toUpperCase();
      if (UNKNOWN_COUNTRY.has(country) || !/^[A-Z]{2}$/.test(country)) country = undefined;
    }
    if (first === undefined && country === undefined && trustPlatform) {
      const fly = c.req.header("fly-region");
      const r = fly ? registry.resolve(fly.trim()) : undefined;
      if (r !== undefined) {
        first = r;
        reason = "platform-region";
      }
    }
    if (first === undefined && country === undefined && options.geo !== undefined) {
      const g = options.geo(c);
      if (g instanceof Promise) {
        return g.then((v) => choose(c, current, hops, first, geoCountry(v), reason));
      }
      country = geoCountry(g);
    }
    return choose(c, current, hops, first, country, reason);
  };

  const choose = (
    c: Context,
    current: RegisteredRegion | undefined,
    hops: string[],
    first: RegisteredRegion | undefined,
    country: string | undefined,
    reason: RegionReason,
  ): Local | Response | Promise<Local | Response> => {
    if (reason === "default" && country !== undefined) reason = "country";
    let order: readonly RegisteredRegion[] = registry.forCountry(country);
    if (first !== undefined && order[0] !== first) {
      order = [
        first,
        ...order.filter((r) => r !== first),
      ];
    }

    // Policies: residency filters, writes pin.
    const residency = principalOf(c)?.residency;
    const prefixes = residency?.regions;
    if (prefixes !== undefined) {
      order = order.filter((r) => allowedBy(prefixes, r));
      if (order.length === 0) {
        throw new HttpProblem(403, {
          title: "Data residency",
          code: "residency_refused",
          detail: `no configured region may serve this tenant${
            residency?.reason ? ` (${residency.reason})` : ""
          }`,
          residency: prefixes,
        });
      }
    }
    const write = writesToPrimary && WRITES.has(c.req.method);
    if (write) {
      // The primary, or when residency forbids it the tenant's home: its first allowed region
      // in declaration order. A single write target, never a failover replica.
      const primary = registry.primary();
      const home = allowedBy(prefixes, primary)
        ? primary
        : registry.regions.find((r) => allowedBy(prefixes, r))!;
      order = [home];
      reason = "write";
    }
    const preferred = order[0];
    const currentAllowed = current !== undefined && order.includes(current);

    // Health: the first candidate that is this instance or whose breaker lets requests through.
    let target: RegisteredRegion | undefined;
    for (const r of order) {
      if (r === current || breakers.get(r.id).allows()) {
        target = r;
        break;
      }
    }
    if (target === undefined) {
      throw new HttpProblem(503, {
        title: "Region unavailable",
        code: "region_unavailable",
        detail: write
          ? `the write region ${preferred.id} is unavailable`
          : "every region allowed to serve this request is unavailable",
        region: preferred.id,
      }, { "retry-after": retryAfter });
    }

    const decision: RegionDecision = {
      current: current?.id,
      preferred: preferred.id,
      target: target.id,
      reason,
      hops,
      local: target === current || mode === "local",
    };
    if (country !== undefined) decision.country = country;
    c.set("region", decision);

    const serveHere = (): Local => {
      decision.local = true;
      return { served: current?.id, preferred: preferred.id };
    };

    if (target === current) return serveHere();
    if (mode === "local") {
      if (prefixes !== undefined && !currentAllowed) throw misdirected(target, residency?.reason);
      return serveHere();
    }

    // Forwarding: refuse loops and chains past maxHops.
    const looping = hops.includes(target.id) ||
      (current !== undefined && hops.includes(current.id)) ||
      hops.length >= maxHops ||
      // The platform already replayed this request here: never bounce it again.
      (mode === "replay" && c.req.header(replaySource) !== undefined);
    if (looping && mode !== "redirect") {
      if (currentAllowed && (!write || current === preferred)) return serveHere();
      throw new HttpProblem(508, {
        title: "Loop Detected",
        code: "region_loop",
        detail: `request already passed through ${
          hops.join(", ")
        }; region ${target.id} cannot be reached without a loop`,
        hops,
        region: target.id,
      });
    }

    const location = target.origin + pathAndQuery(c.req.url);
    if (mode === "redirect" || mode === "replay") {
      const h = new Headers({
        location,
        "cache-control": "no-store",
        "x-avl-region": target.id,
        "x-avl-preferred-region": preferred.id,
      });
      if (mode === "replay") h.set(replayHeader, replayValue(target));
      return new Response(null, { status: 307, headers: h });
    }

    return proxy(c, order, target, preferred, current, hops);
  };

  // Proxy, with failover to the next healthy candidate for requests without a body.
  const proxy = async (
    c: Context,
    order: readonly RegisteredRegion[],
    target: RegisteredRegion,
    preferred: RegisteredRegion,
    current: RegisteredRegion | undefined,
    hops: string[],
  ): Promise<Local | Response> => {
    const decision = c.get("region") as RegionDecision;
    const candidates = order.slice(order.indexOf(target));
    const canRetry = SAFE.has(c.req.method) || c.req.raw.body === null;
    let lastFailure: "unreachable" | "timeout" = "unreachable";
    let tried = target;
    let attempted = false;
    for (const r of candidates) {
      if (r === current) {
        // in `order`, so allowed here
        decision.local = true;
        return { served: current.id, preferred: preferred.id };
      }
      if (hops.includes(r.id)) continue;
      const breaker = breakers.get(r.id);
      if (!breaker.tryAcquire()) continue;
      tried = r;
      attempted = true;
      decision.target = r.id;
      const out = await forward(c, r, breaker, {
        ...settings,
        hops,
        self: current?.id ?? EDGE,
      });
      if (out.kind === "response") {
        let res = out.response;
        if (!res.headers.has("x-avl-region")) res = setHeader(res, "x-avl-region", r.id);
        return setHeader(res, "x-avl-preferred-region", preferred.id);
      }
      lastFailure = out.kind;
      if (!canRetry) break;
    }
    if (!attempted) {
      throw new HttpProblem(503, {
        title: "Region unavailable",
        code: "region_unavailable",
        detail: "every region allowed to serve this request is unavailable",
        region: target.id,
      }, { "retry-after": retryAfter });
    }
    if (lastFailure === "timeout") {
      throw new HttpProblem(504, {
        title: "Gateway Timeout",
        code: "region_timeout",
        detail: `region ${tried.id} did not answer within ${settings.timeoutMs} ms`,
        region: tried.id,
      });
    }
    throw new HttpProblem(502, {
      title: "Region unreachable",
      code: "region_unreachable",
      detail: `region ${tried.id} could not be reached`,
      region: tried.id,
    }, { "retry-after": retryAfter });
  };

  return stageMiddleware<Local | Response>({
    name: "regionRouting",
    enter: decide,
    leave(_c, res, local) {
      return local instanceof Response
        ? res
        : withRegionHeaders(res, local.served, local.preferred);
    },
  });
}

function badRequest(detail: string): HttpProblem {
  return new HttpProblem(400, {
    title: "Invalid region routing header",
    detail,
    code: "region_header_invalid",
  });
}

function misdirected(target: RegisteredRegion, reason?: string): HttpProblem {
  return new HttpProblem(421, {
    title: "Misdirected Request",
    code: "region_misdirected",
    detail: `this region may not serve this tenant${
      reason ? ` (${reason})` : ""
    }; use ${target.id}`,
    region: target.id,
    origin: target.origin,
  }, { "x-avl-preferred-region": target.id });
}

/** What serving locally leaves for the response: the region headers' values. */
interface Local {
  served: string | undefined;
  preferred: string;
}

function geoCountry(g: string | undefined): string | undefined {
  return typeof g === "string" && /^[A-Za-z]{2}$/.test(g) ? g.toUpperCase() : undefined;
}

function withRegionHeaders(res: Response, served: string | undefined, preferred: string): Response {
  if (served !== undefined) res = setHeader(res, "x-avl-region", served);
  return setHeader(res, "x-avl-preferred-region", preferred);
}
