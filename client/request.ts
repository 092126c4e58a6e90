/**
 * `RequestBuilder`: one request of a `Client`, built fluently and sent with `send()`.
 *
 * @module
 */

import type { RequestSpec } from "./_config.ts";
import { copyHeaders, emptyHeaders, mergeHeaders, setHeader } from "./_headers.ts";
import { ClientError } from "./errors.ts";
import type { ClientResponse } from "./response.ts";

/** Sends a finished spec (the client's engine). */
export type SendFn = (spec: RequestSpec) => Promise<ClientResponse>;

/**
 * A request being built. Every setter returns the builder; `send()` runs it (retries and all).
 * A builder may be sent more than once: each `send()` is a new logical request.
 *
 * @example
 * ```ts
 * import { Client } from "@avila/avx-http/client";
 * const client = Client.builder()
 *   .baseUrl("https://api.example.com")
 *   .fetch(() => Promise.resolve(Response.json({ rows: 3 })))
 *   .build();
 * const res = await client.get("/v1/samples").query([["limit", "1000"]]).send();
 * console.log(res.status, await res.json()); // 200 { rows: 3 }
 * ```
 */
export class RequestBuilder {
  readonly #send: SendFn;
  readonly #spec: RequestSpec;

  /**
   * Prefer `client.get(...)` and friends.
   *
   * @param send the client's engine
   * @param method HTTP method
   * @param target absolute URL, or a path under the client's base URL / endpoints
   */
  constructor(send: SendFn, method: string, target: string | URL) {
    this.#send = send;
    this.#spec = {
      method,
      target,
      query: [],
      headers: emptyHeaders(),
      body: undefined,
      signal: undefined,
      idempotent: undefined,
      hedgeMs: undefined,
      timeoutMs: undefined,
      deadlineMs: undefined,
      attempts: undefined,
    };
  }

  /** Appends query parameters (pairs, a record, or `URLSearchParams`). */
  query(
    params: Iterable<readonly [string, string]> | Record<string, string> | URLSearchParams,
  ): this {
    const entries = params instanceof URLSearchParams
      ? params.entries()
      : Symbol.iterator in params
      ? params as Iterable<readonly [string, string]>
      : Object.entries(params);
    for (const [k, v] of entries) this.#spec.query.push([String(k), String(v)]);
    return this;
  }

  /**
   * Sets a header (replacing the client's default of the same name); a name or value fetch
   * would refuse is a `ClientError` `invalid`.
   */
  header(name: string, value: string): this {
    setHeader(this.#spec.headers, name, value);
    return this;
  }

  /** Sets several headers (names repeated within `init` are combined with ", "). */
  headers(init: HeadersInit): this {
    mergeHeaders(this.#spec.headers, init);
    return this;
  }

  /** A JSON body (`Content-Type: application/json`). */
  json(value: unknown): this {
    const text = JSON.stringify(value);
    if (text === undefined) {
      throw new ClientError("invalid", "the value cannot be serialised as JSON");
    }
    this.#spec.body = text;
    this.#spec.headers["content-type"] = "application/json";
    return this;
  }

  /**
   * A raw body. Bytes, strings, blobs and forms can be replayed by retries; a
   * `ReadableStream` is buffered up to the client's `maxReplayBytes` when retries may happen,
   * and sent once, without retries, when it is larger.
   */
  body(
    body:
      | string
      | Uint8Array
      | ArrayBuffer
      | ArrayBufferView
      | Blob
      | URLSearchParams
      | FormData
      | ReadableStream<Uint8Array>,
  ): this {
    this.#spec.body = body;
    return this;
  }

  /** Aborts the request (every attempt and wait) when the signal fires. */
  signal(signal: AbortSignal): this {
    this.#spec.signal = signal;
    return this;
  }

  /**
   * Sends an `Idempotency-Key`, the same on every attempt, so a POST or PATCH may be retried:
   * a new random key per `send()` (`true`, the default), or `key`, the caller's own key. Pass
   * your key when your application may send the write again after a failure (a restart, a
   * user's retry): the server then answers the repeat from its record instead of running the
   * write twice. `false` turns the client's default off for this request. A key is 1 to 255
   * printable ASCII characters (`ClientError` `invalid` otherwise).
   *
   * @example
   * ```ts
   * import { Client } from "@avila/avx-http/client";
   * const client = Client.builder()
   *   .baseUrl("https://api.example.com")
   *   .fetch((_url, init) =>
   *     Promise.resolve(Response.json({ key: new Headers(init?.headers).get("idempotency-key") }))
   *   )
   *   .build();
   * const res = await client.post("/v1/orders").json({ sku: "A-1" }).idempotent("order-7f3a")
   *   .send();
   * console.log(await res.json()); // { key: '"order-7f3a"' }
   * ```
   */
  idempotent(key: string | boolean = true): this {
    if (typeof key === "string") {
      // An sf-string Item (draft-ietf-httpapi-idempotency-key-header §2, RFC 9651 §3.3.3).
      if (!/^[\x20-\x7e]{1,255}$/.test(key)) {
        throw new ClientError(
          "invalid",
          "an idempotency key is 1 to 255 printable ASCII characters",
        );
      }
      this.#spec.headers["idempotency-key"] = `"${key.replace(/[\\"]/g, "\\$&")}"`;
      this.#spec.idempotent = true;
      return this;
    }
    if (key === false) delete this.#spec.headers["idempotency-key"];
    this.#spec.idempotent = key;
    return this;
  }

  /** Per-attempt timeout in ms for this request (`null`: none). */
  timeout(ms: number | null): this {
    this.#spec.timeoutMs = ms === null ? null : checkMs(ms, "timeout");
    return this;
  }

  /** Total deadline in ms for this request, retries and body included (`null`: none). */
  deadline(ms: number | null): this {
    this.#spec.deadlineMs = ms === null ? null : checkMs(ms, "deadline");
    return this;
  }

  /** Attempts for this request (1: no retries). */
  attempts(n: number): this {
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      throw new ClientError("invalid", "attempts must be 1..100");
    }
    this.#spec.attempts = n;
    return this;
  }

  /** Hedge this GET after `ms` without an answer (`null`: never). */
  hedge(ms: number | null): this {
    this.#spec.hedgeMs = ms === null ? null : checkMs(ms, "hedge");
    return this;
  }

  /** Sends the request. Non-2xx answers are returned, not thrown (see `throwIfError()`). */
  send(): Promise<ClientResponse> {
    const s = this.#spec;
    // A snapshot: the builder may be changed and sent again while this request runs.
    return this.#send({
      ...s,
      query: [...s.query],
      headers: copyHeaders(s.headers),
    });
  }
}

/** Validates a duration option in ms. */
export function checkMs(ms: number, what: string): number {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
    throw new ClientError("invalid", `${what} must be a non-negative number of ms`);
  }
  return ms;
}
