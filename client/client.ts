/**
 * `Client`: the resilient fetch client for avx-http services — retries with backoff and
 * jitter, deadlines, `Retry-After`, idempotency keys, compression, telemetry, regions with
 * failover and circuit breakers, hedged GETs.
 *
 * @module
 */

import { send } from "./_send.ts";
import { copyHeaders, emptyHeaders, setHeader } from "./_headers.ts";
import { TimeoutQueue } from "./_timeouts.ts";
import { type ClientConfig, type ClientState, defaultSleep } from "./_config.ts";
import type { BodyInput } from "./body.ts";
import type { BreakerOptions } from "../http/breaker.ts";
import { ClientError } from "./errors.ts";
import type { ClientHooks } from "./hooks.ts";
import { emptyStats } from "./metrics.ts";
import { type Endpoint, RegionRouter } from "./regions.ts";
import { checkMs, RequestBuilder } from "./request.ts";
import { DEFAULT_MAX_BODY_BYTES } from "./response.ts";
import { RETRYABLE_STATUSES, type RetryOptions } from "./retry.ts";

type CompressionSettings = Exclude<Parameters<ClientBuilder["compression"]>[0], boolean>;

/** Attempts per logical request unless `retry({ attempts })` says otherwise. */
const DEFAULT_ATTEMPTS = 6;
/** Failure rate that opens a client's breaker unless its options choose a mode. */
const DEFAULT_FAILURE_RATE = 0.5;

const API_KEY = /^avl_(live|test)_[A-Za-z0-9_-]{8,200}$/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Configures a {@link Client}. Every setting has a default: 6 attempts, backoff base 100 ms and
 * cap 5 s, 30 s per attempt, 120 s deadline, breakers on (open at a 50% failure rate over 10 s
 * once 20 outcomes were seen, 30 s open), no hedging, no compression, 64 MiB body limit, 1 MiB
 * replay buffer for streamed bodies.
 *
 * Six attempts ride out a lossy network (a third of connections failing leaves about 1 write
 * in 700 failed); the breaker and backoff keep retries from piling onto a server that is down.
 *
 * @example
 * ```ts
 * import { Client } from "@avila/avx-http/client";
 * const client = Client.builder()
 *   .avlAuth("avl_test_0123456789abcdef")
 *   .endpoints([
 *     { region: "br-saopaulo-1", url: "https://sp.api.example.com" },
 *     { region: "us-east-1", url: "https://va.api.example.com" },
 *   ])
 *   .region("br-saopaulo-1")
 *   .compression(true)
 *   .retry({ attempts: 4, baseMs: 50, capMs: 2000 })
 *   .timeout(5_000)
 *   .deadline(20_000)
 *   .build();
 * console.log(client.router?.endpoints.length); // 2
 * ```
 */
export class ClientBuilder {
  #baseUrl: string | undefined;
  #endpoints: Endpoint[] | undefined;
  #region: string | undefined;
  #headers = emptyHeaders();
  #retry: RetryOptions = {};
  #timeoutMs: number | null = 30_000;
  #deadlineMs: number | null = 120_000;
  #hooks: ClientHooks = {};
  #fetch: ClientConfig["fetch"] | undefined;
  #random: () => number = Math.random;
  #now: () => number = Date.now;
  #sleep: ClientConfig["sleep"] = defaultSleep;
  #compression: CompressionSettings | false = false;
  #idempotent = false;
  #breaker: BreakerOptions | false = {};
  #hedgeMs: number | null = null;
  #maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
  #maxReplayBytes = 1024 * 1024;
  #ewmaAlpha: number | undefined;

  /** Base URL for relative request paths (one endpoint). */
  baseUrl(url: string | URL): this {
    this.#baseUrl = String(url);
    return this;
  }

  /** Ordered endpoints of the service, one per region (fail over in this order). */
  endpoints(list: readonly Endpoint[]): this {
    this.#endpoints = list.map((e) => ({ region: e.region, url: e.url }));
    return this;
  }

  /** Preferred region (tried first while healthy); a label when no endpoints are set. */
  region(name: string): this {
    this.#region = name;
    return this;
  }

