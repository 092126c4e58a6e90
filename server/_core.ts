// The instrumented fetch every avx-http app serves through: request body limit, HTTP metrics,
// in-flight count and the runtime handed to handlers. It wraps Hono's fetch instead of being a
// Hono middleware: a middleware would force Hono's compose path on every request (about 2 µs),
// while a bare app here keeps Hono's single-handler fast path and adds only a route lookup.

import type { OpenAPIHono } from "@hono/zod-openapi";
import type { RouteCompression } from "../middleware/compression/compression.ts";
import type { AvxEnv } from "../http/context.ts";
import { type BodyState, bodyState, bodyTooLarge, trackBody } from "../http/mod.ts";
import { routeLabel, socketProtocol } from "../http/mod.ts";
import { type AppRuntime, AVX_RUNTIME } from "../http/runtime.ts";
import { SmartRouter } from "hono/router/smart-router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { TrieRouter } from "hono/router/trie-router";

export interface CoreOptions {
  bodyLimit: number;
  /** Time for a request body to arrive (408 past it); default none. */
  bodyTimeoutMs?: number;
  metrics: boolean;
  /** Content coding: request bodies decoded before routing, unwrapped responses coded after. */
  coding?: RouteCompression;
}

type Fetch = (
  request: Request,
  env?: unknown,
  ctx?: { waitUntil(p: Promise<unknown>): void; passThroughOnException(): void },
) => Response | Promise<Response>;

/** The request path as Hono routes it: no query, percent-decoded when it can be. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const q = url.indexOf("?", start);
  const path = q === -1 ? url.slice(start) : url.slice(start, q);
  if (!path.includes("%")) return path;
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

/**
 * Route labels, for requests no builder route labelled (added on the Hono app directly): the last
 * matched route that is not catch-all middleware (`use` registers "/*"); "unmatched" when only
 * middleware matched. The routes come from `app.routes` (public) into a router of our own, built
 * as Hono builds its default one (SmartRouter over RegExpRouter and TrieRouter) and matched
 * through the `Router` interface of `hono/router`, whose result shape is documented there; the app's
 * own router is never read. Rebuilt when routes were added since (a router cannot take routes
 * after its first match).
 */
function routeLabeller(hono: OpenAPIHono<AvxEnv>): (method: string, url: string) => string {
  let router: SmartRouter<string> | undefined;
  let builtFor = -1;
  return (method, url) => {
    const routes = hono.routes;
    if (router === undefined || builtFor !== routes.length) {
      router = new SmartRouter<string>({ routers: [new RegExpRouter(), new TrieRouter()] });
      for (const r of routes) {
        if (r.path !== "*" && r.path !== "/*") router.add(r.method, r.path, r.path);
      }
      builtFor = routes.length;
    }
    const [matched] = router.match(method === "HEAD" ? "GET" : method, pathOf(url));
    const last = matched[matched.length - 1];
    return last === undefined ? "unmatched" : last[0];
  };
}

interface SeriesHandles {
  count: { v: number };
  duration: (seconds: number) => void;
  route: string;
}

