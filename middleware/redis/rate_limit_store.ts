/**
 * `RedisRateLimitStore`: rate-limit state in Redis (or Valkey, or a Redis Cluster), checked and
 * updated by one Lua script per request.
 *
 * @module
 */

import { checkRateLimitKey } from "../rate_limit/_key.ts";
import { RateLimitError, type ResolvedPolicy } from "../rate_limit/policy.ts";
import type { RateLimitDecision, RateLimitStore } from "../rate_limit/store.ts";
import {
  keyPart,
  RedisConnection,
  type RedisConnectionOptions,
  RedisScript,
} from "./_connection.ts";

// The algorithms of ../rate_limit/gcra.ts and ../rate_limit/sliding_window.ts, step for step in
// Lua (doubles, like JavaScript numbers), so every store decides alike. A call applies the
// checks of one or more keys (an instance's concurrent checks go together; on a cluster, of one
// key only), each key's in order, and writes each key's state once. State: GCRA's "t", a sliding
// window's "t p c", with 17 significant digits (round-trips a double); counts come back as
// integer replies (exact below 2^53). Redis 7 replicates a script by its effects (the SETs), so
// reading TIME before writing is allowed and replicas get the same state.
// ARGV, per key of KEYS in order: algorithm, limit, window ms, burst, number of checks n, then n
// times: now (-1: Redis' clock), cost, need.
// Returns per check, in order: allowed (0/1; -1: the key's state is unreadable), remaining,
// reset seconds, retry-after seconds.
const CONSUME = new RedisScript(`
local clock
local out = {}
local a = 1
for k = 1, #KEYS do
local algorithm = ARGV[a]
local limit = tonumber(ARGV[a + 1])
local w = tonumber(ARGV[a + 2])
local burst = tonumber(ARGV[a + 3])
local first = a + 5
a = first + 3 * tonumber(ARGV[a + 4])
local gcra = algorithm == 'gcra'
local st, sp, sc
-- A key Redis cannot read (a foreign value of another type: WRONGTYPE) fails its own checks
-- (allowed = -1), not the other keys of this call.
local raw = redis.pcall('GET', KEYS[k])
if type(raw) == 'table' and raw.err then
for _ = first, a - 1, 3 do
  out[#out + 1] = -1
  out[#out + 1] = 0
  out[#out + 1] = 0
  out[#out + 1] = 0
end
else
if raw then
  if gcra then
    st = tonumber(raw)
  else
    local a, b, c = string.match(raw, '^(%S+) (%S+) (%S+)$')
    st, sp, sc = tonumber(a), tonumber(b), tonumber(c)
    if sp == nil or sc == nil then st = nil end
  end
end
local changed = false
local expiresMax, nowMax = 0, 0
for i = first, a - 1, 3 do
  local now = tonumber(ARGV[i])
  if now < 0 then
    if clock == nil then
      local t = redis.call('TIME')
      clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    end
    now = clock
  end
  local cost = tonumber(ARGV[i + 1])
  local need = tonumber(ARGV[i + 2])
  local allowed, remaining, reset, retry, expires
  local nt, np, nc
  if gcra then
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
    st, sp, sc = nt, np, nc
    changed = true
  end
  if expires > expiresMax then expiresMax = expires end
  if now > nowMax then nowMax = now end
  out[#out + 1] = allowed
  out[#out + 1] = remaining
  out[#out + 1] = reset
  out[#out + 1] = retry
end
if changed then
  local ttl = math.max(1000, math.ceil(expiresMax - nowMax) + 1000)
  local v
  if gcra then v = string.format('%.17g', st) else v = string.format('%.17g %.17g %.17g', st, sp, sc) end
  redis.call('SET', KEYS[k], v, 'PX', ttl)
end
end
end
return out
`);

interface Pending {
  /** The key's name in Redis. */
  name: string;
  /** The policy's script arguments. */
  head: readonly string[];
  nowMs: number;
  cost: number;
  need: number;
  resolve: (d: RateLimitDecision) => void;
  reject: (e: unknown) => void;
}

/**
 * Checks that may share script calls, waiting or in flight: every key's on one Redis, one key's
 * on a Redis Cluster (a script touches one slot there).
 */
interface Lane {
  queue: Pending[];
  inFlight: number;
  /** A send of the queue is scheduled for the end of this event-loop turn. */
  scheduled: boolean;
}

/** Most checks sent in one script call. */
const MAX_BATCH = 256;
/**
 * Script calls of one lane in flight at once (pipelined: Redis runs them in the order sent); past
 * it, checks wait and go together in the next call.
 */
const MAX_IN_FLIGHT = 64;

