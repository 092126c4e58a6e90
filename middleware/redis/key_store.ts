/**
 * `RedisKeyStore`: API key records in Redis, shared by every instance at once.
 *
 * @module
 */

import { AuthError } from "../auth/errors.ts";
import { type ApiKeyRecord, type KeyStore, validateApiKeyRecord } from "../auth/key_store.ts";
import { parseStoredApiKeyRecord } from "../auth/_stored_record.ts";
import {
  keyPart,
  RedisConnection,
  type RedisConnectionOptions,
  RedisScript,
} from "./_connection.ts";

const MAX_ATTEMPTS = 8;

// Writes are compare-and-set: the script applies them only if what the caller read is still
// there (the versionstamp checks of KvKeyStore), else the caller reads again and retries.
// KEYS: id index, new record, old record, new tenant set, old tenant set.
// ARGV: old hash ("" when none), old record JSON ("" when none), id, new hash, new record JSON.
const PUT = new RedisScript(`
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[1] then return 0 end
if ARGV[1] ~= '' and (redis.call('GET', KEYS[3]) or '') ~= ARGV[2] then return 0 end
local clash = redis.call('GET', KEYS[2])
if clash and ARGV[1] ~= ARGV[4] then return -1 end
if ARGV[1] ~= '' and ARGV[1] ~= ARGV[4] then redis.call('DEL', KEYS[3]) end
if KEYS[5] ~= KEYS[4] then redis.call('SREM', KEYS[5], ARGV[3]) end
redis.call('SET', KEYS[2], ARGV[5])
redis.call('SET', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[4], ARGV[3])
return 1
`);

// KEYS: record. ARGV: record JSON read, new JSON.
const SWAP = new RedisScript(`
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`);

// KEYS: id index, record, tenant set. ARGV: hash read, record JSON read, id.
const DELETE = new RedisScript(`
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SREM', KEYS[3], ARGV[3])
return 1
`);

/**
 * A `KeyStore` on Redis. Every key of the store shares one hash tag (the prefix), so its
 * multi-key writes are atomic scripts on one slot, also on a Redis Cluster: records by digest
 * (`{prefix}:h:<hash>`, the JSON record), an id index (`{prefix}:i:<id>`) and a set of ids per
 * tenant. A lookup by digest is one `GET`; a revocation is visible to every instance's next
 * lookup (the `auth()` middleware caches lookups for `apiKeyCache.ttlMs`: set it to `false` for
 * revocations to apply at once, at one more round trip per request). Redis failures throw
 * `AuthError` `auth_unavailable` (the middleware answers 503).
 *
 * @example
 * ```ts
 * import { auth, issueApiKey, RedisKeyStore } from "@avila/avx-http/middleware";
 * const keyStore = new RedisKeyStore({ url: "redis://127.0.0.1:6379" });
 * const { key } = await issueApiKey(keyStore, { tenant: "acme", scopes: [], plan: "pro", mode: "live" });
 * const mw = auth({ keyStore, apiKeyCache: false });
 * console.log(key.startsWith("avl_live_"), typeof mw); // true "function"
 * await keyStore.close();
 * ```
 */
export class RedisKeyStore implements KeyStore {
  readonly #redis: RedisConnection;
  readonly #tag: string;

  /**
   * Connects (in the background) or wraps `options.client`.
   *
   * @param options where Redis is, time budget and prefix
   */
  constructor(
    options: RedisConnectionOptions & {
      /** Key prefix, also the hash tag of every key of the store; default `"avx:keys"`. */
      prefix?: string;
    },
  ) {
    this.#redis = new RedisConnection(options, "RedisKeyStore");
    this.#tag = `{${keyPart(options.prefix ?? "avx:keys")}}`;
  }

