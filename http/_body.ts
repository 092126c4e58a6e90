// Request bodies as they come off the connection: one tracked stream per request that counts the
// wire bytes, bounds them (size and time to arrive), knows when the app is waiting on the client,
// and remembers the typed failure that ended it. Every layer that reads or re-wraps a body (the
// server core, content decoding, cost tracking, load shedding) shares this one record, so:
// - a limit or timeout is a typed problem (413/408/400 with a stable `code`), however the body
//   is read;
// - code that swallows a read error (a validator answering "Malformed JSON") does not hide it:
//   the error handler answers with the body's own failure;
// - cost tracking counts the bytes on the wire, even when the app reads a decoded body;
// - load shedding counts handlers at work, not requests waiting on a slow client.

import { HttpProblem } from "./problem.ts";

/** Stable `code` members of request-body problems. */
export type BodyProblemCode =
  /** 413: the body (on the wire or decoded) is larger than allowed, or expands too much. */
  | "body_too_large"
  /** 408: the body did not arrive in time. */
  | "body_timeout"
  /** 400: the body's content coding is corrupt or truncated. */
  | "body_coding_invalid"
  /** 400: the client stopped sending before the body's end. */
  | "body_incomplete"
  /** 415: the body's content coding is not supported. */
  | "body_coding_unsupported";

/** A request-body problem with its stable `code`. */
export function bodyProblem(
  status: number,
  code: BodyProblemCode,
  detail: string,
  extra: Record<string, unknown> = {},
  headers?: HeadersInit,
): HttpProblem {
  return new HttpProblem(status, { detail, code, ...extra }, headers);
}

/** The 413 problem for a body past `limit` bytes. */
export function bodyTooLarge(limit: number, what = "request body"): HttpProblem {
  return bodyProblem(413, "body_too_large", `${what} exceeds the limit of ${limit} bytes`, {
    limit,
  });
}

/** What is known about a request body while it is read. */
export interface BodyState {
  /** Bytes received from the client so far. */
  wireBytes: number;
  /** The body's `Content-Length` as the client declared it, if it did. */
  readonly declaredBytes: number | undefined;
  /** Whether the app is waiting on the client for the next bytes. */
  waiting: boolean;
  /** Whether the body was read to its end. */
  ended: boolean;
  /** The typed failure that ended the body (limit, timeout, bad coding), if any. */
  failure: HttpProblem | undefined;
  /** Called when `waiting` changes. */
  readonly watchers: Set<(waiting: boolean) => void>;
  /** The response is done: stops the deadline of a body the app never started reading. */
  settle(): void;
  /**
   * Ends a body not yet read to its end with `problem`: reads of it fail from now on. For a layer
   * that answered the client before the handler finished (a timeout): bytes that arrive after
   * that answer must not let the handler go on to a write the client was told did not happen.
   */
  fail(problem: HttpProblem): void;
}

const BODY: unique symbol = Symbol("avx-http.body");
type Marked = Request & { [BODY]?: BodyState };

/** The tracked state of a request's body, if a layer tracks it. */
export function bodyState(request: Request): BodyState | undefined {
  return (request as Marked)[BODY];
}

/** Marks `to` (a request re-wrapped from `from`) as carrying `from`'s body state. */
export function carryBody<R extends Request>(from: Request, to: R): R {
  const state = (from as Marked)[BODY];
  if (state !== undefined) (to as Marked)[BODY] = state;
  return to;
}

/**
 * `request` with another body (and optionally other headers). Not `new Request(request, init)`:
 * copying a request reads its `signal` (the copy follows it, Fetch standard), and reading the
 * signal of a `Deno.serve` request makes Deno print, once per process, that the signal aborts
 * after successful responses too (legacy abort). That warning then showed after every first
 * upload whether or not anyone listened. The copy's `signal` is still the original's, read only
 * when someone asks for it (then the warning is theirs, and true).
 */
export function withBody(
  request: Request,
  body: ReadableStream<Uint8Array> | null,
  headers: Headers = request.headers,
): Request {
  const copy = new Request(request.url, {
    method: request.method,
    headers,
    body,
    duplex: "half",
  } as RequestInit);
  Object.defineProperty(copy, "signal", {
    get: () => request.signal,
    configurable: true,
    enumerable: true,
  });
  return copy;
}

/** The failure recorded on a request's body, if it ended in one. */
export function bodyFailure(request: Request): HttpProblem | undefined {
  return (request as Marked)[BODY]?.failure;
}

/** Limits of {@link trackBody}. */
export interface TrackBodyOptions {
  /** Largest body in wire bytes (413 `body_too_large` past it); default none. */
  limit?: number;
  /** Time for the whole body to arrive, from now (408 `body_timeout` past it); 0 or none: no bound. */
  timeoutMs?: number;
  /** Called once with the wire byte count when the body was read to its end. */
  onEnd?: (wireBytes: number) => void;
}

/**
 * The request with its body tracked (counted, bounded, watched); the request itself when it has
 * no body or is tracked already. The body is pulled from the client only when the app reads.
 */
export function trackBody(request: Request, options: TrackBodyOptions = {}): Request {
  const source = request.body;
  if (source === null || (request as Marked)[BODY] !== undefined) return request;
  const limit = options.limit ?? Infinity;
  const timeoutMs = options.timeoutMs;
  const onEnd = options.onEnd;
  const reader = source.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ctl: ReadableStreamDefaultController<Uint8Array> | undefined;
  const setWaiting = (w: boolean): void => {
    if (state.waiting === w) return;
    state.waiting = w;
    for (const watch of state.watchers) watch(w);
  };
  const fail = (problem: HttpProblem): void => {
    if (state.failure !== undefined || state.ended) return;
    state.failure = problem;
    clearTimeout(timer);
    setWaiting(false);
    ctl?.error(problem);
    reader.cancel(problem).catch(() => {});
  };
  const cl = request.headers.get("content-length");
  const declared = cl === null || request.headers.has("transfer-encoding") ? NaN : Number(cl);
  const state: BodyState = {
    wireBytes: 0,
    declaredBytes: Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined,
    waiting: false,
    ended: false,
    failure: undefined,
    watchers: new Set(),
    settle() {
      // A body the app never started reading is dropped with the response. One it is reading
      // (a streamed echo) keeps its deadline, which ends the read at the latest.
      if (state.wireBytes === 0 && !state.waiting) clearTimeout(timer);
    },
    fail: (problem) => fail(problem),
  };
  if (timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs)) {
    timer = setTimeout(() => {
      fail(bodyProblem(408, "body_timeout", `request body not received within ${timeoutMs} ms`, {
        timeoutMs,
      }));
    }, timeoutMs);
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      ctl = controller;
    },
    async pull(controller) {
      setWaiting(true);
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch {
        // The client went away (or the read was cancelled by a failure above).
        setWaiting(false);
        if (state.failure === undefined) {
          clearTimeout(timer);
          state.failure = bodyProblem(400, "body_incomplete", "request body was cut short");
          controller.error(state.failure);
        }
        return;
      }
      setWaiting(false);
      if (state.failure !== undefined) return;
      if (r.done) {
        state.ended = true;
        clearTimeout(timer);
        controller.close();
        onEnd?.(state.wireBytes);
        return;
      }
      state.wireBytes += r.value.byteLength;
      if (state.wireBytes > limit) return fail(bodyTooLarge(limit));
      controller.enqueue(r.value);
    },
    cancel(reason) {
      clearTimeout(timer);
      setWaiting(false);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  const tracked = withBody(request, body) as Marked;
  tracked[BODY] = state;
  return tracked;
}
