/**
 * `ClientResponse`: the answer to a logical request — status, headers, a body readable once
 * (decoded from zstd/lz4/snappy as it streams), typed readers, cost metrics, and typed errors
 * for non-2xx statuses without throwing by default.
 *
 * @module
 */

// Types only: `arrow()` loads the reader on first use, so a client that never reads Arrow does
// not carry @avila/arrow (a bundler splits it into its own chunk).
import type { IpcReadOptions, IpcReadResult } from "@avila/arrow";
import { type BodyCoding, classifyCoding, decodeStream, isCodecError } from "./_coding.ts";
import { ClientError, type ReceivedProblem } from "./errors.ts";

/** Default ceiling for bodies read whole (`bytes()`, `text()`, `json()`, `arrow()`): 64 MiB. */
export const DEFAULT_MAX_BODY_BYTES: number = 64 * 1024 * 1024;

/** Facts about the request a response answers (set by the client). */
export interface ResponseContext {
  /** Request method. */
  method: string;
  /** Final request URL. */
  url: string;
  /** `X-Request-Id` sent. */
  requestId: string;
  /** W3C trace id of the logical request. */
  traceId: string;
  /** `Idempotency-Key` sent, if any. */
  idempotencyKey?: string;
  /** Ceiling for decoded body bytes. */
  maxBodyBytes: number;
  /** Aborts when the request's total deadline passes (body reads included). */
  deadline?: AbortSignal;
  /** The caller's signal. */
  signal?: AbortSignal;
  /** Clock in ms, for `totalMs`. */
  now: () => number;
  /** When `send()` started, by `now`. */
  startedAt: number;
  /**
   * Called with body byte counts as they are read (wire, decoded), and once with `done` when
   * the body ends: read completely, found bodiless, or failed (the client then releases the
   * request's deadline timer).
   */
  onBody?: (wire: number, decoded: number, done: boolean) => void;
  /**
   * Sends the request again after its body failed on the network before any of it was handed
   * out (the client sets it for requests it may replay): the next attempt's response and its
   * deadline signal, or `null` when no attempt may follow.
   */
  resend?: (error: unknown) => Promise<ResentResponse | null>;
}

/** A later attempt's answer to a request whose body failed (see `ResponseContext.resend`). */
export interface ResentResponse {
  /** The fetch response of the new attempt. */
  raw: Response;
  /** Aborts when the request's total deadline passes. */
  deadline?: AbortSignal;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/** A pass-through transform that reports each chunk's size, and the end of the stream. */
function counter(
  onChunk: (n: number) => void,
  onEnd?: () => void,
): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      onChunk(chunk.byteLength);
      controller.enqueue(chunk);
    },
    flush: onEnd,
  });
}

// Stateless between calls (no `stream` option), so one decoder serves every response.
const utf8 = new TextDecoder();

/**
 * A response of the avx-http client.
 *
 * @example
 * ```ts
 * import { ClientResponse } from "@avila/avx-http/client";
 * const res = new ClientResponse(Response.json({ a: 1 }), {
 *   method: "GET", url: "http://x/", requestId: "r1", traceId: "t1",
 *   maxBodyBytes: 1 << 20, now: Date.now, startedAt: Date.now(),
 * }, { attempts: 1, retries: 0, hedges: 0, headersMs: 1, totalMs: null, bytesSent: 0,
 *   bytesSentDecoded: 0, bytesReceivedWire: 0, bytesReceived: 0 });
 * console.log(res.ok, await res.json()); // true { a: 1 }
 * ```
 */
