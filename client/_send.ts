// The engine behind every request: endpoint choice, attempts with per-attempt timeouts under a
// total deadline, hedging, retries with backoff or the server's delay, breakers, telemetry.
//
// The common path (no body, one attempt, no caller signal) is kept lean, measured against plain
// fetch in bench/client.ts: headers stay a plain record until fetch takes them, timeouts sit on
// the client's shared timer (_timeouts.ts) instead of a runtime timer per request, the fetch
// signal is one AbortController, and a body-less request awaits nothing before fetch.

import { formatTraceparent, startTrace } from "../http/traceparent.ts";
import { bufferForReplay, compressBody, normaliseBody, type PreparedBody } from "./_body.ts";
import { acceptEncodingValue } from "./_coding.ts";
import type { ClientConfig, ClientState, RequestSpec } from "./_config.ts";
import { copyHeaders, type HeaderRecord } from "./_headers.ts";
import type { Timeout } from "./_timeouts.ts";
import { fullJitterDelay, parseRateLimitReset, parseRetryAfter } from "./backoff.ts";
import { CircuitBreaker } from "../http/breaker.ts";
import { ClientError } from "./errors.ts";
import { followRedirects, needsManualRedirects } from "./_redirect.ts";
import type { AttemptInfo } from "./hooks.ts";
import type { RequestMetrics } from "./metrics.ts";
import type { EndpointHealth } from "./regions.ts";
import { ClientResponse, type ResponseContext } from "./response.ts";
import { isIdempotentMethod, isNetworkError } from "./retry.ts";

const ABSOLUTE = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
const MAX_FOREIGN_BREAKERS = 256;
const NO_BODY: PreparedBody = { kind: "none" };

type Outcome =
  /** `ctrl`: the attempt's controller, which the total deadline aborts while the body is read. */
  | { kind: "response"; res: Response; info: AttemptInfo; ctrl: AbortController | undefined }
  | { kind: "network" | "timeout"; error: unknown; info: AttemptInfo }
  | { kind: "aborted" | "deadline" | "cancelled"; error: unknown; info: AttemptInfo }
  /** The breaker refused: nothing was sent. */
  | { kind: "circuit"; info: AttemptInfo; breaker: CircuitBreaker };

function timeoutError(): DOMException {
  return new DOMException("attempt timed out", "TimeoutError");
}

function deadlineError(): DOMException {
  return new DOMException("the request's deadline passed", "TimeoutError");
}

function hedgeLost(): DOMException {
  return new DOMException("another hedged attempt answered first", "AbortError");
}

function breakerFor(
  cfg: ClientConfig,
  state: ClientState,
  endpoint: EndpointHealth | undefined,
  href: string,
  url: URL | undefined,
): CircuitBreaker | undefined {
  if (cfg.breaker === false) return undefined;
  if (endpoint) return endpoint.breaker;
  const origin = (url ?? new URL(href)).origin;
  let b = state.breakers.get(origin);
  if (!b) {
    if (state.breakers.size >= MAX_FOREIGN_BREAKERS) {
      state.breakers.delete(state.breakers.keys().next().value!);
    }
    b = new CircuitBreaker({ ...cfg.breaker, now: cfg.breaker.now ?? cfg.now });
    state.breakers.set(origin, b);
  }
  return b;
}

const MAX_CACHED_TARGETS = 512;

/**
 * The href of a request target. Relative targets extend the endpoint's base path (`/v1/x`
 * under `https://h/api/`); their hrefs are cached per endpoint (parsing a URL is a good part of
 * a small request's cost), bounded so varying paths cannot grow the cache without limit.
 */
