/**
 * `AvxApp`: what `Server.build()` returns — a fetch handler usable as `export default app` on
 * Workers and Deno Deploy, a `listen()` for sockets, and the underlying Hono app.
 *
 * @module
 */

import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { instrumentedFetch } from "./_core.ts";
import type { AvxEnv } from "../http/context.ts";
import { type ListenOptions, type RunningServer, serve } from "./listen.ts";
import type { AppRuntime } from "../http/runtime.ts";
import type { MetricsRegistry } from "../http/metrics.ts";
import type { ReadinessChecks } from "../http/health.ts";
import type { RouteCompression } from "../middleware/compression/compression.ts";

/**
 * A built avx-http application. `S` is the Hono route schema of the routes declared with
 * `Server.openapi(...)`, so `hc<typeof app.hono>` and `typedClient<typeof app>` know them.
 *
 * @example
 * ```ts
 * import { Route, Server } from "@avila/avx-http/server";
 * const app = new Server().route("/hi", Route.get((c) => c.text("hi"))).build();
 * const res = await app.request("/hi");
 * console.log(await res.text()); // "hi"
 * // On Workers / Deno Deploy: `export default app;`
 * ```
 */
// deno-lint-ignore ban-types
export class AvxApp<S extends Schema = {}> {
  /**
   * The underlying Hono app (an `OpenAPIHono`): full access for anything the builder lacks. Its
   * type carries the schema of the builder's `openapi` routes (for Hono's RPC client `hc`).
   */
  readonly hono: OpenAPIHono<AvxEnv, S>;
  /** Shared runtime: metrics, readiness, shutdown signal. */
  readonly runtime: AppRuntime;
  /**
   * The fetch handler, bound, so `export default app` and `Deno.serve(app.fetch)` both work.
   * `env` is Hono's `c.env` (Workers bindings, or Deno's connection info).
   */
  readonly fetch: (
    request: Request,
    env?: unknown,
    ctx?: { waitUntil(p: Promise<unknown>): void; passThroughOnException(): void },
  ) => Response | Promise<Response>;

  /**
   * Wraps a configured Hono app; `Server.build()` does this for you.
   *
   * @param hono the configured Hono app
   * @param runtime its runtime
   * @param options body limit and timeout, whether to record HTTP metrics, and the content coding whose
   * route handlers are wrapped (its request decoding and fallback run around Hono's fetch)
   */
  constructor(
    hono: OpenAPIHono<AvxEnv, S>,
    runtime: AppRuntime,
    options: {
      bodyLimit: number;
      bodyTimeoutMs?: number;
      metrics: boolean;
      coding?: RouteCompression;
    } = {
      bodyLimit: 10 * 1024 * 1024,
      metrics: true,
    },
  ) {
    this.hono = hono;
    this.runtime = runtime;
    this.fetch = instrumentedFetch(hono, runtime, options);
  }

  /** The app's metrics registry (rendered on `/metrics`). */
  get metrics(): MetricsRegistry {
    return this.runtime.metrics;
  }

  /** The app's readiness checks (run by `/readyz`). */
  get readiness(): ReadinessChecks {
    return this.runtime.readiness;
  }

  /** Sends a request through the app in-process (as Hono's `app.request`): for tests. */
  request(input: string | URL | Request, init?: RequestInit): Response | Promise<Response> {
    const req = input instanceof Request ? (init ? new Request(input, init) : input) : new Request(
      typeof input === "string" && input.startsWith("/") ? `http://localhost${input}` : input,
      init,
    );
    return this.fetch(req);
  }

  /** Starts a graceful shutdown of the app's long-lived responses and readiness. */
  beginShutdown(): void {
    this.runtime.beginShutdown();
  }

  /**
   * Resolves once nothing a request does after its response was sent is still running (a handler
   * a timeout answered for): `listen()` waits for it after the drain, within the deadline.
   */
  drained(): Promise<void> {
    return this.runtime.drained();
  }

  /**
   * Ends the app once it serves no more requests: runs the runtime's `onStop` hooks (flushes and
   * closes the cost ledger). `listen()` calls it after the shutdown drain; call it yourself when
   * serving `app.fetch` another way.
   */
  stop(): Promise<void> {
    return this.runtime.stop();
  }

  /**
   * Serves the app with `Deno.serve` on `address` (`"0.0.0.0:3000"`, `":8080"`, or options).
   * `PORT` in the environment overrides the address string's port.
   */
  listen(address?: string | ListenOptions, options?: ListenOptions): RunningServer {
    return serve(this, address, options);
  }
}
