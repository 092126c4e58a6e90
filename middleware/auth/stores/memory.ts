/**
 * `MemoryKeyStore`: API key records in process memory (tests, single-instance deployments, the
 * dev server).
 *
 * @module
 */

import { type ApiKeyRecord, type KeyStore, validateApiKeyRecord } from "../key_store.ts";

/**
 * An in-memory `KeyStore`, indexed by digest and by id. Lookups by digest are synchronous.
 *
 * @example
 * ```ts
 * import { hashApiKey } from "../api_key.ts";
 * import { issueApiKey, MemoryKeyStore } from "@avila/avx-http/middleware";
 * const store = new MemoryKeyStore();
 * const { key } = await issueApiKey(store, { tenant: "acme", scopes: [], plan: "free", mode: "test" });
 * console.log(store.findByHash(await hashApiKey(key))?.tenant); // "acme"
 * ```
 */
export class MemoryKeyStore implements KeyStore {
  #byHash = new Map<string, ApiKeyRecord>();
  #byId = new Map<string, ApiKeyRecord>();

  /** Number of keys held. */
  get size(): number {
    return this.#byId.size;
  }

  /** The record with digest `hash`, or `null`. */
  findByHash(hash: string): ApiKeyRecord | null {
    return this.#byHash.get(hash) ?? null;
  }

  /** The record with id `id`, or `null`. */
  findById(id: string): Promise<ApiKeyRecord | null> {
    return Promise.resolve(this.#byId.get(id) ?? null);
  }

  /** Inserts or replaces the record with `record.id`. */
  put(record: ApiKeyRecord): Promise<void> {
    try {
      const r = validateApiKeyRecord(record);
      const old = this.#byId.get(r.id);
      if (old) this.#byHash.delete(old.hash);
      this.#byId.set(r.id, r);
      this.#byHash.set(r.hash, r);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Marks key `id` revoked at `atMs` (the first revocation time is kept). */
  revoke(id: string, atMs: number): Promise<boolean> {
    const r = this.#byId.get(id);
    if (!r) return Promise.resolve(false);
    if (r.revokedAt !== null) return Promise.resolve(true);
    return this.put({ ...r, revokedAt: atMs }).then(() => true);
  }

  /** Removes key `id`. */
  delete(id: string): Promise<boolean> {
    const r = this.#byId.get(id);
    if (!r) return Promise.resolve(false);
    this.#byId.delete(id);
    this.#byHash.delete(r.hash);
    return Promise.resolve(true);
  }

  /** Every key of `tenant`, in id order. */
  listByTenant(tenant: string): Promise<ApiKeyRecord[]> {
    const out = [...this.#byId.values()].filter((r) => r.tenant === tenant);
    out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return Promise.resolve(out);
  }
}
