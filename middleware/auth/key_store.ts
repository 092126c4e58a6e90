/**
 * Where API keys live: the `KeyStore` interface, the `ApiKeyRecord` it holds (never the
 * plaintext key, only its SHA-256 digest), and `issueApiKey` to create and store a key at once.
 *
 * @module
 */

import { type ApiKeyMode, generateApiKey } from "./api_key.ts";
import { AuthError } from "./errors.ts";
import type { Residency } from "../../http/principal.ts";

/**
 * What a store keeps for one API key. Times are Unix milliseconds.
 *
 * @example
 * ```ts
 * import { type ApiKeyRecord, issueApiKey, MemoryKeyStore } from "@avila/avx-http/middleware";
 * const { record }: { record: ApiKeyRecord } = await issueApiKey(new MemoryKeyStore(), {
 *   tenant: "acme", scopes: [], plan: "free", mode: "test",
 * });
 * console.log(record.revokedAt); // null
 * ```
 */
export interface ApiKeyRecord {
  /** Public key id (`key_...`): the principal's `subject`, safe to log. */
  id: string;
  /** Hex SHA-256 of the plaintext key (64 lowercase hex digits). */
  hash: string;
  /** The paying account the key belongs to. */
  tenant: string;
  /** Granted scopes, e.g. `"data:read"`. */
  scopes: readonly string[];
  /** Plan name used by rate limits and prices. */
  plan: string;
  /** `live` or `test`, as in the key's prefix. */
  mode: ApiKeyMode;
  /** Data residency constraint of the tenant, when it has one. */
  residency?: Residency;
  /** A human label ("CI deploys"), never a secret. */
  name?: string;
  /** When the key was created. */
  createdAt: number;
  /** When the key stops working, or `null` for never. */
  expiresAt: number | null;
  /** When the key was revoked, or `null` while it is active. */
  revokedAt: number | null;
}

/**
 * Storage of API key records, looked up by the digest of the presented key. Stores index by
 * digest; the `auth()` middleware compares the returned record's `hash` with the presented
 * key's digest in constant time. A shared store (`KvKeyStore`) serves several instances.
 *
 * @example
 * ```ts
 * import { issueApiKey, type KeyStore, MemoryKeyStore } from "@avila/avx-http/middleware";
 * const store: KeyStore = new MemoryKeyStore();
 * const { record } = await issueApiKey(store, { tenant: "acme", scopes: [], plan: "free", mode: "test" });
 * console.log((await store.findById(record.id))?.tenant); // "acme"
 * ```
 */
export interface KeyStore {
  /** The record whose `hash` is `hash`, or `null`. */
  findByHash(hash: string): ApiKeyRecord | null | Promise<ApiKeyRecord | null>;
  /** The record with public id `id`, or `null`. */
  findById(id: string): Promise<ApiKeyRecord | null>;
  /** Inserts or replaces the record with `record.id`. */
  put(record: ApiKeyRecord): Promise<void>;
  /** Marks key `id` revoked at `atMs`; false when there is no such key. Idempotent. */
  revoke(id: string, atMs: number): Promise<boolean>;
  /** Removes key `id` entirely; false when there was none. */
  delete(id: string): Promise<boolean>;
  /** Every key of `tenant`, revoked ones included, in id order. */
  listByTenant(tenant: string): Promise<ApiKeyRecord[]>;
}

const HASH_RE = /^[0-9a-f]{64}$/;
const ID_RE = /^[A-Za-z0-9_-]{1,128}$/;

