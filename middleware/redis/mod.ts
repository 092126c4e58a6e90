/**
 * Redis (and Valkey, and Redis Cluster) stores for self-hosted deployments of several
 * instances: rate limits, API keys, idempotency and usage, behind the same interfaces as the
 * memory and Deno KV stores.
 *
 * @module
 */

export {
  type RedisClientHandle,
  type RedisClusterHandle,
  type RedisConnectionOptions,
  RedisStoreError,
  type RedisStoreErrorCode,
} from "./_connection.ts";
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from "./rate_limit_store.ts";
export { RedisKeyStore, type RedisKeyStoreOptions } from "./key_store.ts";
export { RedisIdempotencyStore, type RedisIdempotencyStoreOptions } from "./idempotency_store.ts";
export { RedisCostLedger, type RedisCostLedgerOptions } from "./cost_ledger.ts";