function resolveHref(
  state: ClientState,
  target: string | URL,
  endpoint: EndpointHealth | undefined,
  query: Array<[string, string]>,
): { href: string; url: URL | undefined } {
  let cache: Map<string, string> | undefined;
  if (endpoint && typeof target === "string") {
    if (query.length === 0) {
      cache = state.hrefs.get(endpoint);
      const href = cache?.get(target);
      if (href !== undefined) return { href, url: undefined };
    }
    let i = 0;
    while (i < target.length && target.charCodeAt(i) === 47) i++;
    const url = checkScheme(new URL(target.slice(i), endpoint.url));
    for (const [k, v] of query) url.searchParams.append(k, v);
    const href = url.href;
    if (query.length === 0) {
      if (cache === undefined) state.hrefs.set(endpoint, cache = new Map());
      else if (cache.size >= MAX_CACHED_TARGETS) cache.clear();
      cache.set(target, href);
    }
    return { href, url };
  }
  if (!(target instanceof URL) && !ABSOLUTE.test(target)) {
    throw new ClientError("invalid", `relative URL ${target} needs a baseUrl or endpoints`);
  }
  const url = checkScheme(new URL(target));
  for (const [k, v] of query) url.searchParams.append(k, v);
  return { href: url.href, url };
}

function checkScheme(url: URL): URL {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ClientError("invalid", `unsupported URL scheme ${url.protocol}`);
  }
  return url;
}

async function prepareBody(
  cfg: ClientConfig,
  spec: RequestSpec,
  headers: HeaderRecord,
  wantReplay: boolean,
): Promise<PreparedBody> {
  let body = await normaliseBody(spec.body, headers);
  if (body.kind === "stream" && wantReplay) {
    body = await bufferForReplay(body.stream, cfg.maxReplayBytes);
  }
  if (cfg.requestCoding !== null) {
    body = await compressBody(body, headers, cfg.requestCoding, cfg.compressThreshold);
  }
  return body;
}

