/**
 * Where the idempotency middleware keeps its records: the `IdempotencyStore` interface and a
 * bounded in-memory store with TTLs.
 *
 * @module
 */

import { AvilaError } from "@avila/compress";

/** A response kept for replay. */
export interface StoredResponse {
  /** HTTP status. */
  status: number;
  /** Header pairs in order (`set-cookie` may repeat). */
  headers: Array<[string, string]>;
  /** Body bytes; `null` when the body was too large to keep (`bodyOmitted`). */
  body: Uint8Array | null;
  /** Whether the original body was larger than the middleware keeps. */
  bodyOmitted: boolean;
}

/** What a store holds for one key. */
export type IdempotencyRecord =
  | { state: "in_flight"; fingerprint: string; expiresAt: number }
  | { state: "done"; fingerprint: string; expiresAt: number; response: StoredResponse };

/** The result of {@link IdempotencyStore.begin}. */
export type BeginResult =
  /**
   * The key was free: the caller now holds it and must `complete` or `release` it. `lock`, when
   * the store gives one, names this hold: `release(key, lock)` then frees the key only while this
   * hold has it, never a later holder's after this one's lock lapsed.
   */
  | { outcome: "started"; lock?: string }
  /** The key is taken: in flight, or done with a stored response. */
  | { outcome: "existing"; record: IdempotencyRecord };

/**
 * Storage of idempotency records. `begin` must be atomic: of two concurrent calls with the same
 * key, exactly one gets `started`. A shared store (Redis, Deno KV) lets several instances
 * deduplicate together.
 *
 * @example
 * ```ts
 * import { type IdempotencyStore, MemoryIdempotencyStore } from "@avila/avx-http/middleware";
 * const store: IdempotencyStore = new MemoryIdempotencyStore({ maxEntries: 1000 });
 * console.log((await store.begin("k", "fp", 0, 60_000)).outcome); // "started"
 * ```
 */
export interface IdempotencyStore {
  /**
   * Takes `key` for a request with `fingerprint`, or returns the record already there. `owner`
   * names the caller the key belongs to (a hash, never a credential): a bounded store that must
   * evict shares its room between owners, so one caller's flood of new keys cannot evict the
   * records of others (whose retries would then run again).
   */
  begin(
    key: string,
    fingerprint: string,
    nowMs: number,
    lockMs: number,
    owner?: string,
  ): BeginResult | Promise<BeginResult>;
  /**
   * Stores the finished response under `key` until `nowMs + ttlMs`. With `lock` (from `begin`),
   * only while that hold still has the key, or nobody does: a hold whose lock lapsed must not
   * replace a later holder's record.
   */
  complete(
    key: string,
    fingerprint: string,
    response: StoredResponse,
    nowMs: number,
    ttlMs: number,
    lock?: string,
  ): void | Promise<void>;
  /**
   * Forgets an in-flight key (the request failed and may be tried again); with `lock` (from
   * `begin`), only while that hold still has it.
   */
  release(key: string, lock?: string): void | Promise<void>;
  /**
   * Extends the lock of `key` while it is still in flight for `fingerprint`, to `nowMs + lockMs`.
   * The middleware calls it every third of `lockMs` while the request runs, so a handler that
   * takes longer than `lockMs` keeps its key; a store without it caps that at `lockMs`.
   */
  refresh?(key: string, fingerprint: string, nowMs: number, lockMs: number): void | Promise<void>;
}

/**
 * A store refused a new key.
 *
 * @example
 * ```ts
 * import { IdempotencyStoreError } from "@avila/avx-http/middleware";
 * const e = new IdempotencyStoreError("store_full", "too many requests in flight");
 * console.log(e.code); // "store_full"
 * ```
 */
export class IdempotencyStoreError extends AvilaError<
  /** A bounded store has no room for another in-flight key. */
  | "store_full"
  /** A shared store (Redis) cannot be reached or did not answer in time. */
  | "store_unavailable"
> {
  /** Always `"IdempotencyStoreError"`. */
  override name = "IdempotencyStoreError";
}

function sizeOf(r: IdempotencyRecord): number {
  return r.state === "done" ? (r.response.body?.byteLength ?? 0) : 0;
}

