/**
 * A `KeyStore` on Workers KV. API-key lookups are almost all reads, which is what KV is built
 * for: values are cached at the edge, so a key is checked without a round trip to a central
 * store.
 *
 * Limits of Workers KV that shape this store (documented by Cloudflare):
 * - **Eventual consistency**: a write is visible at once in the location that made it, and
 *   elsewhere within about 60 seconds (longer with a larger `cacheTtl`). A new key can fail
 *   with 401 for up to a minute in other locations, and a **revoked key keeps working there for
 *   up to a minute**. Where revocation must be immediate, keep a Durable Object (or Deno KV)
 *   store instead, or add a short deny list.
 * - **One write per second per key**: issuing and revoking keys is rare, so this is fine; it is
 *   why rate-limit counters must NOT live in KV (use `DurableObjectRateLimitStore`).
 * - Keys are at most 512 bytes, values 25 MiB; `list` is eventually consistent too.
 *
 * Layout (all under `prefix`, default `"avx:keys:"`): `h:<hash>` → the record as JSON,
 * `i:<id>` → the hash, `t:<tenant>:<id>` → "" (the tenant index). Tenant and id are
 * percent-encoded, so `:` in them cannot collide.
 *
 * @module
 */

import { type ApiKeyRecord, AuthError, type KeyStore, validateApiKeyRecord } from "../auth/mod.ts";
import { parseStoredApiKeyRecord } from "../auth/_stored_record.ts";
import type { KvNamespaceLike } from "./types.ts";

const HASH_RE = /^[0-9a-f]{64}$/;

/**
 * `KeyStore` over a Workers KV namespace binding (see the module docs for its consistency).
 *
 * @example
 * ```ts
 * import { WorkersKvKeyStore } from "./mod.ts";
 * import type { KvNamespaceLike } from "./mod.ts";
 * // In a Worker: new WorkersKvKeyStore(env.KEYS)
 * const data = new Map<string, string>();
 * const kv: KvNamespaceLike = {
 *   get: (k) => Promise.resolve(data.get(k) ?? null),
 *   put: (k, v) => Promise.resolve(void data.set(k, v)),
 *   delete: (k) => Promise.resolve(void data.delete(k)),
 *   list: ({ prefix = "" }) =>
 *     Promise.resolve({
 *       keys: [...data.keys()].filter((k) => k.startsWith(prefix)).map((name) => ({ name })),
 *       list_complete: true,
 *     }),
 * };
 * const store = new WorkersKvKeyStore(kv);
 * console.log(await store.findById("key_missing")); // null
 * ```
 */
export class WorkersKvKeyStore implements KeyStore {
  readonly #kv: KvNamespaceLike;
  readonly #prefix: string;
  readonly #cacheTtl: number;

  /**
   * Wraps a KV namespace binding.
   *
   * @param kv the binding (`env.KEYS`)
   * @param options key prefix and edge cache TTL
   */
  constructor(kv: KvNamespaceLike, options: {
    /** Prefix of every KV key this store writes; default `"avx:keys:"`. */
    prefix?: string;
    /**
     * Seconds an edge location may serve a cached read (KV's `cacheTtl`, at least 60); default 60.
     * Larger values mean fewer KV reads and slower revocation.
     */
    cacheTtl?: number;
  } = {}) {
    const cacheTtl = options.cacheTtl ?? 60;
    if (!Number.isInteger(cacheTtl) || cacheTtl < 60) {
      throw new AuthError("invalid_argument", "cacheTtl must be an integer >= 60 (KV's minimum)");
    }
    const prefix = options.prefix ?? "avx:keys:";
    if (prefix.length > 64) throw new AuthError("invalid_argument", "prefix is too long");
    this.#kv = kv;
    this.#prefix = prefix;
    this.#cacheTtl = cacheTtl;
  }