function isTime(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/**
 * Checks a record's fields and returns it as a fresh, frozen value (stores keep no alias of the
 * caller's object). Throws `AuthError("invalid_argument")` naming the bad field. Custom
 * `KeyStore` implementations call it in `put` and on what they read back.
 *
 * @example
 * ```ts
 * import { generateApiKey } from "./api_key.ts";
 * import { validateApiKeyRecord } from "./key_store.ts";
 * const { id, hash } = await generateApiKey({ mode: "test" });
 * const r = validateApiKeyRecord({
 *   id, hash, tenant: "acme", scopes: ["data:read"], plan: "free", mode: "test",
 *   createdAt: Date.now(), expiresAt: null, revokedAt: null,
 * });
 * console.log(Object.isFrozen(r)); // true
 * ```
 */
export function validateApiKeyRecord(r: ApiKeyRecord): Readonly<ApiKeyRecord> {
  const bad = (field: string): never => {
    throw new AuthError("invalid_argument", `invalid API key record: ${field}`);
  };
  if (r === null || typeof r !== "object") bad("not an object");
  if (typeof r.id !== "string" || !ID_RE.test(r.id)) bad("id");
  if (typeof r.hash !== "string" || !HASH_RE.test(r.hash)) bad("hash");
  if (typeof r.tenant !== "string" || r.tenant.length === 0 || r.tenant.length > 256) bad("tenant");
  if (!Array.isArray(r.scopes) || r.scopes.length > 256) bad("scopes");
  for (const s of r.scopes) {
    if (typeof s !== "string" || s.length === 0 || s.length > 256 || /\s/.test(s)) bad("scopes");
  }
  if (typeof r.plan !== "string" || r.plan.length === 0 || r.plan.length > 128) bad("plan");
  if (r.mode !== "live" && r.mode !== "test") bad("mode");
  if (!isTime(r.createdAt)) bad("createdAt");
  if (r.expiresAt !== null && !isTime(r.expiresAt)) bad("expiresAt");
  if (r.revokedAt !== null && !isTime(r.revokedAt)) bad("revokedAt");
  if (r.name !== undefined && (typeof r.name !== "string" || r.name.length > 256)) bad("name");
  let residency: Residency | undefined;
  if (r.residency !== undefined) {
    const res = r.residency;
    if (
      res === null || typeof res !== "object" || !Array.isArray(res.regions) ||
      res.regions.some((x) => typeof x !== "string") ||
      (res.reason !== undefined && typeof res.reason !== "string")
    ) bad("residency");
    residency = Object.freeze({
      regions: Object.freeze([...res.regions]),
      ...(res.reason !== undefined ? { reason: res.reason } : {}),
    });
  }
  const out: ApiKeyRecord = {
    id: r.id,
    hash: r.hash,
    tenant: r.tenant,
    scopes: Object.freeze([...r.scopes]),
    plan: r.plan,
    mode: r.mode,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    revokedAt: r.revokedAt,
  };
  if (residency) out.residency = residency;
  if (r.name !== undefined) out.name = r.name;
  return Object.freeze(out);
}

/**
 * Generates a key, stores its record (digest only) and returns both. The plaintext `key` is
 * returned this once and never stored: hand it to the owner now.
 *
 * @example
 * ```ts
 * import { issueApiKey, MemoryKeyStore } from "@avila/avx-http/middleware";
 * const store = new MemoryKeyStore();
 * const { key, record } = await issueApiKey(store, {
 *   tenant: "acme",
 *   scopes: ["data:read"],
 *   plan: "pro",
 *   mode: "test",
 * });
 * console.log(key.startsWith("avl_test_"), record.tenant); // true "acme"
 * ```
 */
export async function issueApiKey(
  store: KeyStore,
  options: {
    /** The paying account. */
    tenant: string;
    /** Granted scopes. */
    scopes: readonly string[];
    /** Plan name. */
    plan: string;
    /** `live` or `test`. */
    mode: ApiKeyMode;
    /** Data residency of the tenant, if any. */
    residency?: Residency;
    /** Human label. */
    name?: string;
    /** Expiry (Unix ms), default never. */
    expiresAt?: number | null;
    /** Clock for `createdAt`, in ms; default `Date.now`. */
    now?: () => number;
  },
): Promise<{ key: string; record: ApiKeyRecord }> {
  const { key, id, hash } = await generateApiKey({ mode: options.mode });
  const record = validateApiKeyRecord({
    id,
    hash,
    tenant: options.tenant,
    scopes: options.scopes,
    plan: options.plan,
    mode: options.mode,
    ...(options.residency ? { residency: options.residency } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
    createdAt: (options.now ?? Date.now)(),
    expiresAt: options.expiresAt ?? null,
    revokedAt: null,
  });
  await store.put(record);
  return { key, record };
}
