// The handler's own outcome of a request, for the layers that must know it even after another
// layer answered the client first. Hono keeps one response slot per request (`c.res`): when a
// timeout answers 503 while the handler is still running, that slot is taken ("finalized") and
// Hono drops the response the handler returns later. A layer that must not lose the handler's
// real outcome (idempotency: the key stays held until it is known, then that outcome is what a
// retry replays) reads it here instead of from `c.res`.
//
// The record exists only for requests a layer that may answer early is watching (`watchOutcome`,
// called by `timeout()` on entry); every other request pays one property read at the handler.
// `Server` records the answering handler's response (`recordingOutcome`); in a plain Hono app,
// where nothing wraps the handler, an early-answered request ends with `response` unknown.

import type { Context, Handler, MiddlewareHandler } from "hono";

const OUTCOME: unique symbol = Symbol("avx-http.outcome");

/** What the handler of one watched request did. */
export interface HandlerOutcome {
  /** Whether another layer already answered the client (the handler's response goes nowhere). */
  readonly answeredEarly: boolean;
  /** Whether the handler has finished (it returned or threw, or the watched chain ended). */
  readonly settled: boolean;
  /** The response the handler returned, when it was recorded. */
  readonly response: Response | undefined;
  /** Whether the handler threw (then `error` is what it threw). */
  readonly failed: boolean;
  /** What the handler threw. */
  readonly error: unknown;
  /** Resolves (never rejects) once `settled`. */
  readonly finished: Promise<void>;
}

class Outcome implements HandlerOutcome {
  answeredEarly = false;
  settled = false;
  response: Response | undefined = undefined;
  failed = false;
  error: unknown = undefined;
  #finished: Promise<void> | undefined;
  #resolve: (() => void) | undefined;

  get finished(): Promise<void> {
    if (this.#finished === undefined) {
      this.#finished = this.settled
        ? Promise.resolve()
        : new Promise((resolve) => (this.#resolve = resolve));
    }
    return this.#finished;
  }

  /** The handler returned (`response` when known) or threw. */
  record(response: Response | undefined, failed: boolean, error?: unknown): void {
    if (this.settled) return;
    if (response !== undefined) this.response = response;
    if (failed) {
      this.failed = true;
      this.error = error;
    }
    this.settle();
  }

  /** The chain below the watching layer finished. */
  settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.#resolve?.();
  }
}

type Watched = Context & { [OUTCOME]?: Outcome };

/**
 * Starts watching the handler's outcome of this request (once; later calls get the same record).
 * Called on entry by a layer that may answer before the handler finishes; it must call
 * `settleOutcome` when the rest of its chain has finished.
 */
export function watchOutcome(c: Context): HandlerOutcome {
  return ((c as Watched)[OUTCOME] ??= new Outcome());
}

/** Marks that the client was answered before the handler finished. */
export function answeredEarly(c: Context): void {
  const o = (c as Watched)[OUTCOME];
  if (o !== undefined) o.answeredEarly = true;
}

/** Marks the end of the chain below the watching layer (the handler can record no more). */
export function settleOutcome(c: Context): void {
  (c as Watched)[OUTCOME]?.settle();
}

/** The watched outcome of this request, if a layer is watching it. */
export function outcomeOf(c: Context): HandlerOutcome | undefined {
  return (c as Watched)[OUTCOME];
}

/**
 * Wraps the answering handler of a route so that, on a watched request, what it returns or throws
 * is recorded: the handler's own outcome, whatever happened to `c.res` meanwhile.
 */
export function recordingOutcome<H extends Handler | MiddlewareHandler>(handler: H): H {
  const h = handler as (c: Context, next: () => Promise<void>) => unknown;
  const wrapped = function (c: Context, next: () => Promise<void>): unknown {
    const o = (c as Watched)[OUTCOME];
    if (o === undefined) return h(c, next);
    let out: unknown;
    try {
      out = h(c, next);
    } catch (e) {
      o.record(undefined, true, e);
      throw e;
    }
    if (out instanceof Promise) {
      return out.then((r) => {
        o.record(r instanceof Response ? r : undefined, false);
        return r;
      }, (e) => {
        o.record(undefined, true, e);
        throw e;
      });
    }
    o.record(out instanceof Response ? out : undefined, false);
    return out;
  };
  Object.defineProperty(wrapped, "name", { value: h.name });
  return wrapped as unknown as H;
}
