/**
 * `RedisRateLimitStore`: rate-limit state in Redis (or Valkey, or a Redis Cluster), checked and
 * updated by one Lua script per request.
 *
 * @module
 */

import { MAX_RATE_LIMIT_KEY_LENGTH } from "../rate_limit/memory_store.ts";
import { RateLimitError, type ResolvedPolicy } from "../rate_limit/policy.ts";
import type { RateLimitDecision, RateLimitStore } from "../rate_limit/store.ts";
import {
  keyPart,
  RedisConnection,
  type RedisConnectionOptions,
  redisReadiness,
  RedisScript,
} from "./_connection.ts";

/**
 * Options of {@link RedisRateLimitStore}: where Redis is (`url` or `client`), the per-call
 * time budget, and the key prefix.
 *
 * @example
 * ```ts
 * import type { RedisRateLimitStoreOptions } from "@avila/avx-http/middleware";
 * const o: RedisRateLimitStoreOptions = { url: "redis://127.0.0.1:6379", timeoutMs: 200 };
 * console.log(o.prefix ?? "avx:rl"); // "avx:rl"
 * ```
 */
export interface RedisRateLimitStoreOptions extends RedisConnectionOptions {
  /** Key prefix; default `"avx:rl"`. */
  prefix?: string;
  /**
   * Whose clock decides: `"server"` (default) reads Redis' `TIME` inside the script, so instances
   * whose clocks disagree still enforce one limit; `"caller"` uses the `nowMs` each call passes
   * (an injected clock, as the memory store does).
   */
  clock?: "server" | "caller";
}

// The algorithms of ../rate_limit/gcra.ts and ../rate_limit/sliding_window.ts, step for step in
// Lua (doubles, like JavaScript numbers), so every store decides alike. State: "t p c" in one
// string with 17 significant digits (round-trips a double). Redis 7 replicates a script by its
// effects (the SET), so reading TIME before writing is allowed and replicas get the same state.
const CONSUME = new RedisScript(`
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local algorithm = ARGV[2]
local limit = tonumber(ARGV[3])
local w = tonumber(ARGV[4])
local burst = tonumber(ARGV[5])
local cost = tonumber(ARGV[6])
local need = tonumber(ARGV[7])
local st, sp, sc
local raw = redis.call('GET', KEYS[1])
if raw then
  local a, b, c = string.match(raw, '^(%S+) (%S+) (%S+)$')
  st, sp, sc = tonumber(a), tonumber(b), tonumber(c)
  if st == nil or sp == nil or sc == nil then st = nil end
end
local allowed, remaining, reset, retry, expires
local nt, np, nc
if algorithm == 'gcra' then
  local EPS = 1e-6
  local interval = w / limit
  local capacity = burst * interval
  local stored = now
  if st ~= nil then stored = st end
  local tat = now
  if stored > now then tat = stored end
  if tat + need * interval - now > capacity + EPS then
    local wait = tat + need * interval - capacity - now
    allowed, remaining = 0, 0
    reset = math.ceil((tat - now) / 1000)
    retry = math.max(1, math.ceil(wait / 1000))
    expires = tat
  else
    local nxt = tat + cost * interval
    local left = math.floor((capacity - (nxt - now)) / interval + EPS)
    allowed = 1
    if left > 0 then remaining = left else remaining = 0 end
    reset = math.ceil((nxt - now) / 1000)
    retry = 0
    if cost ~= 0 then nt, np, nc = nxt, 0, 0 end
    expires = nxt
  end
else
  local EPS = 1e-9
  local start = math.floor(now / w) * w
  local prev, curr = 0, 0
  if st ~= nil then
    if st == start then
      prev, curr = sp, sc
    elseif st == start - w then
      prev = sc
    end
  end
  local elapsed = now - start
  local weighted = prev * ((w - elapsed) / w)
  reset = math.ceil((start + w - now) / 1000)
  expires = start + 2 * w
  if weighted + curr + need > limit + EPS then
    local room = limit - need - curr
    local wait
    if room >= 0 and prev > 0 then
      wait = w * (1 - room / prev) - elapsed
    else
      local at = 0
      if curr > 0 then at = w * (1 - (limit - need) / curr) end
      if at < 0 then at = 0 end
      wait = start + w - now + at
    end
    allowed, remaining = 0, 0
    retry = math.max(1, math.ceil(wait / 1000))
  else
    curr = curr + cost
    local left = math.floor(limit - weighted - curr + EPS)
    allowed = 1
    if left > 0 then remaining = left else remaining = 0 end
    retry = 0
    if cost ~= 0 then nt, np, nc = start, prev, curr end
  end
end
if nt ~= nil then
  local ttl = math.max(1000, math.ceil(expires - now) + 1000)
  redis.call('SET', KEYS[1], string.format('%.17g %.17g %.17g', nt, np, nc), 'PX', ttl)
end
return {allowed, string.format('%.17g', remaining), reset, retry}
`);

