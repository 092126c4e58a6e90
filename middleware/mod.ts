/**
 * avx-http middleware: compression, AVL auth (JWT and API keys), rate limits, cost tracking,
 * region routing, telemetry, resilience (timeouts, load shedding, circuit breakers), CORS and
 * idempotency. Every middleware is a factory with defaulted options returning a named Hono
 * middleware.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { cors, telemetry } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(telemetry(), cors());
 * ```
 *
 * @module
 */

export { Algorithm } from "@avila/compress";
export {
  type AcceptedCoding,
  CODING_ALGORITHM,
  compression,
  type CompressionOptions,
  type ContentCoding,
  isCompressible,
  negotiateEncoding,
  parseAcceptEncoding,
  type RouteCompression,
  routeCompression,
} from "./compression/mod.ts";
export * from "./auth/mod.ts";
export * from "./cost/mod.ts";
export { cors, type CorsOptions, DEFAULT_EXPOSED_HEADERS } from "./cors/mod.ts";
export { ConfigurationError, type ConfigurationErrorCode } from "../http/config_error.ts";
export { AvilaError } from "@avila/compress";
export * from "./idempotency/mod.ts";
export * from "./rate_limit/mod.ts";
export {
  type RedisClientHandle,
  type RedisClusterHandle,
  type RedisConnectionOptions,
  RedisCostLedger,
  type RedisCostLedgerOptions,
  RedisIdempotencyStore,
  type RedisIdempotencyStoreOptions,
  RedisKeyStore,
  type RedisKeyStoreOptions,
  RedisRateLimitStore,
  type RedisRateLimitStoreOptions,
} from "./redis/mod.ts";
export * from "./region/mod.ts";
export * from "./resilience/mod.ts";
export { secureHeaders, type SecureHeadersOptions } from "./secure_headers/mod.ts";
export * from "./telemetry/mod.ts";
