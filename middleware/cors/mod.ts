/**
 * CORS for avx-http: Hono's `cors` middleware with defaults suited to a public data API (any
 * origin, no credentials) and avx-http's own response headers exposed to browser code.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";

/** CORS options (Hono's): `origin`, `allowMethods`, `allowHeaders`, `exposeHeaders`, `maxAge`, `credentials`. */
export type CorsOptions = NonNullable<Parameters<typeof honoCors>[0]>;

/** Response headers browser code may read by default. */
export const DEFAULT_EXPOSED_HEADERS: readonly string[] = [
  "X-Request-Id",
  "Server-Timing",
  "RateLimit",
  "RateLimit-Policy",
  "Retry-After",
  "AVL-Cost",
  "AVL-Region",
  "Content-Encoding",
];

/**
 * The CORS middleware with avx-http defaults; any option given replaces its default.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { cors } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(cors({ origin: ["https://dash.example"] }));
 * ```
 */
export function cors(options: CorsOptions = {}): MiddlewareHandler {
  return honoCors({
    origin: "*",
    exposeHeaders: [...DEFAULT_EXPOSED_HEADERS],
    maxAge: 600,
    ...options,
  });
}