/**
 * A bounded in-process store. Records expire after their TTL; when full, finished records are
 * evicted, oldest first, from the owner holding the most records (in-flight ones never are: a
 * store full of in-flight keys refuses new ones with `store_full`). So a caller sending many new
 * keys evicts its own records, not those of the callers it shares the store with.
 *
 * @example
 * ```ts
 * import { MemoryIdempotencyStore } from "@avila/avx-http/middleware";
 * const s = new MemoryIdempotencyStore();
 * await s.begin("k", "fp", 0, 60_000);
 * await s.complete("k", "fp", { status: 201, headers: [], body: null, bodyOmitted: false }, 0, 1000);
 * const again = await s.begin("k", "fp", 10, 60_000);
 * console.log(again.outcome === "existing" && again.record.state); // "done"
 * ```
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, IdempotencyRecord>();
  /** Each owner's keys, oldest first; and each key's owner. */
  readonly #owned = new Map<string, Set<string>>();
  readonly #ownerOf = new Map<string, string>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #bytes = 0;

  /**
   * Creates an empty store.
   *
   * @param options entry and byte limits
   */
  constructor(options: {
    /** Most keys kept; default 10000. The oldest finished ones are evicted first. */
    maxEntries?: number;
    /** Most stored body bytes in total; default 64 MiB. */
    maxBytes?: number;
  } = {}) {
    this.#maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 10_000));
    this.#maxBytes = Math.max(0, options.maxBytes ?? 64 * 1024 * 1024);
  }

  /** Keys currently held (in flight or done, expired ones included until swept). */
  get size(): number {
    return this.#records.size;
  }

  /** Stored body bytes. */
  get bytes(): number {
    return this.#bytes;
  }

  #delete(key: string): void {
    const r = this.#records.get(key);
    if (r === undefined) return;
    this.#bytes -= sizeOf(r);
    this.#records.delete(key);
    const owner = this.#ownerOf.get(key);
    if (owner === undefined) return;
    this.#ownerOf.delete(key);
    const keys = this.#owned.get(owner)!;
    keys.delete(key);
    if (keys.size === 0) this.#owned.delete(owner);
  }

  #own(key: string, owner: string): void {
    this.#ownerOf.set(key, owner);
    const keys = this.#owned.get(owner);
    if (keys === undefined) this.#owned.set(owner, new Set([key]));
    else keys.add(key);
  }

  /** Evicts one finished record: the oldest of the owner holding the most records that has one. */
  #evictOne(): boolean {
    let most: Set<string> | undefined;
    for (const keys of this.#owned.values()) {
      if (most === undefined || keys.size > most.size) most = keys;
    }
    if (most !== undefined && this.#evictOldestDone(most)) return true;
    // That owner's records are all in flight: the next largest owner gives one up.
    const owners = [...this.#owned.values()].sort((a, b) => b.size - a.size);
    for (const keys of owners) if (keys !== most && this.#evictOldestDone(keys)) return true;
    return false;
  }

  #evictOldestDone(keys: Iterable<string>): boolean {
    for (const k of keys) {
      if (this.#records.get(k)?.state === "done") {
        this.#delete(k);
        return true;
      }
    }
    return false;
  }

  #fits(entries: number, bytes: number): boolean {
    return this.#records.size + entries <= this.#maxEntries &&
      this.#bytes + bytes <= this.#maxBytes;
  }

  /** Evicts expired records, then the oldest finished ones, until `entries`/`bytes` fit. */
  #makeRoom(nowMs: number, entries: number, bytes: number): boolean {
    for (const [k, r] of this.#records) {
      if (r.expiresAt <= nowMs) this.#delete(k);
    }
    while (!this.#fits(entries, bytes)) {
      if (!this.#evictOne()) return false;
    }
    return true;
  }

  begin(
    key: string,
    fingerprint: string,
    nowMs: number,
    lockMs: number,
    owner = "",
  ): BeginResult {
    const existing = this.#records.get(key);
    if (existing !== undefined && existing.expiresAt > nowMs) {
      return { outcome: "existing", record: existing };
    }
    if (existing !== undefined) this.#delete(key);
    if (!this.#fits(1, 0) && !this.#makeRoom(nowMs, 1, 0)) {
      throw new IdempotencyStoreError("store_full", "too many idempotency keys in flight");
    }
    this.#records.set(key, { state: "in_flight", fingerprint, expiresAt: nowMs + lockMs });
    this.#own(key, owner);
    return { outcome: "started" };
  }

  complete(
    key: string,
    fingerprint: string,
    response: StoredResponse,
    nowMs: number,
    ttlMs: number,
  ): void {
    const owner = this.#ownerOf.get(key) ?? "";
    this.#delete(key);
    let stored = response;
    const size = response.body?.byteLength ?? 0;
    if (!this.#fits(1, size) && !this.#makeRoom(nowMs, 1, size)) {
      // No room for the body: remember the outcome without it, which still prevents a repeat.
      stored = { ...response, body: null, bodyOmitted: true };
      if (!this.#fits(1, 0) && !this.#makeRoom(nowMs, 1, 0)) return;
    }
    const record: IdempotencyRecord = {
      state: "done",
      fingerprint,
      expiresAt: nowMs + ttlMs,
      response: stored,
    };
    this.#records.set(key, record);
    this.#own(key, owner);
    this.#bytes += sizeOf(record);
  }

  release(key: string): void {
    const r = this.#records.get(key);
    if (r?.state === "in_flight") this.#delete(key);
  }

  refresh(key: string, fingerprint: string, nowMs: number, lockMs: number): void {
    const r = this.#records.get(key);
    if (r?.state === "in_flight" && r.fingerprint === fingerprint) r.expiresAt = nowMs + lockMs;
  }
}
