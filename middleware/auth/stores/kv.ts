/**
 * `KvKeyStore`: API key records in Deno KV, shared by every instance using the same database.
 *
 * @module
 */

import { AuthError } from "../errors.ts";
import { type ApiKeyRecord, type KeyStore, validateApiKeyRecord } from "../key_store.ts";

const MAX_ATTEMPTS = 8;

/**
 * Commits `op`; a SQLite-backed database shared by several handles can report "database is
 * locked" under concurrent writes: that counts as a conflict (retried after a short random
 * pause), not a failure.
 */
async function commit(op: Deno.AtomicOperation, attempt: number): Promise<boolean> {
  try {
    return (await op.commit()).ok;
  } catch (e) {
    if (!(e instanceof Error) || !/database is locked|busy/i.test(e.message)) throw e;
    await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 4 * (attempt + 1)));
    return false;
  }
}

/**
 * A `KeyStore` on Deno KV. Layout under `prefix`: `["by_hash", hash] -> record`,
 * `["by_id", id] -> hash`, `["by_tenant", tenant, id] -> hash`; writes are atomic with
 * versionstamp checks, so concurrent writers (other instances) never leave the indexes
 * inconsistent. The store never opens a database itself: pass an open `Deno.Kv`.
 *
 * @example
 * ```ts
 * import { issueApiKey, KvKeyStore } from "@avila/avx-http/middleware";
 * const kv = await Deno.openKv(":memory:"); // Deno KV: --unstable-kv locally
 * const store = new KvKeyStore(kv);
 * const { record } = await issueApiKey(store, { tenant: "acme", scopes: [], plan: "free", mode: "test" });
 * console.log((await store.findById(record.id))?.plan); // "free"
 * kv.close();
 * ```
 */
export class KvKeyStore implements KeyStore {
  readonly #kv: Deno.Kv;
  readonly #prefix: readonly Deno.KvKeyPart[];

  /**
   * Wraps an open database.
   *
   * @param kv an open `Deno.Kv` (e.g. from `Deno.openKv()`)
   * @param prefix key prefix for this store's entries; default `["avx", "api_keys"]`
   */
  constructor(kv: Deno.Kv, prefix: readonly Deno.KvKeyPart[] = ["avx", "api_keys"]) {
    this.#kv = kv;
    this.#prefix = prefix;
  }

  #k(...parts: Deno.KvKeyPart[]): Deno.KvKey {
    return [...this.#prefix, ...parts];
  }

  #record(value: unknown): ApiKeyRecord | null {
    if (value === null || value === undefined) return null;
    try {
      return validateApiKeyRecord(value as ApiKeyRecord);
    } catch {
      throw new AuthError("auth_unavailable", "stored API key record is corrupt");
    }
  }

  /** The record with digest `hash`, or `null`. */
  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    if (typeof hash !== "string" || hash.length !== 64) return null;
    return this.#record((await this.#kv.get(this.#k("by_hash", hash))).value);
  }

  /** The record with id `id`, or `null`. */
  async findById(id: string): Promise<ApiKeyRecord | null> {
    const ref = await this.#kv.get<string>(this.#k("by_id", id));
    if (typeof ref.value !== "string") return null;
    const r = this.#record((await this.#kv.get(this.#k("by_hash", ref.value))).value);
    return r && r.id === id ? r : null;
  }

  /** Inserts or replaces the record with `record.id` (atomically with its indexes). */
  async put(record: ApiKeyRecord): Promise<void> {
    const r = validateApiKeyRecord(record);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ref = await this.#kv.get<string>(this.#k("by_id", r.id));
      const op = this.#kv.atomic().check(ref);
      if (typeof ref.value === "string") {
        const old = await this.#kv.get<ApiKeyRecord>(this.#k("by_hash", ref.value));
        op.check(old);
        if (ref.value !== r.hash) op.delete(this.#k("by_hash", ref.value));
        const oldTenant = old.value?.tenant;
        if (typeof oldTenant === "string" && oldTenant !== r.tenant) {
          op.delete(this.#k("by_tenant", oldTenant, r.id));
        }
      }
      // A digest already used by another id would make lookups ambiguous: refuse it.
      const clash = await this.#kv.get<ApiKeyRecord>(this.#k("by_hash", r.hash));
      if (clash.value && clash.value.id !== r.id) {
        throw new AuthError("invalid_argument", "invalid API key record: hash already in use");
      }
      op.check(clash)
        .set(this.#k("by_hash", r.hash), r)
        .set(this.#k("by_id", r.id), r.hash)
        .set(this.#k("by_tenant", r.tenant, r.id), r.hash);
      if (await commit(op, attempt)) return;
    }
    throw new AuthError("auth_unavailable", "key store write kept conflicting; try again");
  }

  /** Marks key `id` revoked at `atMs` (the first revocation time is kept). */
  async revoke(id: string, atMs: number): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ref = await this.#kv.get<string>(this.#k("by_id", id));
      if (typeof ref.value !== "string") return false;
      const entry = await this.#kv.get(this.#k("by_hash", ref.value));
      const r = this.#record(entry.value);
      if (!r) return false;
      if (r.revokedAt !== null) return true;
      const op = this.#kv.atomic().check(ref, entry)
        .set(this.#k("by_hash", r.hash), { ...r, revokedAt: atMs });
      if (await commit(op, attempt)) return true;
    }
    throw new AuthError("auth_unavailable", "key store write kept conflicting; try again");
  }

  /** Removes key `id` and its index entries. */
  async delete(id: string): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ref = await this.#kv.get<string>(this.#k("by_id", id));
      if (typeof ref.value !== "string") return false;
      const entry = await this.#kv.get<ApiKeyRecord>(this.#k("by_hash", ref.value));
      const op = this.#kv.atomic().check(ref, entry)
        .delete(this.#k("by_id", id))
        .delete(this.#k("by_hash", ref.value));
      if (typeof entry.value?.tenant === "string") {
        op.delete(this.#k("by_tenant", entry.value.tenant, id));
      }
      if (await commit(op, attempt)) return true;
    }
    throw new AuthError("auth_unavailable", "key store write kept conflicting; try again");
  }

  /** Every key of `tenant`, in id order. */
  async listByTenant(tenant: string): Promise<ApiKeyRecord[]> {
    const hashes: string[] = [];
    for await (const e of this.#kv.list<string>({ prefix: this.#k("by_tenant", tenant) })) {
      if (typeof e.value === "string") hashes.push(e.value);
    }
    const out: ApiKeyRecord[] = [];
    for (let i = 0; i < hashes.length; i += 10) {
      const batch = await this.#kv.getMany(
        hashes.slice(i, i + 10).map((h) => this.#k("by_hash", h)),
      );
      for (const e of batch) {
        const r = this.#record(e.value);
        if (r && r.tenant === tenant) out.push(r);
      }
    }
    return out;
  }
}
