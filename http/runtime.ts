/**
 * What an app shares across requests: its metrics, readiness checks and lifecycle.
 *
 * @module
 */

import { Counter, Gauge, Histogram, MetricsRegistry } from "./metrics.ts";
import { ReadinessChecks } from "./health.ts";

/**
 * Where an app's runtime travels with a request: a symbol-keyed property of Hono's `c.env`
 * (Deno's connection info, Workers' bindings, or a private object), so handlers can reach it
 * without a per-request middleware. Read it with {@link appRuntime}.
 */
export const AVX_RUNTIME: unique symbol = Symbol.for("avx-http.runtime");

/**
 * The runtime of the app serving this request, when the request came through an avx-http app.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { appRuntime } from "./runtime.ts";
 * const app = new Hono();
 * app.get("/", (c) => c.text(String(appRuntime(c)?.shutdownSignal.aborted ?? false)));
 * ```
 */
export function appRuntime(c: { env: unknown }): AppRuntime | undefined {
  const env = c.env as Record<symbol, unknown> | undefined | null;
  const rt = env && typeof env === "object" ? env[AVX_RUNTIME] : undefined;
  return rt instanceof AppRuntime ? rt : undefined;
}

/**
 * Shared state of one app: metrics registry, readiness, and the shutdown signal that long-lived
 * responses (SSE, WebSockets) watch so a graceful shutdown can end them.
 *
 * @example
 * ```ts
 * import { AppRuntime } from "@avila/avx-http/server";
 * const rt = new AppRuntime();
 * rt.beginShutdown();
 * console.log(rt.shutdownSignal.aborted); // true
 * ```
 */
export class AppRuntime {
  /** Every metric of the app; `/metrics` renders it. */
  readonly metrics: MetricsRegistry;
  /** HTTP metric families recorded by the core middleware. */
  readonly http: {
    /** `avx_http_requests_total{method,route,status}` */
    readonly requests: Counter;
    /** `avx_http_request_duration_seconds{method,route}` */
    readonly duration: Histogram;
    /** `avx_http_request_bytes_total{route}` */
    readonly bytesIn: Counter;
    /** `avx_http_requests_in_flight` */
    readonly inFlight: Gauge;
    /**
     * `avx_http_requests_by_protocol_total{protocol}`: `h3` for HTTP/3 over QUIC, `tcp` for the
     * rest (HTTP/1.1 or HTTP/2: Deno does not tell them apart per request).
     */
    readonly protocols: Counter;
  };
  /** Checks behind `/readyz`. */
  readonly readiness: ReadinessChecks;
  readonly #closing = new AbortController();
  readonly #onStop: Array<() => void | Promise<void>> = [];
  #stopped: Promise<void> | undefined;
  readonly #late = new Set<Promise<unknown>>();

  /**
   * Creates the runtime and registers the HTTP metric families.
   *
   * @param metrics the registry to use (a new one by default)
   */
  constructor(metrics: MetricsRegistry = new MetricsRegistry()) {
    this.metrics = metrics;
    this.http = {
      requests: metrics.register(
        new Counter("avx_http_requests_total", "HTTP requests served", [
          "method",
          "route",
          "status",
        ]),
      ),
      duration: metrics.register(
        new Histogram("avx_http_request_duration_seconds", "Time to response headers", [
          "method",
          "route",
        ]),
      ),
      bytesIn: metrics.register(
        new Counter("avx_http_request_bytes_total", "Request body bytes received", ["route"]),
      ),
      inFlight: metrics.register(
        new Gauge("avx_http_requests_in_flight", "Requests currently being handled"),
      ),
      protocols: metrics.register(
        new Counter(
          "avx_http_requests_by_protocol_total",
          "HTTP requests by protocol: h3 (QUIC), or tcp (HTTP/1.1 and HTTP/2)",
          ["protocol"],
        ),
      ),
    };
    this.readiness = new ReadinessChecks(this.#closing.signal);
  }

  /** Aborted when the app starts shutting down. */
  get shutdownSignal(): AbortSignal {
    return this.#closing.signal;
  }

  /** Marks the app as shutting down: `/readyz` turns 503 and long-lived streams end. */
  beginShutdown(): void {
    if (!this.#closing.signal.aborted) this.#closing.abort(new Error("server is shutting down"));
  }

  /**
   * Holds the shutdown drain until `work` settles: for what a request still does after its client
   * was answered, such as a handler a timeout answered for (and the idempotency record of its own
   * outcome). A drain that waited only for responses would let the process exit in the middle of
   * that write. `work` never rejects the drain.
   *
   * @example
   * ```ts
   * import { AppRuntime } from "@avila/avx-http/server";
   * const rt = new AppRuntime();
   * rt.holdDrain(new Promise((r) => setTimeout(r, 10)));
   * console.log(rt.lateWork); // 1
   * await rt.drained();
   * console.log(rt.lateWork); // 0
   * ```
   */
  holdDrain(work: Promise<unknown>): void {
    const held = work.then(() => {}, () => {}).finally(() => this.#late.delete(held));
    this.#late.add(held);
  }

  /** How many pieces of work registered with {@link holdDrain} are still running. */
  get lateWork(): number {
    return this.#late.size;
  }

  /**
   * Resolves once no work registered with {@link holdDrain} is running (work registered while
   * waiting is waited for too). `listen()` waits for it after the server's own drain, within the
   * shutdown deadline, before the `onStop` hooks run.
   *
   * @example
   * ```ts
   * import { AppRuntime } from "@avila/avx-http/server";
   * await new AppRuntime().drained(); // nothing held: resolves at once
   * ```
   */
  async drained(): Promise<void> {
    while (this.#late.size > 0) await Promise.all(this.#late);
  }

  /**
   * Registers work to run once the app has stopped serving: after a shutdown's drain (or its
   * deadline), before the process exits. For what requests write to until their very end, such
   * as a usage ledger to flush and close.
   *
   * @example
   * ```ts
   * import { AppRuntime } from "@avila/avx-http/server";
   * const rt = new AppRuntime();
   * rt.onStop(() => console.log("flushed"));
   * await rt.stop(); // "flushed"
   * ```
   */
  onStop(hook: () => void | Promise<void>): void {
    this.#onStop.push(hook);
  }

  /**
   * Runs the `onStop` hooks, once (later calls return the same promise), after marking the app as
   * shutting down. Resolves when all have settled; rejects with an `AggregateError` of the
   * failures, if any, after every hook ran.
   *
   * @example
   * ```ts
   * import { AppRuntime } from "@avila/avx-http/server";
   * const rt = new AppRuntime();
   * await rt.stop();
   * console.log(rt.shutdownSignal.aborted); // true
   * ```
   */
  stop(): Promise<void> {
    if (this.#stopped !== undefined) return this.#stopped;
    this.beginShutdown();
    const hooks = [...this.#onStop];
    this.#stopped = Promise.allSettled(hooks.map((h) => Promise.resolve().then(h))).then(
      (results) => {
        const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason);
        if (failed.length > 0) throw new AggregateError(failed, "stopping the app failed");
      },
    );
    return this.#stopped;
  }
}
