/**
 * `RedisIdempotencyStore`: idempotency records in Redis, so the instances behind one load
 * balancer deduplicate together.
 *
 * @module
 */

import {
  type BeginResult,
  type IdempotencyRecord,
  type IdempotencyStore,
  IdempotencyStoreError,
  type StoredResponse,
} from "../idempotency/store.ts";
import {
  keyPart,
  RedisConnection,
  type RedisConnectionOptions,
  RedisScript,
} from "./_connection.ts";

// Values: "i|<fingerprint>|<expiresAt>|<lock>" while in flight (the lock names the hold: a
// random UUID from begin), "d|<JSON>" when done; TTLs are Redis' (PX), so an abandoned lock and
// an old response vanish on their own.
// KEYS: record. ARGV: in-flight value, lock ms.
const BEGIN = new RedisScript(`
local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`);

// KEYS: record. ARGV: the hold's lock, or "" for any. (Only an in-flight record is released: a
// finished one stays; with a lock, only while that hold has the key.)
const RELEASE = new RedisScript(`
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 2) == 'i|' then
  if ARGV[1] == '' or string.match(v, '|([^|]*)$') == ARGV[1] then redis.call('DEL', KEYS[1]) end
end
return 1
`);

// KEYS: record. ARGV: done value, ttl ms, lock ('' for none). With a lock, the record is written
// only while that hold has the key, or nobody does (a lapsed hold must not replace a later one's).
const COMPLETE = new RedisScript(`
local v = redis.call('GET', KEYS[1])
if ARGV[3] ~= '' and v and not (string.sub(v, 1, 2) == 'i|' and string.match(v, '|([^|]*)$') == ARGV[3]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

// KEYS: record. ARGV: in-flight prefix "i|<fp>|", new value without its lock, lock ms. The
// holder's lock is kept.
const REFRESH = new RedisScript(`
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then
  local lock = string.match(v, '^i|[^|]*|[^|]*|([^|]*)$') or ''
  redis.call('SET', KEYS[1], ARGV[2] .. '|' .. lock, 'PX', ARGV[3])
end
return 1
`);

function encodeBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function parse(v: string): IdempotencyRecord {
  if (v.startsWith("i|")) {
    const [, fingerprint, exp] = v.split("|");
    return { state: "in_flight", fingerprint, expiresAt: Number(exp) };
  }
  if (v.startsWith("d|")) {
    const o = JSON.parse(v.slice(2));
    if (
      typeof o === "object" && o !== null && typeof o.f === "string" &&
      Number.isInteger(o.s) && Array.isArray(o.h) &&
      o.h.every((p: unknown) =>
        Array.isArray(p) && p.length === 2 && typeof p[0] === "string" && typeof p[1] === "string"
      )
    ) {
      return {
        state: "done",
        fingerprint: o.f,
        expiresAt: Number(o.e),
        response: {
          status: o.s,
          headers: o.h,
          body: typeof o.b === "string" ? decodeBase64(o.b) : null,
          bodyOmitted: o.o === true,
        },
      };
    }
  }
  throw new Error("foreign value under an idempotency key");
}

/**
 * Idempotency records in Redis. `begin` is one atomic script (read, or take the key with a
 * lock that expires after `lockMs`), so of two instances receiving the same key at once exactly
 * one runs the handler; the other answers 409 (in flight) or replays the stored response. The
 * response is kept with a TTL and a body size limit; the lock is renewed while the handler
 * runs (`refresh`). Each record is its own hash tag (one slot on a cluster). When Redis cannot
 * be reached, calls throw `IdempotencyStoreError` `store_unavailable`: the middleware answers
 * 503 rather than running a write it cannot deduplicate.
 *
 * @example
 * ```ts
 * import { idempotency, RedisIdempotencyStore } from "@avila/avx-http/middleware";
 * const store = new RedisIdempotencyStore({ url: "redis://127.0.0.1:6379", timeoutMs: 500 });
 * const mw = idempotency({ store, ttlMs: 86_400_000 });
 * console.log(typeof mw); // "function"
 * await store.close();
 * ```
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #maxBody: number;

  /**
   * Connects (in the background) or wraps `options.client`.
   *
   * @param options where Redis is, time budget, prefix and body limit
   */
  constructor(
    options: RedisConnectionOptions & {
      /** Key prefix; default `"avx:idem"`. */
      prefix?: string;
      /**
       * Largest response body stored for replay, in bytes; default 1 MiB. A larger one is
       * remembered without its body (`bodyOmitted`), which still prevents a repeat.
       */
      maxBodyBytes?: number;
    },
  ) {
    this.#redis = new RedisConnection(options, "RedisIdempotencyStore");
    this.#prefix = keyPart(options.prefix ?? "avx:idem");
    this.#maxBody = Math.max(0, Math.floor(options.maxBodyBytes ?? 1024 * 1024));
  }

  #key(key: string): string {
    return `${this.#prefix}:{${keyPart(key)}}`;
  }

  async #call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw new IdempotencyStoreError(
        "store_unavailable",
        "idempotency store (Redis) is unavailable",
        { cause: e },
      );
    }
  }

  /** Takes `key`, or returns the record already there (one atomic script). */
  begin(key: string, fingerprint: string, nowMs: number, lockMs: number): Promise<BeginResult> {
    const ms = Math.max(1, Math.ceil(lockMs));
    return this.#call(async () => {
      const lock = crypto.randomUUID();
      const v = await this.#redis.eval(BEGIN, [this.#key(key)], [
        `i|${fingerprint}|${nowMs + ms}|${lock}`,
        String(ms),
      ]);
      if (v === null || v === undefined) return { outcome: "started", lock };
      return { outcome: "existing", record: parse(String(v)) };
    });
  }

  /**
   * Stores the finished response until `nowMs + ttlMs` (without its body past the limit); with
   * `lock`, only while that hold still has the key or nobody does.
   */
  complete(
    key: string,
    fingerprint: string,
    response: StoredResponse,
    nowMs: number,
    ttlMs: number,
    lock?: string,
  ): Promise<void> {
    const body = response.body;
    const keep = body !== null && body.byteLength <= this.#maxBody;
    const value = "d|" + JSON.stringify({
      f: fingerprint,
      e: nowMs + ttlMs,
      s: response.status,
      h: response.headers,
      b: keep ? encodeBase64(body!) : null,
      o: response.bodyOmitted || (body !== null && !keep),
    });
    const ms = String(Math.max(1, Math.ceil(ttlMs)));
    return this.#call(async () => {
      await this.#redis.eval(COMPLETE, [this.#key(key)], [value, ms, lock ?? ""]);
    });
  }

  /** Forgets an in-flight key (a finished record stays); with `lock`, only that hold's. */
  release(key: string, lock?: string): Promise<void> {
    return this.#call(async () => {
      await this.#redis.eval(RELEASE, [this.#key(key)], [lock ?? ""]);
    });
  }

  /** Extends the lock of `key` while it is still in flight for `fingerprint`. */
  refresh(key: string, fingerprint: string, nowMs: number, lockMs: number): Promise<void> {
    const ms = Math.max(1, Math.ceil(lockMs));
    return this.#call(async () => {
      await this.#redis.eval(REFRESH, [this.#key(key)], [
        `i|${fingerprint}|`,
        `i|${fingerprint}|${nowMs + ms}`,
        String(ms),
      ]);
    });
  }

  /**
   * Resolves once connected to Redis; rejects (`RedisStoreError` `unavailable`) after `waitMs`.
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
