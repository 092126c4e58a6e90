/**
 * Request deadlines: `timeout()` bounds how long a handler may take, aborts the handler's
 * signal when the time is up, and answers 503 — or 504 when the request was waiting on an
 * upstream (see {@link waitingOnUpstream}).
 *
 * @module
 */

import { ConfigurationError } from "../../http/config_error.ts";
import type { Context, MiddlewareHandler } from "hono";
import { PatternRouter } from "hono/router/pattern-router";
import { HttpProblem } from "../../http/problem.ts";
import { answeredEarly, bodyState, settleOutcome, watchOutcome } from "../../http/mod.ts";
import { appRuntime } from "../../http/runtime.ts";

/**
 * The deadline of one request, as {@link timeout} hands it to handlers through
 * `c.get("deadline")` (or {@link deadlineOf}).
 *
 * @example
 * ```ts
 * import { Deadline } from "@avila/avx-http/middleware";
 * const d = new Deadline(50);
 * console.log(d.signal.aborted, d.remaining() <= 50); // false true
 * ```
 */
export class Deadline {
  /** Time budget of the request in ms. */
  readonly budgetMs: number;
  /** When the deadline passes, in `performance.now()` ms. */
  readonly at: number;
  readonly #ctl = new AbortController();
  #upstream = 0;

  /**
   * Starts a deadline `budgetMs` from now.
   *
   * @param budgetMs the time budget in ms
   */
  constructor(budgetMs: number) {
    this.budgetMs = budgetMs;
    this.at = performance.now() + budgetMs;
  }

  /** Aborted (with a `TimeoutError` DOMException) when the deadline passes. */
  get signal(): AbortSignal {
    return this.#ctl.signal;
  }

  /** Milliseconds left, never below 0. */
  remaining(): number {
    return Math.max(0, this.at - performance.now());
  }

  /** Whether some code is awaiting an upstream right now (a timeout then answers 504). */
  get waitingOnUpstream(): boolean {
    return this.#upstream > 0;
  }

  /** Marks the start of an upstream wait; returns the function that marks its end. */
  enterUpstream(): () => void {
    this.#upstream++;
    let done = false;
    return () => {
      if (!done) {
        done = true;
        this.#upstream--;
      }
    };
  }

  /** Aborts the signal; {@link timeout} calls it when the time is up. */
  expire(): void {
    if (!this.#ctl.signal.aborted) {
      this.#ctl.abort(new DOMException(`deadline of ${this.budgetMs} ms exceeded`, "TimeoutError"));
    }
  }
}

/** Context variables set by {@link timeout}. */
export interface TimeoutVariables {
  /** The request's deadline; its `signal` aborts when the time is up. */
  deadline: Deadline;
}

/**
 * The deadline of this request, when a {@link timeout} middleware set one.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { deadlineOf, timeout } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(timeout(1000));
 * app.get("/", (c) => c.text(String(deadlineOf(c)?.budgetMs))); // "1000"
 * ```
 */
export function deadlineOf(c: Context): Deadline | undefined {
  return c.get("deadline") as Deadline | undefined;
}

/**
 * Awaits `work` while marking the request as waiting on an upstream, so that a timeout firing
 * meanwhile answers 504 Gateway Timeout rather than 503.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { deadlineOf, timeout } from "@avila/avx-http/middleware";
 * import { waitingOnUpstream } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(timeout(2000));
 * app.get("/", async (c) => {
 *   const up = await waitingOnUpstream(c, Promise.resolve(new Response("upstream")));
 *   return c.text(await up.text());
 * });
 * ```
 */
export async function waitingOnUpstream<T>(c: Context, work: Promise<T>): Promise<T> {
  const d = deadlineOf(c);
  if (d === undefined) return await work;
  const leave = d.enterUpstream();
  try {
    return await work;
  } finally {
    leave();
  }
}

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** Budget of every request in ms; 0 or `Infinity` for none. Default 30000. */
  ms?: number;
  /**
   * Budgets by route, overriding `ms`: keys are Hono paths with an optional method,
   * `"GET /reports/:id"`, `"/export/*"`; the first key in declaration order that matches wins.
   * A value of 0 disables the timeout on that route (long-lived streams).
   */
  routes?: Readonly<Record<string, number>>;
  /** `Retry-After` seconds sent with a 503; default 1; 0 for none. */
  retryAfter?: number;
}

