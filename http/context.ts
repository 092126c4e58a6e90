/**
 * The typed context variables avx-http puts on every request, and small accessors for them.
 *
 * @module
 */

import type { Context } from "hono";

/**
 * The Hono environment of an avx-http app.
 *
 * @example
 * ```ts
 * import type { AvxEnv } from "@avila/avx-http/server";
 * import { Hono } from "hono";
 * const sub = new Hono<AvxEnv>();
 * ```
 */
export interface AvxEnv {
  /** Platform bindings (Workers env, or Deno's connection info). */
  // deno-lint-ignore no-explicit-any
  Bindings: any;
  /**
   * Variables on `c` set by avx-http's own middleware. Other modules add theirs through their
   * own `Variables` (Hono merges them when middleware is typed).
   */
  Variables: {
    /** The request id (from `X-Request-Id` when telemetry trusts it, or generated). */
    requestId: string;
  };
}

/** Request ids accepted from clients: short and of a safe charset (no log or header injection). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@\/+=-]{1,128}$/;

/**
 * Whether a client-supplied request id is safe to adopt.
 *
 * @example
 * ```ts
 * import { isSafeRequestId } from "./context.ts";
 * console.log(isSafeRequestId("abc-123"), isSafeRequestId("a\nb")); // true false
 * ```
 */
export function isSafeRequestId(id: string): boolean {
  return SAFE_REQUEST_ID.test(id);
}

/**
 * The id of the current request, generated (and remembered) on first use. Telemetry sets it from
 * the incoming header early; without telemetry it is created only when something needs it (an
 * error response's `instance`, a log line), which keeps the bare request path cheap.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { requestId } from "@avila/avx-http/server";
 * const app = new Hono();
 * app.get("/", (c) => c.text(requestId(c)));
 * ```
 */
export function requestId(c: Context): string {
  let id = c.get("requestId") as string | undefined;
  if (id === undefined) {
    id = crypto.randomUUID();
    c.set("requestId", id);
  }
  return id;
}
