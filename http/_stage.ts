// Stages: middleware written as an enter/leave pair instead of `(c, next) => ...`, so one
// definition runs two ways. As a Hono middleware (`stageMiddleware`) it behaves like any other;
// fused (`fuseStages`), a route's stages run in one synchronous loop around its handler, with no
// Hono compose, no promise per layer, and no microtask while every stage answers synchronously
// (an API key cache hit, a memory rate-limit store). `Server` fuses when every middleware of the
// app is a stage; the per-request cost of auth + rate limit + cost tracking then drops by half.

import type { Context, MiddlewareHandler, Next } from "hono";

/** Marks a middleware that also has a stage form (see `stageOf`). */
const STAGE: unique symbol = Symbol("avx-http.stage");

/**
 * Middleware as an enter/leave pair. `enter` runs before the handler and gives the state `leave`
 * gets, or a `Response` that answers the request at once (then `leave` does not run); it may
 * throw (an `HttpProblem` becomes its problem response) or return a promise (slow path: a store
 * round trip). `leave` runs after the handler with its response (an error's problem response
 * included) and returns the response to send on: the same one, or a replacement.
 */
export interface Stage<S = unknown> {
  /** Name, for debugging and the middleware function's name. */
  readonly name: string;
  /** Before the handler. */
  enter(c: Context): S | Response | Promise<S | Response>;
  /** After the handler. */
  leave?(c: Context, res: Response, state: S): Response;
  /**
   * Runs the rest of the request (inner stages, the handler and their leaves) inside a scope,
   * such as an OpenTelemetry context; `rest` never throws (errors arrive as responses).
   */
  around?(
    c: Context,
    state: S,
    rest: () => Response | Promise<Response>,
  ): Response | Promise<Response>;
}

type Staged = MiddlewareHandler & { [STAGE]?: Stage };

/** The stage behind a middleware made by {@link stageMiddleware}, if any. */
export function stageOf(mw: MiddlewareHandler): Stage | undefined {
  return (mw as Staged)[STAGE];
}

/**
 * Sets the response a middleware leaves behind, without Hono copying the old headers over: the
 * `c.res = undefined; c.res = res` sequence Hono documents for replacing the response after
 * `next()` (https://hono.dev/docs/helpers/factory, "Modify the Response After next"). The one
 * place avx-http replaces `c.res`; `_stage_test.ts` checks the old headers stay out.
 */
export function replaceRes(c: Context, res: Response): void {
  if (c.res === res) return;
  c.res = undefined;
  c.res = res;
}

/**
 * A stage as an ordinary Hono middleware (what plain Hono users get from `auth()` and the
 * others). Errors propagate to Hono's error handling, as from any middleware.
 */
export function stageMiddleware<S>(stage: Stage<S>): MiddlewareHandler {
  const leave = stage.leave;
  const around = stage.around;
  const after = (c: Context, state: S): void => {
    if (leave !== undefined) replaceRes(c, leave(c, c.res, state));
  };
  const proceed = (c: Context, next: Next, state: S | Response): Promise<void | Response> => {
    if (state instanceof Response) return Promise.resolve(state);
    if (around === undefined) return next().then(() => after(c, state));
    return Promise.resolve(around(c, state, () => next().then(() => c.res))).then((res) => {
      replaceRes(c, res);
      after(c, state);
    });
  };
  const mw = function (c: Context, next: Next): Promise<void | Response> {
    const state = stage.enter(c);
    return state instanceof Promise
      ? state.then((s) => proceed(c, next, s))
      : proceed(c, next, state);
  };
  Object.defineProperty(mw, "name", { value: stage.name });
  (mw as Staged)[STAGE] = stage as Stage;
  return mw as MiddlewareHandler;
}

/** The handler a fused pipeline wraps; may return nothing when it calls `next` (Hono style). */
export type Inner = (c: Context) => Response | void | Promise<Response | void>;
/** Turns an error into its response (the app's error handler). */
export type OnError = (err: Error, c: Context) => Response;
/** Runs the stages around `inner` for one request. */
export type Fused = (c: Context, inner: Inner) => Response | Promise<Response>;

