/**
 * A bounded in-process rate-limit store: synchronous (no await on the hot path), with a key
 * cap, expired entries swept when the cap is reached, and oldest-first eviction after that.
 *
 * @module
 */

import { checkRateLimitKey } from "./_key.ts";
import { RateLimitError, type ResolvedPolicy } from "./policy.ts";
import { applyPolicy, type RateLimitDecision, type RateLimitStore } from "./store.ts";

interface Entry {
  t: number;
  p: number;
  c: number;
  /** Epoch ms after which the entry equals an empty one. */
  e: number;
}

/**
 * Rate-limit state in a `Map`, for one process. Each `consume` is atomic because it runs
 * synchronously. When `maxKeys` is reached, expired entries are swept (at most once per
 * second of the injected clock); if none expired, the oldest-created entry is evicted, which
 * resets that key's limit — size `maxKeys` above the number of active keys.
 *
 * @example
 * ```ts
 * import { MemoryRateLimitStore } from "@avila/avx-http/middleware";
 * import { resolvePolicy } from "./policy.ts";
 * const store = new MemoryRateLimitStore({ maxKeys: 10_000 });
 * const policy = resolvePolicy({ limit: 1, windowSeconds: 60 });
 * console.log(store.consume("k", policy, 0, 1, 1).allowed); // true
 * console.log(store.consume("k", policy, 0, 1, 1).allowed); // false
 * ```
 */
export class MemoryRateLimitStore implements RateLimitStore {
  // policy id → key → entry: nested lookups on the (usually interned) key strings, with no
  // combined key built per request. `#size` counts entries across policies.
  readonly #entries = new Map<string, Map<string, Entry>>();
  #size = 0;
  readonly #maxKeys: number;
  #lastSweep = -Infinity;

  /**
   * Creates an empty store.
   *
   * @param options key cap
   */
  constructor(options: {
    /** Most (policy, key) entries kept; default 100 000. */
    maxKeys?: number;
  } = {}) {
    const max = options.maxKeys ?? 100_000;
    if (!Number.isInteger(max) || max < 1) {
      throw new RateLimitError("invalid_policy", "maxKeys must be a positive integer");
    }
    this.#maxKeys = max;
  }

  /** Number of entries held (expired ones included until swept). */
  get size(): number {
    return this.#size;
  }

  /** Atomically checks and updates `key` (see {@link RateLimitStore.consume}). */
  consume(
    key: string,
    policy: ResolvedPolicy,
    nowMs: number,
    cost: number,
    need: number,
  ): RateLimitDecision {
    checkRateLimitKey(key);
    let byKey = this.#entries.get(policy.id);
    if (byKey === undefined) this.#entries.set(policy.id, byKey = new Map());
    const entry = byKey.get(key);
    const live = entry !== undefined && entry.e > nowMs ? entry : undefined;
    const step = applyPolicy(policy, live, nowMs, cost, need);
    const next = step.state;
    if (next !== undefined) {
      if (entry !== undefined) {
        entry.t = next.t;
        entry.p = next.p;
        entry.c = next.c;
        entry.e = step.expiresAt;
      } else {
        if (this.#size >= this.#maxKeys) this.#makeRoom(nowMs);
        byKey.set(key, { t: next.t, p: next.p, c: next.c, e: step.expiresAt });
        this.#size++;
      }
    }
    return step.decision;
  }

  /** Drops entries that expired by `nowMs`; returns how many. */
  sweep(nowMs: number): number {
    let n = 0;
    for (const [id, byKey] of this.#entries) {
      for (const [k, v] of byKey) {
        if (v.e <= nowMs) {
          byKey.delete(k);
          n++;
        }
      }
      if (byKey.size === 0) this.#entries.delete(id);
    }
    this.#size -= n;
    return n;
  }

  #makeRoom(nowMs: number): void {
    // A full scan is O(keys): run it at most once a second so a flood of new keys stays O(1).
    if (nowMs - this.#lastSweep >= 1000) {
      this.#lastSweep = nowMs;
      if (this.sweep(nowMs) > 0) return;
    }
    // Evict the oldest entry of the policy holding the most (insertion order within a policy).
    let largest: Map<string, Entry> | undefined;
    for (const byKey of this.#entries.values()) {
      if (largest === undefined || byKey.size > largest.size) largest = byKey;
    }
    const oldest = largest?.keys().next();
    if (oldest !== undefined && !oldest.done) {
      largest!.delete(oldest.value);
      this.#size--;
    }
  }
}