export function instrumentedFetch(
  hono: OpenAPIHono<AvxEnv>,
  runtime: AppRuntime,
  options: CoreOptions,
): Fetch {
  // No response-bytes counter here: a response's length is not known without reading its
  // headers, and on Deno's serving path that read alone costs ~0.7 µs per request (it
  // materialises the lazy header list and body of a string response). Cost tracking counts the
  // bytes on the wire, per route and tenant (`avx_cost_bytes_out_total`).
  const { requests, duration, bytesIn, inFlight, protocols } = runtime.http;
  const limit = options.bodyLimit;
  const bodyTimeoutMs = options.bodyTimeoutMs;
  const record = options.metrics;
  const inFlightValue = inFlight.handle([]);
  const overH3 = protocols.handle(["h3"]);
  const overTcp = protocols.handle(["tcp"]);
  const defaultEnv = { [AVX_RUNTIME]: runtime };
  const routeOf = routeLabeller(hono);
  // route → method → status → handles: nested lookups on the (interned) label strings instead of
  // building a key string per request.
  const handles = new Map<string, Map<string, Map<number, SeriesHandles>>>();
  const handlesFor = (method: string, route: string, status: number): SeriesHandles => {
    let byMethod = handles.get(route);
    if (byMethod === undefined) handles.set(route, byMethod = new Map());
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, byStatus = new Map());
    let h = byStatus.get(status);
    if (h === undefined) {
      const d = duration.handle([method, route]);
      h = { count: requests.handle([method, route, String(status)]), duration: d, route };
      byStatus.set(status, h);
    }
    return h;
  };

  const finish = (
    request: Request,
    res: Response,
    started: number,
    declaredIn: number,
  ): Response => {
    inFlightValue.v--;
    const route = routeLabel(request) ?? routeOf(request.method, request.url);
    const h = handlesFor(request.method, route, res.status);
    h.count.v++;
    h.duration((performance.now() - started) / 1000);
    if (declaredIn > 0) bytesIn.inc([route], declaredIn);
    return res;
  };

  const coding = options.coding;
  const serveApp = (req: Request, e: unknown, ctx: unknown): Response | Promise<Response> => {
    const out = hono.fetch(req, e, ctx as never);
    if (coding === undefined) return out;
    return out instanceof Promise
      ? out.then((res) => coding.finish(req, res))
      : coding.finish(req, out);
  };

  const recorded = (
    req: Request,
    e: unknown,
    ctx: unknown,
    declaredIn: number,
  ): Response | Promise<Response> => {
    const started = performance.now();
    inFlightValue.v++;
    let out: Response | Promise<Response>;
    try {
      out = serveApp(req, e, ctx);
    } catch (err) {
      inFlightValue.v--;
      throw err;
    }
    if (out instanceof Promise) {
      return out.then(
        (res) => finish(req, res, started, declaredIn),
        (err) => {
          inFlightValue.v--;
          throw err;
        },
      );
    }
    return finish(req, out, started, declaredIn);
  };

  return function avxFetch(request, env, ctx) {
    const e = env === undefined || env === null ? defaultEnv : env;
    if (e !== defaultEnv && typeof e === "object") {
      (e as Record<symbol, unknown>)[AVX_RUNTIME] = runtime;
    }
    if (socketProtocol(e) === "h3") overH3.v++;
    else overTcp.v++;

    let req = request;
    let declaredIn = 0;
    let body: BodyState | undefined;
    const method = request.method;
    if (method !== "GET" && method !== "HEAD" && request.body !== null) {
      const cl = request.headers.get("content-length");
      if (cl !== null && !request.headers.has("transfer-encoding")) {
        declaredIn = Number(cl);
        if (declaredIn > limit) {
          return bodyTooLarge(limit).toResponse(crypto.randomUUID());
        }
      }
      // Counted (the limit holds whatever the declared length), bounded in time (408 for a
      // body that trickles in), and watched (load shedding does not count a handler waiting on
      // its client). Without a declared length the metric counts what was read.
      req = trackBody(request, {
        limit,
        timeoutMs: bodyTimeoutMs,
        onEnd: declaredIn > 0 || !record
          ? undefined
          : (n) => bytesIn.inc([routeOf(method, request.url)], n),
      });
      body = bodyState(req);
      if (coding !== undefined) {
        const decoded = coding.decodeRequest(req);
        if (decoded instanceof Response) {
          body?.settle();
          return decoded;
        }
        req = decoded;
      }
    }
    if (body !== undefined) {
      const settle = body.settle;
      const out = record ? recorded(req, e, ctx, declaredIn) : serveApp(req, e, ctx);
      if (out instanceof Promise) {
        return out.then((res) => (settle(), res), (err) => {
          settle();
          throw err;
        });
      }
      settle();
      return out;
    }
    return record ? recorded(req, e, ctx, declaredIn) : serveApp(req, e, ctx);
  };
}
