/**
 * avx-http's resilient fetch client: retries with exponential backoff and full jitter,
 * per-attempt timeouts under a total deadline, `Retry-After` and `RateLimit` honoured,
 * idempotency keys for safe POST retries, zstd/lz4/snappy decoding and request compression,
 * W3C trace context and cost counters, regions with EWMA latency, failover and circuit
 * breakers, and hedged GETs.
 *
 * @example
 * ```ts
 * import { Client } from "@avila/avx-http/client";
 * const client = Client.builder()
 *   .baseUrl("https://api.example.com")
 *   .avlAuth("avl_test_0123456789abcdef")
 *   .compression(true)
 *   .fetch((req) => Promise.resolve(Response.json({ got: String(req) })))
 *   .build();
 * const res = await client.get("/v1/samples").query([["limit", "1000"]]).send();
 * console.log(res.ok, res.metrics.attempts); // true 1
 * ```
 *
 * @module
 */

export { AvilaError } from "@avila/compress/errors";
export { type BreakerOptions, type BreakerState, CircuitBreaker } from "../http/breaker.ts";
export { ConfigurationError } from "../http/config_error.ts";
export { Client, ClientBuilder } from "./client.ts";
export { RequestBuilder } from "./request.ts";
export { typedClient } from "./typed.ts";
export { ClientResponse } from "./response.ts";
export { ClientError } from "./errors.ts";
export type { RetryOptions } from "./retry.ts";
export { type Endpoint, type EndpointHealth, RegionRouter } from "./regions.ts";
export type { AttemptInfo, ClientHooks } from "./hooks.ts";