  #h(hash: string): string {
    return `${this.#tag}:h:${hash}`;
  }
  #i(id: string): string {
    return `${this.#tag}:i:${keyPart(id)}`;
  }
  #t(tenant: string): string {
    return `${this.#tag}:t:${keyPart(tenant)}`;
  }

  async #call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof AuthError) throw e;
      const err = new AuthError("auth_unavailable", "API key store (Redis) is unavailable");
      err.cause = e;
      throw err;
    }
  }

  async #get(key: string): Promise<string | null> {
    const v = await this.#redis.command(key, ["GET", key]);
    return typeof v === "string" ? v : null;
  }

  /** The record with digest `hash`, or `null`: one `GET`. */
  findByHash(hash: string): Promise<ApiKeyRecord | null> {
    if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) return Promise.resolve(null);
    return this.#call(async () => {
      const r = parseStoredApiKeyRecord(await this.#get(this.#h(hash)));
      return r && r.hash === hash ? r : null;
    });
  }

  /** The record with id `id`, or `null`. */
  findById(id: string): Promise<ApiKeyRecord | null> {
    return this.#call(async () => {
      const hash = await this.#get(this.#i(id));
      if (hash === null) return null;
      const r = parseStoredApiKeyRecord(await this.#get(this.#h(hash)));
      return r && r.id === id ? r : null;
    });
  }

  /** Inserts or replaces the record with `record.id` (atomically with its indexes). */
  put(record: ApiKeyRecord): Promise<void> {
    const r = validateApiKeyRecord(record);
    const json = JSON.stringify(r);
    return this.#call(async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const oldHash = (await this.#get(this.#i(r.id))) ?? "";
        const oldRaw = oldHash === "" ? "" : (await this.#get(this.#h(oldHash))) ?? "";
        let oldTenant = r.tenant;
        if (oldRaw !== "") {
          try {
            oldTenant = String(JSON.parse(oldRaw).tenant ?? r.tenant);
          } catch {
            // a corrupt old record is replaced; its tenant set entry stays behind
          }
        }
        const done = await this.#redis.eval(PUT, [
          this.#i(r.id),
          this.#h(r.hash),
          oldHash === "" ? this.#h(r.hash) : this.#h(oldHash),
          this.#t(r.tenant),
          this.#t(oldTenant),
        ], [oldHash, oldRaw, r.id, r.hash, json]);
        if (Number(done) === 1) return;
        if (Number(done) === -1) {
          throw new AuthError("invalid_argument", "invalid API key record: hash already in use");
        }
      }
      throw new AuthError("auth_unavailable", "key store write kept conflicting; try again");
    });
  }

  /** Marks key `id` revoked at `atMs` (the first revocation time is kept). */
  revoke(id: string, atMs: number): Promise<boolean> {
    return this.#call(async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const hash = await this.#get(this.#i(id));
        if (hash === null) return false;
        const raw = await this.#get(this.#h(hash));
        const r = parseStoredApiKeyRecord(raw);
        if (r === null) return false;
        if (r.revokedAt !== null) return true;
        const next = JSON.stringify(validateApiKeyRecord({ ...r, revokedAt: atMs }));
        if (Number(await this.#redis.eval(SWAP, [this.#h(hash)], [raw!, next])) === 1) return true;
      }
      throw new AuthError("auth_unavailable", "key store write kept conflicting; try again");
    });
  }

  /** Removes key `id` and its index entries. */
  delete(id: string): Promise<boolean> {
    return this.#call(async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const hash = await this.#get(this.#i(id));
        if (hash === null) return false;
        const raw = (await this.#get(this.#h(hash))) ?? "";
        let tenant = "";
        try {
          tenant = raw === "" ? "" : String(JSON.parse(raw).tenant ?? "");
        } catch {
          // corrupt: removed all the same
        }
        const done = await this.#redis.eval(
          DELETE,
          [this.#i(id), this.#h(hash), this.#t(tenant)],
          [hash, raw, id],
        );
        if (Number(done) === 1) return true;
      }
      throw new AuthError("auth_unavailable", "key store write kept conflicting; try again");
    });
  }

  /** Every key of `tenant`, in id order. */
  listByTenant(tenant: string): Promise<ApiKeyRecord[]> {
    return this.#call(async () => {
      const ids = await this.#redis.command(this.#t(tenant), ["SMEMBERS", this.#t(tenant)]);
      if (!Array.isArray(ids) || ids.length === 0) return [];
      const out: ApiKeyRecord[] = [];
      for (let i = 0; i < ids.length; i += 100) {
        const chunk = ids.slice(i, i + 100).map(String);
        const idx = chunk.map((id) => this.#i(id));
        const hashes = await this.#redis.command(idx[0], ["MGET", ...idx]) as unknown[];
        const keys = hashes.filter((h): h is string => typeof h === "string").map((h) =>
          this.#h(h)
        );
        if (keys.length === 0) continue;
        const raws = await this.#redis.command(keys[0], ["MGET", ...keys]) as unknown[];
        for (const raw of raws) {
          const r = parseStoredApiKeyRecord(typeof raw === "string" ? raw : null);
          if (r && r.tenant === tenant) out.push(r);
        }
      }
      return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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