/**
 * Rate-limit state in Redis: a check is applied by a Lua script that reads the key's state,
 * applies the policy (GCRA or sliding window, weighted costs and `content-bytes` charges as the
 * memory store does) and writes it back, atomically, in one round trip. The checks made in one
 * event-loop turn go together in one call (group commit; on one Redis the checks of many keys, on
 * a Redis Cluster of one key, a script touching one slot), each key's applied in order: under
 * load an instance makes far fewer round trips than requests; a lone check goes alone at the end
 * of its turn, without waiting for other calls.
 * Past 64 calls in flight checks wait (at most two time budgets) and go together in the next.
 * The script reads Redis' own clock (`TIME`), so instances with skewed clocks share one limit.
 * Every key is its own hash tag: on a Redis Cluster each check touches one slot. Keys expire once
 * their state equals an empty one. Failures (Redis down, over `timeoutMs`) throw
 * {@link RateLimitError}
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
  readonly #lanes = new Map<string, Lane>();
  readonly #heads = new WeakMap<ResolvedPolicy, readonly string[]>();

  /**
   * Connects (in the background) or wraps `options.client`.
   *
   * @param options where Redis is, time budget, prefix and clock
   */
  constructor(
    options: RedisConnectionOptions & {
      /** Key prefix; default `"avx:rl"`. */
      prefix?: string;
      /**
       * Whose clock decides: `"server"` (default) reads Redis' `TIME` inside the script, so
       * instances whose clocks disagree still enforce one limit; `"caller"` uses the `nowMs` each
       * call passes (an injected clock, as the memory store does).
       */
      clock?: "server" | "caller";
    },
  ) {
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

  /**
   * Atomically checks and updates `key` across every instance sharing the Redis. The checks made
   * in one event-loop turn go in one script call, each key's applied in order (as the Deno KV
   * store batches its writes): under load, fewer round trips than requests.
   */
  consume(
    key: string,
    policy: ResolvedPolicy,
    nowMs: number,
    cost: number,
    need: number,
  ): Promise<RateLimitDecision> {
    return new Promise((resolve, reject) => {
      checkRateLimitKey(key); // a throw here rejects the promise
      const name = this.#name(policy.id, key);
      const op: Pending = {
        name,
        head: this.#head(policy),
        nowMs: this.#serverClock ? -1 : nowMs,
        cost,
        need,
        resolve,
        reject,
      };
      const group = this.#redis.cluster ? name : "";
      let lane = this.#lanes.get(group);
      if (lane === undefined) {
        this.#lanes.set(group, lane = { queue: [], inFlight: 0, scheduled: false });
      }
      lane.queue.push(op);
      if (!lane.scheduled && lane.inFlight < MAX_IN_FLIGHT) {
        // Group commit: the checks made in this event-loop turn go in one call, sent when the
        // client would write anyway (node-redis writes its queue on setImmediate too).
        lane.scheduled = true;
        const l = lane;
        setImmediate(() => {
          l.scheduled = false;
          this.#drain(group, l);
        });
      }
    });
  }

  #head(policy: ResolvedPolicy): readonly string[] {
    let head = this.#heads.get(policy);
    if (head === undefined) {
      head = [
        policy.algorithm,
        String(policy.limit),
        String(policy.windowMs),
        String(policy.burst),
      ];
      this.#heads.set(policy, head);
    }
    return head;
  }

  #drain(group: string, lane: Lane): void {
    while (lane.queue.length > 0 && lane.inFlight < MAX_IN_FLIGHT) this.#send(group, lane);
    if (lane.queue.length === 0 && lane.inFlight === 0 && !lane.scheduled) {
      this.#lanes.delete(group);
    }
  }

  #send(group: string, lane: Lane): void {
    const batch = lane.queue.length <= MAX_BATCH ? lane.queue : lane.queue.splice(0, MAX_BATCH);
    if (batch === lane.queue) lane.queue = [];
    // Each key once, its checks in arrival order; replies come in that order.
    const keys: string[] = [];
    const args: string[] = [];
    let order = batch;
    if (batch.length === 1) {
      const op = batch[0];
      keys.push(op.name);
      args.push(...op.head, "1", String(op.nowMs), String(op.cost), String(op.need));
    } else {
      const byKey = new Map<string, Pending[]>();
      for (const op of batch) {
        const ops = byKey.get(op.name);
        if (ops === undefined) byKey.set(op.name, [op]);
        else ops.push(op);
      }
      order = [];
      for (const [name, ops] of byKey) {
        keys.push(name);
        args.push(...ops[0].head, String(ops.length));
        for (const op of ops) {
          args.push(String(op.nowMs), String(op.cost), String(op.need));
          order.push(op);
        }
      }
    }
    lane.inFlight++;
    const done = (): void => {
      lane.inFlight--;
      if (!lane.scheduled) this.#drain(group, lane);
    };
    const fail = (e: unknown): void => {
      const err = e instanceof RateLimitError
        ? e
        : new RateLimitError("store_failure", "Redis rate-limit store failed", { cause: e });
      for (const op of order) op.reject(err);
      done();
    };
    this.#redis.eval(CONSUME, keys, args).then((reply) => {
      if (!Array.isArray(reply) || reply.length !== order.length * 4) {
        return fail(new RateLimitError("store_failure", "Redis rate-limit script answered oddly"));
      }
      for (let i = 0; i < order.length; i++) {
        if (reply[i * 4] === -1) {
          order[i].reject(
            new RateLimitError("store_failure", "Redis holds a foreign value under this key"),
          );
          continue;
        }
        order[i].resolve({
          allowed: reply[i * 4] === 1,
          remaining: Number(reply[i * 4 + 1]),
          resetSeconds: reply[i * 4 + 2] as number,
          retryAfterSeconds: reply[i * 4 + 3] as number,
        });
      }
      done();
    }, fail);
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
    return this.#redis.readiness();
  }

  /** Closes the connection the store opened (a caller's `client` stays open). */
  close(): Promise<void> {
    return this.#redis.close();
  }
}