export class ClientResponse {
  #raw: Response;
  /** HTTP status. */
  readonly status: number;
  /** Response headers (as received; `Content-Encoding` still names the wire coding). */
  readonly headers: Headers;
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** Final request URL. */
  readonly url: string;
  /** Request method. */
  readonly method: string;
  /** `X-Request-Id` sent with the request. */
  readonly requestId: string;
  /** Trace id of the logical request. */
  readonly traceId: string;
  /** `Idempotency-Key` sent with the request, if any. */
  readonly idempotencyKey?: string;
  /** Cost of the request; response byte counts grow as the body is read. */
  readonly metrics: {
    /** Attempts sent (hedged duplicates included). */
    attempts: number;
    /** Retries after a failed attempt. */
    retries: number;
    /** Hedged duplicate attempts started. */
    hedges: number;
    /** Time from `send()` to the final response's headers, in ms. */
    headersMs: number;
    /** Time from `send()` until the body was fully read, in ms; `null` until then. */
    totalMs: number | null;
    /** Request body bytes put on the wire, all attempts together (after compression). */
    bytesSent: number;
    /** Request body bytes before compression, all attempts together. */
    bytesSentDecoded: number;
    /** Response body bytes received on the wire (before content decoding) so far. */
    bytesReceivedWire: number;
    /** Response body bytes after content decoding so far. */
    bytesReceived: number;
    /** Region of the endpoint that answered, when regions are configured. */
    region?: string;
  };
  readonly #ctx: ResponseContext;
  readonly #coding: BodyCoding;
  #bodyUsed = false;
  #bytes: Promise<Uint8Array> | undefined;
  #finished = false;
  #deadline: AbortSignal | undefined;

  /**
   * Wraps the final attempt's response (the client does this).
   *
   * @param raw the fetch response of the final attempt
   * @param ctx request facts and limits
   * @param metrics cost so far
   */
  constructor(raw: Response, ctx: ResponseContext, metrics: ClientResponse["metrics"]) {
    this.#raw = raw;
    if (ctx.deadline) this.#deadline = ctx.deadline;
    this.status = raw.status;
    this.headers = raw.headers;
    this.ok = raw.ok;
    this.url = ctx.url;
    this.method = ctx.method;
    this.requestId = ctx.requestId;
    this.traceId = ctx.traceId;
    if (ctx.idempotencyKey !== undefined) this.idempotencyKey = ctx.idempotencyKey;
    this.metrics = metrics;
    this.#ctx = ctx;
    this.#coding = classifyCoding(raw.headers.get("content-encoding"));
  }

  /**
   * The underlying fetch `Response` (its body may be content-coded; prefer `body`): the final
   * attempt's, which is a later one when a body that failed on the network was fetched again.
   */
  get raw(): Response {
    return this.#raw;
  }

  /** Whether the body was taken (by `body`, a reader, or `toResponse()`). */
  get bodyUsed(): boolean {
    return this.#bodyUsed;
  }

