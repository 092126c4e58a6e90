/**
 * CORS for avx-http: defaults suited to a public data API (any origin, no credentials) and
 * avx-http's own response headers exposed to browser code. The behaviour of Hono's `cors`
 * (same options, same preflight answers), written as a stage: its headers go on the final
 * response after the handler instead of on a placeholder response before it. Hono's version sets
 * them before `next()`, which makes Hono copy the handler's response into a new one with a
 * streamed body; on Deno that cost ~60 µs per request.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { setHeader } from "../../http/mod.ts";
import { ConfigurationError } from "../../http/config_error.ts";
import { stageMiddleware } from "../../http/mod.ts";

/**
 * CORS options (the same as Hono's `cors`).
 *
 * @example
 * ```ts
 * import { type CorsOptions } from "@avila/avx-http/middleware";
 * const options: CorsOptions = { origin: ["https://dash.example"], credentials: true };
 * console.log(options.origin);
 * ```
 */
export interface CorsOptions {
  /** Allowed origins: `"*"`, a list, or a function returning the origin to allow (or null). */
  origin?:
    | string
    | string[]
    | ((
      origin: string,
      c: Context,
    ) => Promise<string | undefined | null> | string | undefined | null);
  /** Allowed methods for preflight. */
  allowMethods?: string[] | ((origin: string, c: Context) => Promise<string[]> | string[]);
  /** Allowed request headers for preflight (default: echo the requested ones). */
  allowHeaders?: string[];
  /** Preflight cache lifetime in seconds; default 600. */
  maxAge?: number;
  /**
   * Allow credentials (cookies, `Authorization`); needs an explicit `origin` (a list or a
   * function): with any origin (`*`, the default) the middleware refuses to build.
   */
  credentials?: boolean;
  /** Response headers browser code may read; default {@link DEFAULT_EXPOSED_HEADERS}. */
  exposeHeaders?: string[];
}

/**
 * Response headers browser code may read by default.
 *
 * @example
 * ```ts
 * import { cors } from "@avila/avx-http/middleware";
 * import { DEFAULT_EXPOSED_HEADERS } from "./cors.ts";
 * const mw = cors({ exposeHeaders: [...DEFAULT_EXPOSED_HEADERS, "X-Dataset-Version"] });
 * console.log(DEFAULT_EXPOSED_HEADERS.includes("RateLimit")); // true
 * ```
 */
export const DEFAULT_EXPOSED_HEADERS: readonly string[] = [
  "X-Request-Id",
  "Server-Timing",
  "RateLimit",
  "RateLimit-Policy",
  "Retry-After",
  "AVL-Cost",
  "X-AVL-Region",
  "X-AVL-Preferred-Region",
  "Content-Encoding",
  "Idempotent-Replayed",
  "Idempotent-Body-Omitted",
];

const DEFAULT_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "QUERY"];

type Origin = string | undefined | null;

/**
 * The CORS middleware with avx-http defaults; any option given replaces its default. `OPTIONS`
 * requests are answered as preflights (204 with the allowed methods and headers); other
 * responses get `Access-Control-Allow-Origin` (and credentials, exposed headers, `Vary: Origin`
 * for origin lists) once the handler has answered. `credentials: true` with any origin throws a
 * {@link ConfigurationError} (`cors_credentials_any_origin`) when the middleware is built.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { cors } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(cors({ origin: ["https://dash.example"] }));
 * app.get("/", (c) => c.text("hi"));
 * const res = await app.request("/", { headers: { origin: "https://dash.example" } });
 * console.log(res.headers.get("access-control-allow-origin")); // "https://dash.example"
 * ```
 */
export function cors(options: CorsOptions = {}): MiddlewareHandler {
  const origin = options.origin ?? "*";
  const anyOrigin = origin === "*";
  const credentials = options.credentials ?? false;
  if (credentials && (anyOrigin || (Array.isArray(origin) && origin.includes("*")))) {
    // Browsers refuse `*` with credentials (Fetch §3.2.5), and reflecting every origin instead
    // would let any site read responses with the user's cookies.
    throw new ConfigurationError(
      "cors_credentials_any_origin",
      "cors: `credentials: true` cannot be combined with any origin (`*`); list the origins " +
        'allowed to send credentials, e.g. cors({ origin: ["https://app.example"], ' +
        "credentials: true }), or drop `credentials`",
    );
  }
  const maxAge = options.maxAge ?? 600;
  const expose = (options.exposeHeaders ?? DEFAULT_EXPOSED_HEADERS).join(",");
  const allowHeaders = options.allowHeaders?.length ? options.allowHeaders.join(",") : undefined;
  const allowOrigin: (o: string, c: Context) => Origin | Promise<Origin> = typeof origin ===
      "string"
    ? (anyOrigin ? () => "*" : (o) => (o === origin ? o : null))
    : typeof origin === "function"
    ? origin
    : (o) => (origin.includes(o) ? o : null);
  const methodsOpt = options.allowMethods ?? DEFAULT_METHODS;
  const methods = Array.isArray(methodsOpt) ? methodsOpt.join(",") : undefined;

  const preflight = async (c: Context, allowed: Origin): Promise<Response> => {
    const h = new Headers();
    if (allowed) h.set("Access-Control-Allow-Origin", allowed);
    if (credentials) h.set("Access-Control-Allow-Credentials", "true");
    if (expose) h.set("Access-Control-Expose-Headers", expose);
    if (!anyOrigin) h.append("Vary", "Origin");
    h.set("Access-Control-Max-Age", String(maxAge));
    const m = methods ??
      (await (methodsOpt as (o: string, c: Context) => Promise<string[]> | string[])(
        c.req.header("origin") ?? "",
        c,
      )).join(",");
    if (m) h.set("Access-Control-Allow-Methods", m);
    let headers = allowHeaders;
    if (headers === undefined) {
      const requested = c.req.header("Access-Control-Request-Headers");
      if (requested) headers = requested.split(",").map((s) => s.trim()).join(",");
    }
    if (headers) {
      h.set("Access-Control-Allow-Headers", headers);
      h.append("Vary", "Access-Control-Request-Headers");
    }
    return new Response(null, { status: 204, statusText: "No Content", headers: h });
  };

  const decide = (c: Context, allowed: Origin): Origin | Response | Promise<Response> =>
    c.req.method === "OPTIONS" ? preflight(c, allowed) : allowed;

  return stageMiddleware<Origin>({
    name: "cors",
    enter(c) {
      // Any origin needs no header read at all.
      const allowed = anyOrigin ? "*" : allowOrigin(c.req.header("origin") ?? "", c);
      if (allowed instanceof Promise) {
        return allowed.then((a): Origin | Response | Promise<Response> => decide(c, a));
      }
      return decide(c, allowed);
    },
    leave(_c, res, allowed) {
      if (allowed) res = setHeader(res, "Access-Control-Allow-Origin", allowed);
      if (credentials) res = setHeader(res, "Access-Control-Allow-Credentials", "true");
      if (expose) res = setHeader(res, "Access-Control-Expose-Headers", expose);
      if (!anyOrigin) res = setHeader(res, "Vary", "Origin", true);
      return res;
    },
  });
}
