/**
 * `ClientError`: the one error type the client throws or hands back, with a `code` saying
 * what went wrong and, for HTTP errors, the parsed RFC 9457 problem document.
 *
 * @module
 */

import { AvilaError } from "@avila/compress/errors";
import type { ProblemDetails } from "../http/problem.ts";

// The client reads the same RFC 9457 document the server writes (http/problem.ts).
export type ReceivedProblem = ProblemDetails;

/** Extra facts carried by a {@link ClientError}. */
export interface ClientErrorInit {
  /** The HTTP status, for `http` errors. */
  status?: number;
  /** The parsed problem+json body, when the server sent one. */
  problem?: ReceivedProblem;
  /** Attempts made for the logical request. */
  attempts?: number;
  /** The request's method. */
  method?: string;
  /** The request's URL. */
  url?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The client's error. `code` is stable and meant for programs; `message` is for people.
 *
 * @example
 * ```ts
 * import { ClientError } from "@avila/avx-http/client";
 * const e = new ClientError("http", "404 Not Found", { status: 404 });
 * console.log(e.code, e.status, e instanceof Error); // "http" 404 true
 * ```
 */
export class ClientError extends AvilaError<
  /** The server answered with a non-2xx status (see `status` and `problem`). */
  | "http"
  /** The connection failed: refused, reset, DNS, TLS (fetch's `TypeError`). */
  | "network"
  /** One attempt took longer than the per-attempt timeout (and no attempts were left). */
  | "timeout"
  /** The total deadline passed. */
  | "deadline"
  /** The caller's `AbortSignal` fired. */
  | "aborted"
  /** No circuit breaker of the request's endpoints lets it through before its deadline. */
  | "circuit_open"
  /** A response body was larger than the configured limit. */
  | "body_too_large"
  /** A response body could not be decoded (content coding, JSON, Arrow). */
  | "decode"
  /** The client or request was configured wrongly (bad URL, bad option). */
  | "invalid"
> {
  /** HTTP status for `http` errors. */
  readonly status?: number;
  /** The server's problem document, when it sent `application/problem+json`. */
  readonly problem?: ProblemDetails;
  /** Attempts made before giving up. */
  readonly attempts?: number;
  /** Method of the failed request. */
  readonly method?: string;
  /** URL of the failed request. */
  readonly url?: string;

  /**
   * Creates a client error.
   *
   * @param code machine-readable kind
   * @param message human explanation
   * @param init status, problem, attempts, cause
   */
  constructor(code: ClientError["code"], message: string, init: ClientErrorInit = {}) {
    super(code, message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "ClientError";
    if (init.status !== undefined) this.status = init.status;
    if (init.problem !== undefined) this.problem = init.problem;
    if (init.attempts !== undefined) this.attempts = init.attempts;
    if (init.method !== undefined) this.method = init.method;
    if (init.url !== undefined) this.url = init.url;
  }
}