  /** The body ended: reading it completely (`complete`) sets `totalMs`. */
  #finish(complete: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    if (complete) this.metrics.totalMs = this.#ctx.now() - this.#ctx.startedAt;
    this.#ctx.onBody?.(0, 0, true);
  }

  #count(wire: number, decoded: number): void {
    this.metrics.bytesReceivedWire += wire;
    this.metrics.bytesReceived += decoded;
    this.#ctx.onBody?.(wire, decoded, false);
  }

  /** At the end of a body the runtime decoded: its wire size is the declared length, if any. */
  #end(): void {
    if (this.#coding.kind === "runtime") {
      const len = Number(this.#raw.headers.get("content-length") ?? NaN);
      if (Number.isSafeInteger(len) && len >= 0) {
        const delta = len - this.metrics.bytesReceivedWire;
        this.metrics.bytesReceivedWire = len;
        this.#ctx.onBody?.(delta, 0, false);
      }
    }
    this.#finish(true);
  }

  /** Takes the raw body (once); `null` for a bodiless response. */
  #takeRaw(): ReadableStream<Uint8Array> | null {
    if (this.#bodyUsed) throw new ClientError("invalid", "the response body was already used");
    this.#bodyUsed = true;
    const raw = this.#raw.body;
    if (raw === null) this.#finish(true);
    return raw;
  }

  /** The decoded body as a stream whose bytes are counted as it is read. */
  #take(): ReadableStream<Uint8Array> | null {
    const raw = this.#takeRaw();
    if (raw === null) return null;
    const end = () => this.#end();
    if (this.#coding.kind === "ours") {
      const wire = raw.pipeThrough(counter((n) => this.#count(n, 0)));
      return decodeStream(wire, this.#coding.algorithm, this.#ctx.maxBodyBytes)
        .pipeThrough(counter((n) => this.#count(0, n), end));
    }
    // Runtime-decoded bodies count decoded bytes as wire too until #end knows the real size.
    return raw.pipeThrough(counter((n) => this.#count(n, n), end));
  }

  /**
   * The decoded body as a stream (readable once), or `null` for bodiless responses. zstd, lz4
   * and x-snappy-framed are decoded here, gzip/br/deflate by the runtime's fetch.
   */
  get body(): ReadableStream<Uint8Array> | null {
    return this.#take();
  }

  #fail(error: unknown): ClientError {
    this.#finish(false);
    if (error instanceof ClientError) return error;
    const info = { method: this.method, url: this.url, cause: error };
    if (this.#ctx.signal?.aborted) return new ClientError("aborted", "request aborted", info);
    if (this.#deadline?.aborted) {
      return new ClientError("deadline", "deadline passed while reading the body", info);
    }
    if (isCodecError(error)) {
      return error.code === "limit"
        ? new ClientError(
          "body_too_large",
          `decoded body over ${this.#ctx.maxBodyBytes} bytes`,
          info,
        )
        : new ClientError(
          "decode",
          `cannot decode ${
            this.#coding.kind === "ours" ? this.#coding.coding : "body"
          }: ${error.message}`,
          info,
        );
    }
    return new ClientError("network", `reading the body failed: ${String(error)}`, info);
  }

  /**
   * Asks the client for a new attempt after a network failure of the body; true when its
   * response took this one's place (same status and content coding, so it answers alike).
   */
  async #resend(error: unknown): Promise<boolean> {
    const resend = this.#ctx.resend;
    if (resend === undefined || !(error instanceof ClientError) || error.code !== "network") {
      return false;
    }
    const next = await resend(error.cause);
    if (next === null) return false;
    if (
      next.raw.status !== this.status ||
      next.raw.headers.get("content-encoding") !== this.#raw.headers.get("content-encoding")
    ) {
      await next.raw.body?.cancel().catch(() => {});
      this.#ctx.onBody?.(0, 0, true);
      return false;
    }
    this.#raw = next.raw;
    this.#deadline = next.deadline;
    this.#bodyUsed = false;
    this.#finished = false;
    return true;
  }

  /**
   * The whole body. When reading it fails on the network, nothing of it was handed out yet, so
   * the client may send the request again (replayable requests, within attempts and deadline)
   * and this reads the new body.
   */
  async #readAll(): Promise<Uint8Array> {
    if (this.#bodyUsed) throw new ClientError("invalid", "the response body was already used");
    const max = this.#ctx.maxBodyBytes;
    const kind = this.#coding.kind;
    if (kind === "unsupported") {
      this.#bodyUsed = true;
      await this.#raw.body?.cancel().catch(() => {});
      throw this.#fail(
        new ClientError("decode", `unsupported Content-Encoding: ${this.#coding.coding}`, {
          method: this.method,
          url: this.url,
        }),
      );
    }
    const declared = kind === "identity"
      ? Number(this.#raw.headers.get("content-length") ?? NaN)
      : NaN;
    if (Number.isSafeInteger(declared) && declared > max) {
      this.#bodyUsed = true;
      await this.#raw.body?.cancel().catch(() => {});
      throw this.#fail(
        new ClientError("body_too_large", `body of ${declared} bytes over the ${max} limit`, {
          method: this.method,
          url: this.url,
          status: this.status,
        }),
      );
    }
    const raw = this.#takeRaw();
    if (raw === null) return new Uint8Array(0);
    if (Number.isSafeInteger(declared)) {
      // Declared length within the limit: let the runtime read it in one go (much cheaper than
      // a JS reader loop); fetch itself fails a body that does not match its Content-Length.
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await this.#raw.arrayBuffer());
      } catch (e) {
        const error = this.#fail(e);
        if (await this.#resend(error)) return this.#readAll();
        throw error;
      }
      this.#count(bytes.byteLength, bytes.byteLength);
      this.#finish(true);
      return bytes;
    }
    // Otherwise read chunk by chunk, counting here rather than through a counting stream (a
    // TransformStream and its pipe cost more than the rest of a small request). Only our own
    // codings need a pipe: wire bytes are counted before the decoder, decoded bytes here.
    let stream = raw;
    if (kind === "ours") {
      const wire = raw.pipeThrough(counter((n) => this.#count(n, 0)));
      stream = decodeStream(wire, this.#coding.algorithm, max);
    }
    // Runtime-decoded bodies count decoded bytes as wire too until #end knows the real size.
    const wireToo = kind !== "ours";
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        this.#count(wireToo ? value.byteLength : 0, value.byteLength);
        if (total > max) {
          await reader.cancel().catch(() => {});
          throw new ClientError("body_too_large", `body over the ${max} byte limit`, {
            method: this.method,
            url: this.url,
            status: this.status,
          });
        }
        chunks.push(value);
      }
    } catch (e) {
      const error = this.#fail(e);
      if (await this.#resend(error)) return this.#readAll();
      throw error;
    }
    this.#end();
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }

  /** The whole decoded body (read once, then cached: every reader may be called again). */
  bytes(): Promise<Uint8Array> {
    return this.#bytes ??= this.#readAll();
  }

  /** The body as UTF-8 text. */
  async text(): Promise<string> {
    return utf8.decode(await this.bytes());
  }

  /** The body parsed as JSON; a `ClientError` `decode` when it is not JSON. */
  async json<T = unknown>(): Promise<T> {
    const text = await this.text();
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new ClientError("decode", "the response body is not valid JSON", {
        method: this.method,
        url: this.url,
        status: this.status,
        cause: e,
      });
    }
  }

  /**
   * The body read as Apache Arrow IPC through avx-http's columnar reader: the stream format
   * (`application/vnd.apache.arrow.stream`), or the file format when the response says
   * `application/vnd.apache.arrow.file`. Unless `options.limits` say otherwise, the read
   * may allocate 16 MiB plus 16 times the body for decoded buffers and hold 2^20 plus 32 values
   * per body byte (what a server allows a request body); past them: `decode`.
   */
  async arrow(options?: IpcReadOptions): Promise<IpcReadResult> {
    const bytes = await this.bytes();
    const { ArrowError, readIpcFile, readIpcStream } = await import("@avila/arrow");
    const type = this.headers.get("content-type") ?? "";
    // The defaults readArrowBody (@avila/arrow) gives a request body of this size, so a small
    // body cannot make the client allocate gigabytes (compressed buffers, run-end encoded rows).
    // Kept in step by hand: @avila/arrow keeps its default constants private.
    const read: IpcReadOptions = {
      ...options,
      limits: {
        maxOutputSize: 16 * 1024 * 1024 + 16 * bytes.length,
        maxValues: 2 ** 20 + 32 * bytes.length,
        ...options?.limits,
      },
    };
    try {
      return type.includes("vnd.apache.arrow.file")
        ? readIpcFile(bytes, read)
        : readIpcStream(bytes, read);
    } catch (e) {
      if (e instanceof ArrowError) {
        throw new ClientError("decode", `invalid Arrow IPC body: ${e.message}`, {
          method: this.method,
          url: this.url,
          status: this.status,
          cause: e,
        });
      }
      throw e;
    }
  }

  /**
   * `null` for a 2xx response; otherwise a `ClientError` `http` with the status and the parsed
   * problem+json body (RFC 9457) when the server sent one. Reads the body (cached).
   */
  async error(): Promise<ClientError | null> {
    if (this.ok) return null;
    let problem: ReceivedProblem | undefined;
    const type = this.headers.get("content-type") ?? "";
    if (type.includes("json")) {
      try {
        const v = JSON.parse(await this.text());
        if (v !== null && typeof v === "object" && !Array.isArray(v)) problem = v;
      } catch {
        // a body that is not a problem document still yields an http error
      }
    }
    const title = typeof problem?.title === "string" ? problem.title : this.#raw.statusText;
    const detail = typeof problem?.detail === "string" ? `: ${problem.detail}` : "";
    return new ClientError(
      "http",
      `${this.method} ${this.url} → ${this.status} ${title}${detail}`,
      {
        status: this.status,
        problem,
        attempts: this.metrics.attempts,
        method: this.method,
        url: this.url,
      },
    );
  }

  /** Returns this response when 2xx, or throws its {@link error}. */
  async throwIfError(): Promise<this> {
    const e = await this.error();
    if (e) throw e;
    return this;
  }

  /**
   * A standard `Response` with the decoded body (our codings' `Content-Encoding` and
   * `Content-Length` removed), for code that expects fetch's type.
   */
  toResponse(): Response {
    const headers = new Headers(this.headers);
    if (this.#coding.kind === "ours") {
      headers.delete("content-encoding");
      headers.delete("content-length");
    }
    const body = NULL_BODY_STATUS.has(this.status) ? null : this.#take();
    return new Response(body, { status: this.status, statusText: this.#raw.statusText, headers });
  }
}
