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

// The entry point lists its names one by one: what a user composes by hand (factories, their
// options, stores and the interfaces for custom stores, errors with codes) and every type those
// signatures name. Building blocks (parsers, header formatters, trace ids, key helpers) stay in
// their folders; tools/public_api_test.ts holds this list to a budget.
export { AvilaError } from "@avila/compress";
export { ConfigurationError } from "../http/config_error.ts";
export {
  compression,
  type CompressionOptions,
  type ContentCoding,
  type RouteCompression,
  routeCompression,
} from "./compression/mod.ts";
export {
  API_KEY_PATTERN,
  type ApiKeyMode,
  type ApiKeyRecord,
  auth,
  AuthError,
  type AuthOptions,
  type AuthVariables,
  createJwtVerifier,
  isApiKeyFormat,
  issueApiKey,
  type JwtKey,
  type JwtKeyEntry,
  type JwtOptions,
  type JwtVerifier,
  type KeyStore,
  KvKeyStore,
  MemoryKeyStore,
  type Principal,
  principalOf,
  requireScopes,
  type Residency,
} from "./auth/mod.ts";
export {
  type CostGranularity,
  type CostLedger,
  CostLedgerError,
  type CostRecord,
  costTracking,
  type CostTrackingOptions,
  KvCostLedger,
  MemoryCostLedger,
  Prices,
  type PriceTable,
  type RegionalPrice,
  type UsageCounters,
  type UsageOptions,
  type UsageQuery,
  usageRoute,
  type UsageRow,
} from "./cost/mod.ts";
export { cors, type CorsOptions } from "./cors/mod.ts";
export {
  type BeginResult,
  idempotency,
  type IdempotencyOptions,
  type IdempotencyRecord,
  type IdempotencyStore,
  IdempotencyStoreError,
  MemoryIdempotencyStore,
  type StoredResponse,
} from "./idempotency/mod.ts";
export {
  applyPolicy,
  assertClientIpAvailable,
  clientIp,
  type ClientIpOptions,
  KvRateLimitStore,
  MemoryRateLimitStore,
  type PolicySet,
  rateLimit,
  type RateLimitDecision,
  RateLimitError,
  type RateLimitOptions,
  type RateLimitPolicy,
  type RateLimitState,
  type RateLimitStore,
  type ResolvedPolicy,
  TrustedProxies,
} from "./rate_limit/mod.ts";
export {
  type Region,
  RegionConfigError,
  RegionRegistry,
  regionRouting,
  type RegionRoutingOptions,
  type RegionVariables,
  type RegisteredRegion,
} from "./region/mod.ts";
export {
  type BreakerOptions,
  breakerReadiness,
  BreakerRegistry,
  type BreakerState,
  CircuitBreaker,
  Deadline,
  deadlineOf,
  loadShedding,
  type LoadSheddingOptions,
  timeout,
  type TimeoutOptions,
  type TimeoutVariables,
  waitingOnUpstream,
} from "./resilience/mod.ts";
export {
  type RedisConnectionOptions,
  RedisCostLedger,
  RedisIdempotencyStore,
  RedisKeyStore,
  RedisRateLimitStore,
} from "./redis/mod.ts";
export { secureHeaders, type SecureHeadersOptions } from "./secure_headers/mod.ts";
export {
  outgoingTrace,
  startTiming,
  telemetry,
  type TelemetryOptions,
  type TelemetryVariables,
  timing,
  type TraceContext,
} from "./telemetry/mod.ts";