/** Sends one logical request. */
export async function send(
  cfg: ClientConfig,
  state: ClientState,
  spec: RequestSpec,
): Promise<ClientResponse> {
  const stats = state.stats;
  const timeouts = state.timeouts;
  const now = cfg.now;
  const startedAt = now();
  stats.requests++;
  const method = spec.method.toUpperCase();
  const callerSignal = spec.signal;
  if (callerSignal?.aborted) {
    stats.failures++;
    throw new ClientError("aborted", "request aborted before it was sent", {
      method,
      cause: callerSignal.reason,
    });
  }

  const headers = copyHeaders(cfg.headers);
  for (const k in spec.headers) headers[k] = spec.headers[k];
  const wantsKey = spec.idempotent ?? cfg.idempotent;
  if (wantsKey && !("idempotency-key" in headers) && (method === "POST" || method === "PATCH")) {
    // An sf-string Item (draft-ietf-httpapi-idempotency-key-header §2), one per logical request.
    headers["idempotency-key"] = `"${crypto.randomUUID()}"`;
  }
  const maxAttempts = Math.max(1, spec.attempts ?? cfg.attempts);
  const replayable = isIdempotentMethod(method) || "idempotency-key" in headers;
  let body = spec.body === undefined || spec.body === null
    ? NO_BODY
    : await prepareBody(cfg, spec, headers, replayable && maxAttempts > 1);
  const allowedAttempts = replayable && body.kind !== "stream" ? maxAttempts : 1;

  if (cfg.acceptEncoding && !("accept-encoding" in headers)) {
    headers["accept-encoding"] = await acceptEncodingValue();
  }
  let requestId = headers["x-request-id"];
  if (requestId === undefined) {
    requestId = crypto.randomUUID();
    headers["x-request-id"] = requestId;
  }
  const parentTrace = headers["traceparent"] ?? null;
  const trace = startTrace(parentTrace, headers["tracestate"]);
  const traceparentBase = parentTrace ?? formatTraceparent(trace);

  const timeoutMs = spec.timeoutMs === undefined ? cfg.timeoutMs : spec.timeoutMs;
  const deadlineMs = spec.deadlineMs === undefined ? cfg.deadlineMs : spec.deadlineMs;
  const remaining = () => deadlineMs === null ? Infinity : deadlineMs - (now() - startedAt);

  const metrics: RequestMetrics = {
    attempts: 0,
    retries: 0,
    hedges: 0,
    headersMs: 0,
    totalMs: null,
    bytesSent: 0,
    bytesSentDecoded: 0,
    bytesReceivedWire: 0,
    bytesReceived: 0,
  };
  const idemHeader = headers["idempotency-key"];
  const viaRouter = cfg.router !== undefined && typeof spec.target === "string" &&
    !ABSOLUTE.test(spec.target);
  const hedgeMs = spec.hedgeMs === undefined ? cfg.hedgeMs : spec.hedgeMs;
  const hedging = hedgeMs !== null && (method === "GET" || method === "HEAD") &&
    body.kind === "none" && viaRouter;
  const tried = new Set<EndpointHealth>();
  // The first attempt sends `headers` itself; later or concurrent ones send copies, so a record
  // a (custom) fetch still holds is never changed under it.
  let headersSent = false;

  const attemptOnce = async (
    n: number,
    endpoint: EndpointHealth | undefined,
    hedge: boolean,
    cancel?: AbortSignal,
  ): Promise<Outcome> => {
    const { href, url } = resolveHref(state, spec.target, endpoint, spec.query);
    const info: AttemptInfo = { attempt: n, method, url: href, requestId: requestId!, hedge };
    const region = endpoint?.region ?? cfg.region;
    if (region !== undefined) info.region = region;
    const breaker = breakerFor(cfg, state, endpoint, href, url);
    if (breaker && !breaker.tryAcquire()) return { kind: "circuit", info, breaker };

    metrics.attempts++;
    stats.attempts++;
    const h = headersSent ? copyHeaders(headers) : headers;
    headersSent = true;
    h["traceparent"] = n === 0 && !hedge && parentTrace === null
      ? traceparentBase
      : formatTraceparent({ ...startTrace(traceparentBase), traceId: trace.traceId });
    let sendBody: BodyInit | undefined;
    if (body.kind === "bytes") {
      sendBody = body.bytes as Uint8Array<ArrayBuffer>;
      metrics.bytesSent += body.bytes.byteLength;
      metrics.bytesSentDecoded += body.decodedLength;
      stats.bytesSent += body.bytes.byteLength;
      stats.bytesSentDecoded += body.decodedLength;
    } else if (body.kind === "form") sendBody = body.form;
    else if (body.kind === "stream") {
      sendBody = body.stream.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, c) {
            metrics.bytesSent += chunk.byteLength;
            stats.bytesSent += chunk.byteLength;
            c.enqueue(chunk);
          },
        }),
      );
      body = NO_BODY;
    }

    const left = remaining();
    const perAttempt = timeoutMs === null ? left : Math.min(timeoutMs, left);
    // When the deadline, not the attempt timeout, bounds this attempt, its expiry is the deadline.
    const boundByDeadline = timeoutMs === null || left < timeoutMs;
    let ctrl: AbortController | undefined;
    let timer: Timeout | undefined;
    if (perAttempt !== Infinity) {
      const c = ctrl = new AbortController();
      timer = timeouts.add(
        perAttempt,
        () => c.abort(boundByDeadline ? deadlineError() : timeoutError()),
        true,
      );
    }
    let signal: AbortSignal | undefined;
    if (callerSignal === undefined && cancel === undefined) signal = ctrl?.signal;
    else {
      const parts = [ctrl?.signal, cancel, callerSignal].filter((x): x is AbortSignal =>
        x !== undefined
      );
      signal = parts.length > 1 ? AbortSignal.any(parts) : parts[0];
    }
    const init: RequestInit & { duplex?: "half" } = { headers: h };
    if (method !== "GET") init.method = method; // fetch's default; validating it costs
    if (signal !== undefined) init.signal = signal;
    if (sendBody !== undefined) init.body = sendBody;
    if (sendBody instanceof ReadableStream) init.duplex = "half";
    // fetch would carry the API key along a redirect to another origin (and Node's cannot resend
    // a bytes body): follow them here
    const manual = needsManualRedirects(h, sendBody);
    if (manual) init.redirect = "manual";

    const t0 = now();
    try {
      let res: Response;
      // The request as sent: later hops start from it, with what a hook set on it.
      let sentHref = href;
      let sentInit: RequestInit = init;
      if (cfg.hooks.beforeRequest) {
        const req = new Request(href, init);
        const replaced = await cfg.hooks.beforeRequest(req, info);
        const sent = replaced ?? req;
        res = await cfg.fetch(sent);
        sentHref = sent.url;
        // A replacement's own body was a stream, sent once; else the bytes can go again.
        const body = replaced === undefined ? init.body : replaced.body ?? undefined;
        sentInit = { ...init, method: sent.method, headers: sent.headers, body };
      } else {
        res = await cfg.fetch(href, init);
      }
      if (manual) res = await followRedirects(cfg.fetch, res, sentHref, sentInit);
      if (timer) timeouts.delete(timer);
      if (cfg.hooks.afterResponse) res = (await cfg.hooks.afterResponse(res, info)) ?? res;
      if (endpoint) cfg.router!.observe(endpoint, now() - t0);
      if (breaker) res.status >= 500 ? breaker.failure() : breaker.success();
      return { kind: "response", res, info, ctrl };
    } catch (error) {
      if (timer) timeouts.delete(timer);
      if (callerSignal?.aborted) {
        breaker?.release();
        return { kind: "aborted", error: callerSignal.reason, info };
      }
      if (cancel?.aborted) {
        breaker?.release();
        return { kind: "cancelled", error: cancel.reason, info };
      }
      if (ctrl?.signal.aborted) {
        breaker?.failure();
        return { kind: boundByDeadline ? "deadline" : "timeout", error: ctrl.signal.reason, info };
      }
      if (isNetworkError(error)) {
        breaker?.failure();
        return { kind: "network", error, info };
      }
      breaker?.release();
      throw error;
    }
  };

  const pickEndpoint = (): EndpointHealth | undefined | null => {
    if (!viaRouter) return undefined;
    const e = cfg.router!.pick(tried);
    if (e === undefined) return null;
    tried.add(e);
    return e;
  };

  const discard = (o: Outcome) => {
    if (o.kind === "response") o.res.body?.cancel().catch(() => {});
  };

  const hedgedAttempt = async (n: number, first: EndpointHealth | undefined): Promise<Outcome> => {
    const ctrls = [new AbortController(), new AbortController()];
    const primary = attemptOnce(n, first, false, ctrls[0].signal);
    // The hedge timer ends with the primary attempt, which the deadline bounds.
    const timerCtrl = new AbortController();
    const fired = await Promise.race([
      primary.then(() => false),
      cfg.sleep(
        hedgeMs!,
        callerSignal ? AbortSignal.any([timerCtrl.signal, callerSignal]) : timerCtrl.signal,
      ).then(() => true, () => false),
    ]);
    timerCtrl.abort();
    if (!fired) return primary;
    // A hedge goes to another endpoint when there is one, else to the same one again.
    const second = cfg.router!.pick(tried) ?? first;
    if (second) tried.add(second);
    metrics.hedges++;
    stats.hedges++;
    const secondary = attemptOnce(n, second, true, ctrls[1].signal);
    const tagged = [primary.then((o) => ({ o, i: 0 })), secondary.then((o) => ({ o, i: 1 }))];
    const a = await Promise.race(tagged);
    const other = tagged[1 - a.i];
    const good = a.o.kind === "response" && !cfg.statuses.has(a.o.res.status);
    if (good || a.o.kind === "aborted" || a.o.kind === "deadline") {
      ctrls[1 - a.i].abort(hedgeLost());
      other.then(({ o }) => discard(o));
      return a.o;
    }
    const b = (await other).o;
    if (b.kind === "response") {
      discard(a.o);
      return b;
    }
    return a.o.kind === "response" ? a.o : b;
  };

  /** Waits `delay` ms before a retry, ended early by the caller's signal or the deadline. */
  const backoff = async (delay: number): Promise<"slept" | "aborted" | "deadline"> => {
    let deadlineCtrl: AbortController | undefined;
    let deadlineTimer: Timeout | undefined;
    const left = remaining();
    if (left !== Infinity) {
      // Usually the wait ends first (it was checked against the time left), but a slow
      // beforeRetry hook or a custom sleep may have used some of it.
      const c = deadlineCtrl = new AbortController();
      deadlineTimer = timeouts.add(left, () => c.abort(deadlineError()), false);
    }
    const parts = [deadlineCtrl?.signal, callerSignal].filter((x): x is AbortSignal =>
      x !== undefined
    );
    try {
      await cfg.sleep(delay, parts.length > 1 ? AbortSignal.any(parts) : parts[0]);
      return "slept";
    } catch {
      return callerSignal?.aborted ? "aborted" : "deadline";
    } finally {
      if (deadlineTimer) timeouts.delete(deadlineTimer);
    }
  };

  /**
   * Waits until one of `breakers` would let a request through: the rest of an open circuit's
   * time, or the outcome of a half-open probe that is out. `"ready"` to ask again; `"deadline"`
   * at once when the circuit cannot let anything through before the deadline.
   */
  const waitForCircuit = async (
    breakers: readonly CircuitBreaker[],
  ): Promise<"ready" | "aborted" | "deadline"> => {
    let soonest = Infinity;
    for (const b of breakers) soonest = Math.min(soonest, b.waitMs);
    if (soonest <= 0) return "ready";
    const left = remaining();
    if (soonest !== Infinity && soonest >= left) return "deadline";
    if (left <= 0) return "deadline";
    if (callerSignal?.aborted) return "aborted";
    const ctrl = new AbortController();
    const timer = left !== Infinity
      ? timeouts.add(left, () => ctrl.abort(deadlineError()), false)
      : undefined;
    const signal = callerSignal ? AbortSignal.any([ctrl.signal, callerSignal]) : ctrl.signal;
    const waits: Promise<unknown>[] = breakers.map((b) => b.changed());
    waits.push(
      new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true })),
    );
    if (soonest !== Infinity) waits.push(cfg.sleep(soonest, signal).catch(() => {}));
    try {
      await Promise.race(waits);
    } finally {
      if (timer) timeouts.delete(timer);
      ctrl.abort();
    }
    if (callerSignal?.aborted) return "aborted";
    return remaining() <= 0 ? "deadline" : "ready";
  };

  /** Whether a failed attempt's outcome may be retried (attempts left aside). */
  const retryable = (o: Outcome): boolean => {
    if (o.kind === "network" || o.kind === "timeout") return true;
    if (o.kind !== "response") return false;
    const status = o.res.status;
    // 409 with Retry-After to a keyed request: the idempotency layer still runs the first one
    // (draft-ietf-httpapi-idempotency-key-header §2.6); the retry gets its stored answer.
    return cfg.statuses.has(status) ||
      (status === 409 && idemHeader !== undefined && o.res.headers.has("retry-after"));
  };

  // Attempts sent so far: the number of the next one. Refusals by an open circuit send nothing
  // and do not count.
  let n = 0;
  let last: Outcome | undefined;

  /**
   * Before the next attempt after `o` failed: the backoff (or the server's delay), within the
   * deadline. False when no attempt may follow; `last` then says why when the wait ended early.
   */
  const waitToRetry = async (o: Outcome): Promise<boolean> => {
    let delay = fullJitterDelay(n - 1, { baseMs: cfg.baseMs, capMs: cfg.capMs }, cfg.random);
    if (o.kind === "response") {
      const server = Math.max(
        parseRetryAfter(o.res.headers.get("retry-after"), Date.now()) ?? -1,
        parseRateLimitReset(o.res.headers) ?? -1,
      );
      if (server > cfg.maxServerDelayMs) return false;
      if (server >= 0) delay = server;
    }
    if (delay >= remaining()) return false;
    if (cfg.hooks.beforeRetry) {
      await cfg.hooks.beforeRetry({
        ...o.info,
        delayMs: delay,
        ...(o.kind === "response"
          ? { response: o.res }
          : { error: "error" in o ? o.error : undefined }),
      });
    }
    discard(o);
    metrics.retries++;
    stats.retries++;
    const waited = await backoff(delay);
    if (waited === "slept") return true;
    last = {
      kind: waited,
      error: waited === "aborted" ? callerSignal!.reason : deadlineError(),
      info: o.info,
    };
    return false;
  };

  /** Attempts until one settles the request or none may follow; the outcome is in `last`. */
  const run = async (): Promise<void> => {
    while (n < allowedAttempts) {
      const endpoint = pickEndpoint();
      const o = endpoint === null
        ? undefined
        : hedging
        ? await hedgedAttempt(n, endpoint)
        : await attemptOnce(n, endpoint, false);
      if (o === undefined || o.kind === "circuit") {
        // An open circuit fails nothing by itself: wait for it (or another endpoint's) to let
        // a request through, within the deadline.
        const breakers = viaRouter || o === undefined
          ? cfg.router!.endpoints.map((e) => e.breaker)
          : [o.breaker];
        const waited = await waitForCircuit(breakers);
        if (waited === "ready") continue;
        const info = last?.info ?? o?.info;
        if (waited === "aborted" && info !== undefined) {
          last = { kind: "aborted", error: callerSignal!.reason, info };
          return;
        }
        if (waited === "aborted") {
          stats.failures++;
          throw new ClientError("aborted", "request aborted", {
            method,
            cause: callerSignal!.reason,
          });
        }
        // Nothing can be sent before the deadline: report the last attempt's outcome if any.
        if (last !== undefined) return;
        stats.failures++;
        throw new ClientError(
          "circuit_open",
          o
            ? `circuit open for ${new URL(o.info.url).origin}`
            : "every endpoint's circuit breaker is open",
          { method, ...(o ? { url: o.info.url } : {}), attempts: metrics.attempts },
        );
      }
      n++;
      last = o;
      if (o.kind === "aborted" || o.kind === "deadline" || o.kind === "cancelled") return;
      if (!retryable(o) || n >= allowedAttempts) return;
      if (!(await waitToRetry(o))) return;
    }
  };

  await run();

  const o = last!;
  metrics.headersMs = now() - startedAt;
  stats.headersMs += metrics.headersMs;
  if (o.kind === "response") {
    if (!o.res.ok) stats.failures++;
    if (o.info.region !== undefined) metrics.region = o.info.region;
    // The deadline keeps bounding the body: it aborts the final attempt's fetch signal. The
    // timer does not hold the process up, and goes as soon as the body is read.
    let bodyTimer: Timeout | undefined;
    const bodyDeadline = (r: Response, ctrl: AbortController | undefined) => {
      if (ctrl === undefined || deadlineMs === null || r.body === null) return undefined;
      bodyTimer = timeouts.add(remaining(), () => ctrl.abort(deadlineError()), false);
      return ctrl.signal;
    };
    const deadline = bodyDeadline(o.res, o.ctrl);
    const ctx: ResponseContext = {
      method,
      url: o.info.url,
      requestId,
      traceId: trace.traceId,
      maxBodyBytes: cfg.maxBodyBytes,
      now,
      startedAt,
      onBody: (wire: number, decoded: number, done: boolean) => {
        stats.bytesReceivedWire += wire;
        stats.bytesReceived += decoded;
        if (done && bodyTimer) timeouts.delete(bodyTimer);
      },
    };
    if (idemHeader !== undefined) ctx.idempotencyKey = idemHeader;
    // After the headers only the deadline aborts this controller.
    if (deadline) ctx.deadline = deadline;
    if (callerSignal) ctx.signal = callerSignal;
    if (allowedAttempts > 1) {
      // A body that fails on the network before it was handed out is fetched again by the
      // next attempt (the request is replayable: an idempotent method or a keyed write).
      ctx.resend = async (error) => {
        if (n >= allowedAttempts) return null;
        try {
          if (!(await waitToRetry({ kind: "network", error, info: last!.info }))) return null;
          await run();
        } catch {
          return null;
        }
        const r = last!;
        if (r.kind !== "response") return null;
        if (r.info.region !== undefined) metrics.region = r.info.region;
        const signal = bodyDeadline(r.res, r.ctrl);
        return signal ? { raw: r.res, deadline: signal } : { raw: r.res };
      };
    }
    return new ClientResponse(o.res, ctx, metrics);
  }
  stats.failures++;
  const cause = o.kind === "circuit" ? undefined : o.error;
  const info = { method, url: o.info.url, attempts: metrics.attempts, cause };
  switch (o.kind) {
    case "aborted":
      throw new ClientError("aborted", "request aborted", info);
    case "deadline":
      throw new ClientError("deadline", `deadline of ${deadlineMs} ms passed`, info);
    case "timeout":
      throw new ClientError("timeout", `attempt timed out after ${timeoutMs} ms`, info);
    default:
      throw new ClientError(
        "network",
        `${method} ${o.info.url} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        info,
      );
  }
}