/**
 * Rate-limit state in Redis: each check is one `EVALSHA` of a Lua script that reads the key's
 * state, applies the policy (GCRA or sliding window, weighted costs and `content-bytes` charges
 * as the memory store does) and writes it back, atomically, in one round trip. The script reads
 * Redis' own clock (`TIME`), so instances with skewed clocks share one limit. Every key is its
 * own hash tag: on a Redis Cluster each check touches one slot. Keys expire once their state
 * equals an empty one. Failures (Redis down, over `timeoutMs`) throw {@link RateLimitError}
 * `store_failure`, which the middleware's `failureMode` turns into a pass or a 503.
 *
 * @example
 * ```ts
 * import { rateLimit, RedisRateLimitStore } from "@avila/avx-http/middleware";
 * const store = new RedisRateLimitStore({ url: "redis://127.0.0.1:6379", timeoutMs: 250 });
 * const limiter = rateLimit({ policy: { limit: 100, windowSeconds: 60 }, store, failureMode: "open" });
 * console.log(typeof limiter); // "function"
 * await store.close();
 * ```
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #serverClock: boolean;
  // Key names per (policy, key), reused: the hot path builds no string for a known caller.
  readonly #names = new Map<string, Map<string, string>>();

  /**
   * Connects (in the background) or wraps `options.client`.
   *
   * @param options where Redis is, time budget, prefix and clock
   */
  constructor(options: RedisRateLimitStoreOptions) {
    this.#redis = new RedisConnection(options, "RedisRateLimitStore");
    this.#prefix = options.prefix ?? "avx:rl";
    this.#serverClock = (options.clock ?? "server") === "server";
  }

  #name(policyId: string, key: string): string {
    let byKey = this.#names.get(policyId);
    if (byKey === undefined) this.#names.set(policyId, byKey = new Map());
    let name = byKey.get(key);
    if (name === undefined) {
      if (byKey.size >= 10_000) byKey.clear();
      // The whole (policy, key) is the hash tag: one slot per counter.
      name = `${this.#prefix}:{${keyPart(policyId)}|${keyPart(key)}}`;
      byKey.set(key, name);
    }
    return name;
  }

  /** Atomically checks and updates `key` across every instance sharing the Redis. */
  async consume(
    key: string,
    policy: ResolvedPolicy,
    nowMs: number,
    cost: number,
    need: number,
  ): Promise<RateLimitDecision> {
    if (key.length > MAX_RATE_LIMIT_KEY_LENGTH) {
      throw new RateLimitError("invalid_key", "rate-limit key is too long");
    }
    let reply: unknown;
    try {
      reply = await this.#redis.eval(CONSUME, [this.#name(policy.id, key)], [
        this.#serverClock ? "-1" : String(nowMs),
        policy.algorithm,
        String(policy.limit),
        String(policy.windowMs),
        String(policy.burst),
        String(cost),
        String(need),
      ]);
    } catch (e) {
      throw new RateLimitError("store_failure", "Redis rate-limit store failed", { cause: e });
    }
    if (!Array.isArray(reply) || reply.length !== 4) {
      throw new RateLimitError("store_failure", "Redis rate-limit script answered oddly");
    }
    return {
      allowed: Number(reply[0]) === 1,
      remaining: Number(reply[1]),
      resetSeconds: Number(reply[2]),
      retryAfterSeconds: Number(reply[3]),
    };
  }

  /**
   * Resolves once connected to Redis; rejects (`RedisStoreError` `unavailable`) after `waitMs`.
   * Optional: calls made earlier wait for the connection within their time budget.
   */
  connect(waitMs?: number): Promise<void> {
    return this.#redis.connect(waitMs);
  }

  /** `/readyz`: whether Redis answers a PING within the time budget. */
  readiness(): Promise<{ ok: boolean; detail?: string }> {
    return redisReadiness(this.#redis);
  }

  /** Closes the connection the store opened (a caller's `client` stays open). */
  close(): Promise<void> {
    return this.#redis.close();
  }
}
