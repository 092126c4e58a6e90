/**
 * Per-request and per-client cost counters: attempts, time, bytes on the wire and decoded.
 *
 * @module
 */

/** What one logical request cost. Byte counts of the response grow as its body is read. */
export interface RequestMetrics {
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
}

/** Totals over every request of a client (see `Client.stats()`). */
export interface ClientStats {
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
}

/**
 * A fresh all-zero {@link ClientStats}.
 *
 * @example
 * ```ts
 * import { emptyStats } from "./metrics.ts";
 * console.log(emptyStats().requests); // 0
 * ```
 */
export function emptyStats(): ClientStats {
  return {
    requests: 0,
    attempts: 0,
    retries: 0,
    hedges: 0,
    failures: 0,
    bytesSent: 0,
    bytesSentDecoded: 0,
    bytesReceivedWire: 0,
    bytesReceived: 0,
    headersMs: 0,
  };
}
