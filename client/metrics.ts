/**
 * Per-request and per-client cost counters: attempts, time, bytes on the wire and decoded.
 *
 * @module
 */

import type { Client } from "./client.ts";
import type { ClientResponse } from "./response.ts";

export type RequestMetrics = ClientResponse["metrics"];

export type ClientStats = ReturnType<Client["stats"]>;

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