  #hashKey(hash: string): string {
    return `${this.#prefix}h:${hash}`;
  }
  #idKey(id: string): string {
    return `${this.#prefix}i:${encodeURIComponent(id)}`;
  }
  #tenantPrefix(tenant: string): string {
    return `${this.#prefix}t:${encodeURIComponent(tenant)}:`;
  }

  async #read(key: string): Promise<string | null> {
    try {
      return await this.#kv.get(key, { type: "text", cacheTtl: this.#cacheTtl });
    } catch {
      // KV unreachable or over its limits: not the client's fault (503, not 401).
      throw new AuthError("auth_unavailable", "the API key store is unavailable");
    }
  }

  /** The record whose `hash` is `hash`, or `null` (malformed hashes are simply not found). */
  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    if (typeof hash !== "string" || !HASH_RE.test(hash)) return null;
    return parseStoredApiKeyRecord(await this.#read(this.#hashKey(hash)));
  }

  /** The record with public id `id`, or `null`. */
  async findById(id: string): Promise<ApiKeyRecord | null> {
    if (typeof id !== "string" || id.length === 0 || id.length > 128) return null;
    const hash = await this.#read(this.#idKey(id));
    if (hash === null || !HASH_RE.test(hash)) return null;
    const record = parseStoredApiKeyRecord(await this.#read(this.#hashKey(hash)));
    return record !== null && record.id === id ? record : null;
  }

  /** Inserts or replaces the record with `record.id` (a replaced hash stops working). */
  async put(record: ApiKeyRecord): Promise<void> {
    const r = validateApiKeyRecord(record);
    const previous = await this.#read(this.#idKey(r.id));
    const old = previous !== null && previous !== r.hash
      ? parseStoredApiKeyRecord(await this.#read(this.#hashKey(previous)))
      : null;
    // Record first, then the id and tenant indexes that point at it: a reader never follows an
    // index to a missing record for long.
    await this.#kv.put(this.#hashKey(r.hash), JSON.stringify(r));
    await this.#kv.put(this.#idKey(r.id), r.hash);
    await this.#kv.put(this.#tenantPrefix(r.tenant) + encodeURIComponent(r.id), "");
    if (previous !== null && previous !== r.hash && HASH_RE.test(previous)) {
      await this.#kv.delete(this.#hashKey(previous));
    }
    if (old !== null && old.tenant !== r.tenant) {
      await this.#kv.delete(this.#tenantPrefix(old.tenant) + encodeURIComponent(r.id));
    }
  }

  /** Marks key `id` revoked at `atMs` (idempotent: an earlier revocation time is kept). */
  async revoke(id: string, atMs: number): Promise<boolean> {
    if (!Number.isFinite(atMs)) throw new AuthError("invalid_argument", "atMs must be finite");
    const record = await this.findById(id);
    if (record === null) return false;
    if (record.revokedAt !== null) return true;
    await this.#kv.put(this.#hashKey(record.hash), JSON.stringify({ ...record, revokedAt: atMs }));
    return true;
  }

  /** Removes key `id` entirely; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const record = await this.findById(id);
    if (record === null) return false;
    await this.#kv.delete(this.#hashKey(record.hash));
    await this.#kv.delete(this.#idKey(id));
    await this.#kv.delete(this.#tenantPrefix(record.tenant) + encodeURIComponent(id));
    return true;
  }

  /** Every key of `tenant`, revoked ones included, in id order (eventually consistent). */
  async listByTenant(tenant: string): Promise<ApiKeyRecord[]> {
    const prefix = this.#tenantPrefix(tenant);
    const ids: string[] = [];
    let cursor: string | undefined;
    // Bounded: a tenant with more than 100 000 keys is a bug, not a listing.
    for (let page = 0; page < 100; page++) {
      const res = await this.#kv.list({ prefix, cursor, limit: 1000 });
      for (const k of res.keys) ids.push(decodeURIComponent(k.name.slice(prefix.length)));
      if (res.list_complete || !res.cursor) break;
      cursor = res.cursor;
    }
    const records = await Promise.all(ids.map((id) => this.findById(id)));
    return records.filter((r): r is ApiKeyRecord => r !== null && r.tenant === tenant)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
