/**
 * Content coding in two shapes over one engine: `compression()`, a Hono middleware, and
 * `routeCompression()`, the same behaviour as a route-handler wrapper plus a fetch-level step,
 * which is how avx-http's `Server` applies it: a middleware makes Hono run its general compose
 * path on every request, while a wrapped handler keeps Hono's single-handler fast path, so small
 * responses cost next to nothing.
 *
 * @module
 */

import type { Context, Handler, MiddlewareHandler } from "hono";
import { captureBodies, capturedPayload } from "../../http/mod.ts";
import { bodyFailure, replaceRes } from "../../http/mod.ts";
import { type HttpProblem, PROBLEM_CONTENT_TYPE } from "../../http/problem.ts";
import { createEngine } from "./_engine.ts";
import type { CompressionOptions } from "./options.ts";

/** Whether `res` is already the problem response of `failure` (from the app's error handler). */
function answers(res: Response, failure: HttpProblem): boolean {
  return res.status === failure.status &&
    res.headers.get("content-type") === PROBLEM_CONTENT_TYPE;
}

/**
 * The content-coding middleware.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { compression } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(compression({ threshold: 512, levels: { zstd: 5 } }));
 * app.get("/rows", (c) => c.json(Array.from({ length: 500 }, (_, i) => ({ i }))));
 * const res = await app.request("/rows", { headers: { "accept-encoding": "zstd, gzip" } });
 * console.log(res.headers.get("content-encoding")); // "zstd"
 * ```
 */
export function compression(options: CompressionOptions = {}): MiddlewareHandler {
  const engine = createEngine(options);
  return async function compression(c, next) {
    // GET and HEAD carry no body: skip the header read (on Deno it materialises the header list).
    const method = c.req.method;
    if (engine.decodesRequests && method !== "GET" && method !== "HEAD") {
      const decoded = engine.decodeRequest(c.req.raw);
      if (decoded instanceof Response) return decoded;
      if (decoded !== undefined) c.req.raw = decoded;
    }
    captureBodies(c);
    await next();
    // A body that failed to decode explains the error answer that followed, whatever caught the
    // read error on the way (a validator's "Malformed JSON", the app's error handler).
    const failure = bodyFailure(c.req.raw);
    if (failure !== undefined && c.res.status >= 400 && !answers(c.res, failure)) {
      replaceRes(c, failure.toResponse());
    }
    const res = c.res;
    const out = await engine.encode(c.req.raw, res, capturedPayload(res));
    replaceRes(c, out);
  };
}

/** Content coding split for a fetch handler that wraps its route handlers (see {@link routeCompression}). */
export interface RouteCompression {
  /** Wraps a route's final handler: its response is coded there, its payload captured. */
  wrap<H extends Handler>(handler: H): H;
  /**
   * Before routing: decodes the request body's `Content-Encoding` (a new request), refuses an
   * unknown coding (a 415 problem), or returns the request as it is.
   */
  decodeRequest(request: Request): Request | Response;
  /**
   * After the app answered: codes a response that no wrapped handler produced (404s, answers
   * from middleware, routes added directly on the Hono app); others pass as they are.
   */
  finish(request: Request, response: Response): Response | Promise<Response>;
}

/**
 * Content coding as a route-handler wrapper plus fetch-level steps, for apps that keep Hono's
 * single-handler fast path. `Server.withCompression()` uses it; plain Hono apps use
 * {@link compression}.
 *
 * @example
 * ```ts
 * import { type Context, Hono } from "hono";
 * import { routeCompression } from "@avila/avx-http/middleware";
 * const coding = routeCompression();
 * const app = new Hono();
 * app.get("/rows", coding.wrap((c: Context) => c.json(Array.from({ length: 500 }, (_, i) => ({ i })))));
 * const fetch = async (req: Request) => {
 *   const decoded = coding.decodeRequest(req);
 *   if (decoded instanceof Response) return decoded;
 *   return coding.finish(decoded, await app.fetch(decoded));
 * };
 * const res = await fetch(new Request("http://x/rows", { headers: { "accept-encoding": "gzip" } }));
 * console.log(res.headers.get("content-encoding")); // "gzip"
 * ```
 */
export function routeCompression(options: CompressionOptions = {}): RouteCompression {
  const engine = createEngine(options);
  // Requests whose response a wrapped handler already coded (or left alone on purpose). The
  // request is the mark, not the response: middleware around the handler may hand on a copy of
  // the response (Hono's c.res setter copies when headers were prepared before the handler).
  // A symbol-keyed flag on the request object: cheaper than a WeakSet insert per request.
  const handled: unique symbol = Symbol("avx-http.coded");
  type Marked = Request & { [handled]?: true };
  const after = (c: Context, res: unknown): unknown => {
    if (!(res instanceof Response)) return res;
    const req = c.req.raw as Marked;
    req[handled] = true;
    const payload = capturedPayload(res);
    if (payload !== undefined && engine.isSmall(payload)) return res;
    return engine.encode(req, res, payload);
  };
  return {
    wrap<H extends Handler>(handler: H): H {
      const wrapped = function compressedRoute(c: Context, next: () => Promise<void>) {
        captureBodies(c);
        const out = (handler as Handler)(c, next);
        return out instanceof Promise ? out.then((res) => after(c, res)) : after(c, out);
      };
      return wrapped as unknown as H;
    },
    decodeRequest(request) {
      const m = request.method;
      if (!engine.decodesRequests || m === "GET" || m === "HEAD") return request;
      return engine.decodeRequest(request) ?? request;
    },
    finish(request, response) {
      return (request as Marked)[handled] === true
        ? response
        : engine.encode(request, response, undefined);
    },
  };
}