  /** Sends `X-AVL-API-Key: <key>`; keys look like `avl_live_...` or `avl_test_...`. */
  avlAuth(key: string): this {
    if (!API_KEY.test(key)) {
      throw new ClientError("invalid", "an avx API key looks like avl_live_... or avl_test_...");
    }
    this.#headers["x-avl-api-key"] = key;
    return this;
  }

  /** Sends `Authorization: Bearer <token>` (a JWT or other token68). */
  bearer(token: string): this {
    if (!TOKEN68.test(token)) throw new ClientError("invalid", "a bearer token must be token68");
    this.#headers["authorization"] = `Bearer ${token}`;
    return this;
  }

  /** A header sent with every request (a name or value fetch would refuse: `invalid`). */
  header(name: string, value: string): this {
    setHeader(this.#headers, name, value);
    return this;
  }

  /** Retry policy: attempts (first included), backoff base and cap, statuses, server delay cap. */
  retry(options: RetryOptions): this {
    if (options.attempts !== undefined) {
      if (!Number.isInteger(options.attempts) || options.attempts < 1 || options.attempts > 100) {
        throw new ClientError("invalid", "retry attempts must be an integer 1..100");
      }
    }
    if (options.baseMs !== undefined) checkMs(options.baseMs, "retry baseMs");
    if (options.capMs !== undefined) checkMs(options.capMs, "retry capMs");
    if (options.maxServerDelayMs !== undefined) {
      checkMs(options.maxServerDelayMs, "maxServerDelayMs");
    }
    this.#retry = { ...this.#retry, ...options };
    return this;
  }

  /** Per-attempt timeout until response headers, in ms (`null`: none). Default 30 s. */
  timeout(ms: number | null): this {
    this.#timeoutMs = ms === null ? null : checkMs(ms, "timeout");
    return this;
  }

  /** Total deadline of a logical request (attempts, waits and body), in ms. Default 120 s. */
  deadline(ms: number | null): this {
    this.#deadlineMs = ms === null ? null : checkMs(ms, "deadline");
    return this;
  }

  /** Hooks around attempts and retries. */
  hooks(hooks: ClientHooks): this {
    this.#hooks = { ...this.#hooks, ...hooks };
    return this;
  }

  /** The fetch implementation (default the global `fetch`). */
  fetch(fn: (input: Request | URL | string, init?: RequestInit) => Promise<Response>): this {
    this.#fetch = fn;
    return this;
  }

  /** Random source in [0, 1) for jitter (inject a seeded PRNG in tests). */
  random(fn: () => number): this {
    this.#random = fn;
    return this;
  }

  /** Clock in ms (metrics, breakers, deadline arithmetic); default `Date.now`. */
  clock(fn: () => number): this {
    this.#now = fn;
    return this;
  }

  /** How to wait between attempts; must reject with the signal's reason when it aborts. */
  sleep(fn: (ms: number, signal?: AbortSignal) => Promise<void>): this {
    this.#sleep = fn;
    return this;
  }

  /**
   * Compression: `true` advertises zstd, br, gzip, lz4 and x-snappy-framed and decodes them,
   * and sends request bodies of 1 KiB or more as zstd.
   */
  compression(
    settings: boolean | {
      /** Advertise `Accept-Encoding: zstd, br, gzip, lz4, x-snappy-framed` and decode; default true. */
      responses?: boolean;
      /** Coding of large request bodies, or `false` for none; default `"zstd"`. */
      requests?: "zstd" | "gzip" | false;
      /** Smallest request body compressed, in bytes; default 1024. */
      threshold?: number;
    },
  ): this {
    this.#compression = settings === true ? {} : settings;
    return this;
  }

  /** Send an `Idempotency-Key` with every POST and PATCH, so they may be retried. */
  idempotent(enabled = true): this {
    this.#idempotent = enabled;
    return this;
  }

  /**
   * Circuit breaker per origin (`false` to disable). Unless `failureThreshold` or
   * `failureRate` is given, it opens at a 50% failure rate over its window (default 10 s) once
   * it saw `volumeThreshold` (default 20) outcomes: a run of consecutive failures among many
   * concurrent requests says little about a server that answers most of them. An open circuit
   * makes requests wait for its half-open probe within their deadline; it fails them at once
   * only when the probe would come after the deadline.
   */
  breaker(options: BreakerOptions | false): this {
    this.#breaker = options;
    return this;
  }

  /** Hedge GETs: after `ms` without response headers, ask another endpoint too. */
  hedge(ms: number | null): this {
    this.#hedgeMs = ms === null ? null : checkMs(ms, "hedge");
    return this;
  }

  /**
   * Largest decoded response body read whole by `bytes()`/`json()`/...; default 64 MiB. The same
   * name as the decoded-size limit of `@avila/compress`, `@avila/arrow` and `compression()`.
   */
  maxOutputSize(bytes: number): this {
    this.#maxBodyBytes = checkMs(bytes, "maxOutputSize");
    return this;
  }

  /**
   * Old name of {@link maxOutputSize}.
   *
   * @deprecated Use `maxOutputSize(bytes)`; this alias goes away in the next release.
   */
  maxBodyBytes(bytes: number): this {
    return this.maxOutputSize(bytes);
  }

  /** Largest streamed request body buffered so it can be retried; default 1 MiB. */
  maxReplayBytes(bytes: number): this {
    this.#maxReplayBytes = checkMs(bytes, "maxReplayBytes");
    return this;
  }

  /** Weight of a new latency sample in the endpoints' EWMA (0..1]; default 0.3. */
  latencySmoothing(alpha: number): this {
    if (!(alpha > 0 && alpha <= 1)) throw new ClientError("invalid", "alpha must be in (0, 1]");
    this.#ewmaAlpha = alpha;
    return this;
  }

  /** Validates the settings and returns the client. */
  build(): Client {
    const b = this.#breaker;
    const breaker: BreakerOptions | false = b === false
      ? false
      : b.failureThreshold === undefined && b.failureRate === undefined
      ? { failureRate: DEFAULT_FAILURE_RATE, ...b, now: b.now ?? this.#now }
      : { ...b, now: b.now ?? this.#now };
    let router: RegionRouter | undefined;
    const list = this.#endpoints ??
      (this.#baseUrl !== undefined
        ? [{ region: this.#region ?? "default", url: this.#baseUrl }]
        : undefined);
    if (list !== undefined) {
      try {
        router = new RegionRouter(list, {
          ...(this.#endpoints && this.#region !== undefined ? { preferred: this.#region } : {}),
          breaker: breaker !== false ? breaker : { failureThreshold: Number.MAX_SAFE_INTEGER },
          ...(this.#ewmaAlpha !== undefined ? { alpha: this.#ewmaAlpha } : {}),
        });
      } catch (e) {
        throw new ClientError("invalid", e instanceof Error ? e.message : String(e), { cause: e });
      }
    }
    const c = this.#compression;
    const r = this.#retry;
    const config: ClientConfig = {
      router,
      region: this.#region,
      headers: copyHeaders(this.#headers),
      attempts: r.attempts ?? DEFAULT_ATTEMPTS,
      baseMs: r.baseMs ?? 100,
      capMs: r.capMs ?? 5000,
      statuses: new Set(r.statuses ?? RETRYABLE_STATUSES),
      maxServerDelayMs: r.maxServerDelayMs ?? 60_000,
      timeoutMs: this.#timeoutMs,
      deadlineMs: this.#deadlineMs,
      hooks: { ...this.#hooks },
      fetch: this.#fetch ?? ((input, init) => fetch(input, init)),
      random: this.#random,
      now: this.#now,
      sleep: this.#sleep,
      acceptEncoding: c !== false && c.responses !== false,
      requestCoding: c === false || c.requests === false ? null : (c.requests ?? "zstd"),
      compressThreshold: c === false ? Infinity : (c.threshold ?? 1024),
      idempotent: this.#idempotent,
      breaker,
      hedgeMs: this.#hedgeMs,
      maxBodyBytes: this.#maxBodyBytes,
      maxReplayBytes: this.#maxReplayBytes,
    };
    return new Client(config);
  }
}

/**
 * The avx-http client. Build one with {@link Client.builder}, then `client.get(url).send()`.
 * Non-2xx answers (after retries) come back as responses; `await res.throwIfError()` turns them
 * into a `ClientError` with the server's problem details.
 *
 * @example
 * ```ts
 * import { Client } from "@avila/avx-http/client";
 * let calls = 0;
 * const client = Client.builder()
 *   .baseUrl("https://api.example.com")
 *   .retry({ attempts: 3, baseMs: 1 })
 *   .fetch(() => Promise.resolve(
 *     ++calls < 2 ? new Response("busy", { status: 503 }) : Response.json({ ok: true }),
 *   ))
 *   .build();
 * const res = await client.get("/v1/health").send();
 * console.log(res.status, res.metrics.attempts); // 200 2
 * ```
 */
export class Client {
  readonly #config: ClientConfig;
  readonly #state: ClientState = {
    stats: emptyStats(),
    breakers: new Map(),
    hrefs: new WeakMap(),
    timeouts: new TimeoutQueue(),
  };
  readonly #send = (spec: Parameters<typeof send>[2]) => send(this.#config, this.#state, spec);

  /**
   * Prefer {@link Client.builder}.
   *
   * @param config resolved settings (internal shape)
   */
  constructor(config: ClientConfig) {
    this.#config = config;
  }

  /** A new builder. */
  static builder(): ClientBuilder {
    return new ClientBuilder();
  }

  /** The region router, when a base URL or endpoints are configured. */
  get router(): RegionRouter | undefined {
    return this.#config.router;
  }

  /** A request with any method. */
  request(method: string, url: string | URL): RequestBuilder {
    return new RequestBuilder(this.#send, method, url);
  }
  /** A GET request. */
  get(url: string | URL): RequestBuilder {
    return this.request("GET", url);
  }
  /** A HEAD request. */
  head(url: string | URL): RequestBuilder {
    return this.request("HEAD", url);
  }
  /** A POST request (retried only with an idempotency key). */
  post(url: string | URL): RequestBuilder {
    return this.request("POST", url);
  }
  /** A PUT request. */
  put(url: string | URL): RequestBuilder {
    return this.request("PUT", url);
  }
  /** A PATCH request (retried only with an idempotency key). */
  patch(url: string | URL): RequestBuilder {
    return this.request("PATCH", url);
  }
  /** A DELETE request. */
  delete(url: string | URL): RequestBuilder {
    return this.request("DELETE", url);
  }

  /**
   * fetch-compatible entry point (usable as Hono's `hc` `fetch` option): the same retries,
   * deadlines and decoding, returning a standard `Response` with the decoded body.
   */
  fetch = async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    const isReq = input instanceof Request;
    const method = init?.method ?? (isReq ? input.method : "GET");
    const b = this.request(method, isReq ? input.url : input);
    if (isReq) b.headers(input.headers);
    if (init?.headers) b.headers(init.headers);
    const body = init?.body !== undefined ? init.body : isReq ? input.body : null;
    if (body !== null && body !== undefined) b.body(body as BodyInput);
    const signal = init?.signal ?? (isReq ? input.signal : undefined);
    if (signal) b.signal(signal);
    return (await b.send()).toResponse();
  };

  /** Totals over every request of this client (a snapshot). */
  stats(): {
    /** Logical requests started. */
    requests: number;
    /** Attempts sent. */
    attempts: number;
    /** Retries. */
    retries: number;
    /** Hedged duplicates. */
    hedges: number;
    /** Logical requests that ended in a thrown `ClientError` or a non-2xx response. */
    failures: number;
    /** Request body bytes on the wire. */
    bytesSent: number;
    /** Request body bytes before compression. */
    bytesSentDecoded: number;
    /** Response body bytes on the wire. */
    bytesReceivedWire: number;
    /** Response body bytes decoded. */
    bytesReceived: number;
    /** Sum of time to final response headers, in ms. */
    headersMs: number;
  } {
    return { ...this.#state.stats };
  }
}