/**
 * Fuses stages (outermost first) into one function run around a route's handler. Semantics match
 * Hono's compose: an error thrown by a stage or the handler becomes `onError`'s response, which
 * the stages already entered then see in `leave`, innermost first.
 *
 * @param stages the stages, outermost first
 * @param onError the app's error handler
 * @param fallback the response when the handler returns none (Hono's not-found handler)
 */
export function fuseStages(
  stages: readonly Stage[],
  onError: OnError,
  fallback: (c: Context) => Response | Promise<Response>,
): Fused {
  const n = stages.length;
  const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
  const fail = (c: Context, e: unknown): Response => {
    const err = asError(e);
    c.error = err;
    return onError(err, c);
  };

  // Leaves stages entered-1 .. floor with `res`; a throwing leave becomes an error response.
  const leaveFrom = (
    c: Context,
    res: Response,
    states: unknown[],
    entered: number,
    floor: number,
  ): Response => {
    for (let i = entered - 1; i >= floor; i--) {
      const leave = stages[i].leave;
      if (leave === undefined) continue;
      try {
        res = leave(c, res, states[i]);
      } catch (e) {
        res = fail(c, e);
      }
    }
    return res;
  };
  const leaveLater = (
    c: Context,
    res: Response | Promise<Response>,
    states: unknown[],
    entered: number,
    floor: number,
  ): Response | Promise<Response> =>
    res instanceof Promise
      ? res.then(
        (x) => leaveFrom(c, x, states, entered, floor),
        (e) => leaveFrom(c, fail(c, e), states, entered, floor),
      )
      : leaveFrom(c, res, states, entered, floor);

  const settle = (c: Context, out: Response | void): Response | Promise<Response> =>
    out instanceof Response ? out : c.finalized ? c.res : fallback(c);

  const runInner = (
    c: Context,
    inner: Inner,
    states: unknown[],
    floor: number,
  ): Response | Promise<Response> => {
    let out: Response | void | Promise<Response | void>;
    try {
      out = inner(c);
    } catch (e) {
      return leaveFrom(c, fail(c, e), states, n, floor);
    }
    if (out instanceof Promise) {
      return out.then(
        (r) => leaveLater(c, settle(c, r), states, n, floor),
        (e) => leaveFrom(c, fail(c, e), states, n, floor),
      );
    }
    return leaveLater(c, settle(c, out), states, n, floor);
  };

  // Enters stages from `i` on (leaving down to `floor` when done); switches to promises only
  // when a stage returns one; a stage with `around` runs the rest inside its scope.
  const enterFrom = (
    c: Context,
    inner: Inner,
    states: unknown[],
    i: number,
    floor: number,
  ): Response | Promise<Response> => {
    for (; i < n; i++) {
      let state: unknown;
      try {
        state = stages[i].enter(c);
      } catch (e) {
        return leaveFrom(c, fail(c, e), states, i, floor);
      }
      if (state instanceof Promise) {
        const at = i;
        return state.then(
          (s) => {
            if (s instanceof Response) return leaveFrom(c, s, states, at, floor);
            states[at] = s;
            return entered(c, inner, states, at, floor);
          },
          (e) => leaveFrom(c, fail(c, e), states, at, floor),
        );
      }
      if (state instanceof Response) return leaveFrom(c, state, states, i, floor);
      states[i] = state;
      if (stages[i].around !== undefined) return entered(c, inner, states, i, floor);
    }
    return runInner(c, inner, states, floor);
  };

  // Stage `at` has entered: run the rest, inside its scope when it has one.
  const entered = (
    c: Context,
    inner: Inner,
    states: unknown[],
    at: number,
    floor: number,
  ): Response | Promise<Response> => {
    const around = stages[at].around;
    if (around === undefined) return enterFrom(c, inner, states, at + 1, floor);
    let res: Response | Promise<Response>;
    try {
      res = around(c, states[at], () => enterFrom(c, inner, states, at + 1, at + 1));
    } catch (e) {
      res = fail(c, e);
    }
    return leaveLater(c, res, states, at + 1, floor);
  };

  return (c, inner) => enterFrom(c, inner, new Array(n), 0, 0);
}
