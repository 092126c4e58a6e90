/**
 * Redis (and Valkey, and Redis Cluster) stores for self-hosted deployments of several
 * instances: rate limits, API keys, idempotency and usage, behind the same interfaces as the
 * memory and Deno KV stores.
 *
 * @module
 */

export {
  type RedisConnectionOptions,
  RedisStoreError,
  type RedisStoreErrorCode,
} from "./_connection.ts";
export { RedisRateLimitStore } from "./rate_limit_store.ts";
export { RedisKeyStore } from "./key_store.ts";
export { RedisIdempotencyStore } from "./idempotency_store.ts";
export { RedisCostLedger } from "./cost_ledger.ts";
