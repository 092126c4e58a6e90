/**
 * Load shedding: past `maxInFlight` concurrent requests, new ones get a fast 503 with
 * `Retry-After` instead of queueing until everything times out.
 *
 * @module
 */

import { ConfigurationError } from "../../http/config_error.ts";
import type { Context, MiddlewareHandler } from "hono";
import { HttpProblem } from "../../http/problem.ts";
import { type AppRuntime, appRuntime } from "../../http/runtime.ts";
import { type BodyState, bodyState, outcomeOf, trackBody } from "../../http/mod.ts";

/** Options of {@link loadShedding}. */
export interface LoadSheddingOptions {
  /** Concurrent requests admitted; the next one is shed. Required, at least 1. */
  maxInFlight: number;
  /** `Retry-After` seconds on a shed request; default 1. */
  retryAfter?: number;
  /** Requests never shed nor counted (health checks, metrics scrapes); default `/healthz`, `/readyz`, `/metrics`. */
  exempt?: (c: Context) => boolean;
  /** Metric name prefix; default `avx_load_shedding`. */
  metricPrefix?: string;
}

/** What a {@link loadShedding} middleware reports. */
export interface LoadShedder {
  /** The middleware. */
  readonly middleware: MiddlewareHandler;
  /** Requests admitted, not finished, and not waiting on their client for body bytes. */
  readonly inFlight: number;
  /** Requests admitted and waiting on their client for body bytes (not counted in flight). */
  readonly receiving: number;
  /** Requests shed since start. */
  readonly shed: number;
}

const DEFAULT_EXEMPT = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * Admits at most `maxInFlight` requests at once; others get a 503 problem with `Retry-After`.
 * It counts handlers at work: a request whose handler waits on its client for body bytes (a
 * slow upload) is not counted while it waits, so slow clients cannot shed everyone else; bound
 * them with the server's body-read timeout (`ServerOptions.bodyTimeoutMs`, 408). A handler that
 * `timeout()` answered for (503) keeps running, and keeps being counted until it ends.
 * The in-flight count and shed total appear on `/metrics` of the app serving the request
 * (`avx_load_shedding_in_flight`, `avx_load_shedding_receiving`,
 * `avx_load_shedding_shed_total`).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { loadShedding } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(loadShedding({ maxInFlight: 256, retryAfter: 2 }));
 * app.get("/", (c) => c.text("ok"));
 * ```
 */
export function loadShedding(options: LoadSheddingOptions): MiddlewareHandler {
  return loadShedder(options).middleware;
}

/**
 * {@link loadShedding} with its counters readable (for tests, dashboards, autoscalers).
 *
 * @example
 * ```ts
 * import { loadShedder } from "./load_shedding.ts";
 * const shedder = loadShedder({ maxInFlight: 64 });
 * console.log(shedder.inFlight, shedder.shed); // 0 0
 * ```
 */
export function loadShedder(options: LoadSheddingOptions): LoadShedder {
  const max = Math.floor(options.maxInFlight);
  if (!(max >= 1)) {
    throw new ConfigurationError("invalid_option", "loadShedding: maxInFlight must be at least 1");
  }
  const retryAfter = String(Math.max(0, Math.floor(options.retryAfter ?? 1)));
  const exempt = options.exempt ?? ((c: Context) => DEFAULT_EXEMPT.has(c.req.path));
  const prefix = options.metricPrefix ?? "avx_load_shedding";
  let inFlight = 0;
  /** Admitted requests whose handler is waiting on its client for body bytes. */
  let receiving = 0;
  let shed = 0;
  const exported = new WeakSet<AppRuntime>();
  let lastRuntime: AppRuntime | undefined;

  const exportTo = (rt: AppRuntime): void => {
    lastRuntime = rt;
    if (exported.has(rt)) return;
    exported.add(rt);
    rt.metrics.collect((out) => {
      out.push(`# HELP ${prefix}_in_flight Requests admitted by load shedding and in progress`);
      out.push(`# TYPE ${prefix}_in_flight gauge`);
      out.push(`${prefix}_in_flight ${inFlight - receiving}`);
      out.push(
        `# HELP ${prefix}_receiving Requests admitted and waiting on their client for body bytes`,
      );
      out.push(`# TYPE ${prefix}_receiving gauge`);
      out.push(`${prefix}_receiving ${receiving}`);
      out.push(`# HELP ${prefix}_limit Concurrent requests admitted`);
      out.push(`# TYPE ${prefix}_limit gauge`);
      out.push(`${prefix}_limit ${max}`);
      out.push(`# HELP ${prefix}_shed_total Requests rejected with 503 by load shedding`);
      out.push(`# TYPE ${prefix}_shed_total counter`);
      out.push(`${prefix}_shed_total ${shed}`);
    });
  };

  const watch = (waiting: boolean): void => {
    receiving += waiting ? 1 : -1;
  };
  const middleware: MiddlewareHandler = async function loadShedding(c, next) {
    const rt = appRuntime(c);
    if (rt !== undefined && rt !== lastRuntime) exportTo(rt);
    if (exempt(c)) return await next();
    if (inFlight - receiving >= max) {
      shed++;
      throw new HttpProblem(503, {
        title: "Overloaded",
        detail: `server is at its limit of ${max} concurrent requests; retry later`,
        code: "overloaded",
      }, { "retry-after": retryAfter });
    }
    // A handler waiting on its client for body bytes costs no work here: it is not counted
    // while it waits (slow uploads cannot fill the server; a body-read timeout bounds them).
    // The server core tracks the body already; on a plain Hono app this starts tracking.
    const raw = c.req.raw;
    let body: BodyState | undefined;
    if (raw.body !== null && raw.method !== "GET" && raw.method !== "HEAD") {
      const tracked = trackBody(raw);
      if (tracked !== raw) c.req.raw = tracked;
      body = bodyState(tracked);
    }
    inFlight++;
    if (body !== undefined) {
      body.watchers.add(watch);
      if (body.waiting) receiving++;
    }
    const done = (): void => {
      inFlight--;
      if (body !== undefined) {
        body.watchers.delete(watch);
        if (body.waiting) receiving--;
      }
    };
    try {
      await next();
    } finally {
      // A handler another layer answered for (a timeout's 503) is still at work: it counts until
      // it ends, or a pile of timed-out handlers would let every new request in.
      const o = outcomeOf(c);
      if (o !== undefined && o.answeredEarly && !o.settled) void o.finished.then(done);
      else done();
    }
  };
  return {
    middleware,
    get inFlight() {
      return inFlight - receiving;
    },
    get receiving() {
      return receiving;
    },
    get shed() {
      return shed;
    },
  };
}