const METHOD_KEY = /^([A-Z]+)\s+(\/\S*)$/;

/**
 * Bounds a request's handling time. When it runs out, the handler's signal
 * (`c.get("deadline").signal`) is aborted and the client gets a 503 problem — 504 when the
 * handler was waiting on an upstream. Its timer is cleared as soon as the handler finishes.
 *
 * The handler is not stopped (it should watch the signal): its own outcome, when it finishes
 * after the answer, is still known to the layers that need it, such as `idempotency()`, which
 * keeps the key held until then and replays that outcome, not the 503, to a retry.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { deadlineOf, timeout } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(timeout({ ms: 5000, routes: { "/export/*": 60_000, "GET /events": 0 } }));
 * app.get("/slow", async (c) => {
 *   const res = await fetch("https://example.com/", { signal: deadlineOf(c)?.signal });
 *   return new Response(res.body, { status: res.status });
 * });
 * ```
 */
export function timeout(options: number | TimeoutOptions = {}): MiddlewareHandler {
  const o: TimeoutOptions = typeof options === "number" ? { ms: options } : options;
  const fallback = o.ms ?? 30_000;
  const retryAfter = Math.max(0, Math.floor(o.retryAfter ?? 1));
  let router: PatternRouter<number> | undefined;
  if (o.routes && Object.keys(o.routes).length > 0) {
    router = new PatternRouter<number>();
    for (const [key, ms] of Object.entries(o.routes)) {
      const m = METHOD_KEY.exec(key.trim());
      if (m) router.add(m[1], m[2], ms);
      else if (key.trim().startsWith("/")) router.add("ALL", key.trim(), ms);
      else {throw new ConfigurationError(
          "invalid_option",
          `timeout route key must be "/path" or "METHOD /path": ${key}`,
        );}
    }
  }
  const budgetOf = (c: Context): number => {
    if (router === undefined) return fallback;
    const [matches] = router.match(c.req.method, c.req.path);
    return matches.length > 0 ? matches[0][0] : fallback;
  };

  return async function timeout(c, next) {
    const ms = budgetOf(c);
    if (!(ms > 0 && ms < Infinity)) return await next();
    const deadline = new Deadline(ms);
    c.set("deadline", deadline);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<typeof EXPIRED>((resolve) => {
      timer = setTimeout(resolve, ms, EXPIRED);
    });
    // The handler may outlive the answer given here: layers that need its own outcome (an
    // idempotency key stays held until it is known) read it from the watched record, not from
    // `c.res`, which the timeout's answer takes over.
    watchOutcome(c);
    const work = next();
    // A handler that keeps running after the timeout must not become an unhandled rejection.
    work.then(() => settleOutcome(c), () => settleOutcome(c));
    try {
      if ((await Promise.race([work, expired])) !== EXPIRED) return;
    } finally {
      clearTimeout(timer);
    }
    const upstream = deadline.waitingOnUpstream;
    answeredEarly(c);
    // The handler runs on after this answer: a graceful shutdown waits for it.
    appRuntime(c)?.holdDrain(work);
    deadline.expire();
    const problem = upstream
      ? new HttpProblem(504, {
        title: "Gateway Timeout",
        detail: `no upstream response within the request's ${ms} ms deadline`,
        code: "upstream_timeout",
        timeoutMs: ms,
      })
      : new HttpProblem(
        503,
        {
          title: "Request Timeout",
          detail: `request not handled within ${ms} ms`,
          code: "request_timeout",
          timeoutMs: ms,
        },
        retryAfter > 0 ? { "retry-after": String(retryAfter) } : undefined,
      );
    // The client is told the request was not handled: a body still on its way is no longer
    // read, so a handler waiting on it (or a layer reading it first) cannot go on to a write
    // after this answer. A handler that has its body runs on, and its deadline signal aborts.
    bodyState(c.req.raw)?.fail(problem);
    throw problem;
  };
}

const EXPIRED: unique symbol = Symbol("expired");
