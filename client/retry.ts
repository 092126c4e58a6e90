/**
 * When a request may be tried again: which methods, statuses and errors are transient.
 *
 * @module
 */

/** Retry settings of a client. */
export interface RetryOptions {
  /** Delay scale of the first retry, in ms; default 100. */
  baseMs?: number;
  /** Largest delay between attempts, in ms; default 5000. */
  capMs?: number;
  /** Total attempts per logical request, the first included; default 6. `1` disables retries. */
  attempts?: number;
  /** Statuses worth retrying; default 408, 425, 429, 500, 502, 503, 504. */
  statuses?: readonly number[];
  /** Longest `Retry-After`/`RateLimit` wait honoured, in ms; default 60000 (longer: give up). */
  maxServerDelayMs?: number;
}

/** The statuses retried by default (RFC 9110 semantics: the request was not acted on, or may be repeated). */
export const RETRYABLE_STATUSES: readonly number[] = [408, 425, 429, 500, 502, 503, 504];

/** Methods that RFC 9110 §9.2.2 defines as idempotent. */
const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"]);

/**
 * Whether a request may be sent again without risk of a repeated effect: idempotent methods
 * always; POST and PATCH only with an `Idempotency-Key` (the server deduplicates them).
 *
 * @example
 * ```ts
 * import { isReplayable } from "./retry.ts";
 * console.log(isReplayable("GET", new Headers())); // true
 * console.log(isReplayable("POST", new Headers())); // false
 * console.log(isReplayable("POST", new Headers({ "Idempotency-Key": '"k1"' }))); // true
 * ```
 */
export function isReplayable(method: string, headers: Headers): boolean {
  return isIdempotentMethod(method) || headers.has("idempotency-key");
}

/**
 * Whether RFC 9110 §9.2.2 defines the method as idempotent (any case).
 *
 * @example
 * ```ts
 * import { isIdempotentMethod } from "./retry.ts";
 * console.log(isIdempotentMethod("put"), isIdempotentMethod("POST")); // true false
 * ```
 */
export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT.has(method) || IDEMPOTENT.has(method.toUpperCase());
}

/**
 * Whether an error thrown by `fetch` is a transient network failure (connection refused or
 * reset, DNS, TLS): fetch reports all of these as a `TypeError` (Fetch standard "network
 * error"). Aborts and timeouts are `DOMException`s and are not network errors.
 *
 * @example
 * ```ts
 * import { isNetworkError } from "./retry.ts";
 * console.log(isNetworkError(new TypeError("error sending request"))); // true
 * console.log(isNetworkError(new DOMException("x", "AbortError"))); // false
 * ```
 */
export function isNetworkError(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  // Some runtimes surface socket failures as Deno.errors / Node system errors.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" &&
    ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN"].includes(code);
}
