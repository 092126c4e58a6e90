/**
 * CORS for avx-http: Hono's `cors` middleware with defaults suited to a public data API (any
 * origin, no credentials) and avx-http's own response headers exposed to browser code.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";

/** CORS options (the same as Hono's `cors`). */
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
  /** Allow credentials (cookies); never with origin `*`. */
  credentials?: boolean;
  /** Response headers browser code may read; default {@link DEFAULT_EXPOSED_HEADERS}. */
  exposeHeaders?: string[];
}

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
