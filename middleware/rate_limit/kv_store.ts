/**
 * A rate-limit store in Deno KV, so several instances sharing one database enforce one limit.
 *
 * @module
 */

import { checkRateLimitKey } from "./_key.ts";
import { RateLimitError, type ResolvedPolicy } from "./policy.ts";
import {
  applyPolicy,
  type RateLimitDecision,
  type RateLimitState,
  type RateLimitStore,
} from "./store.ts";

interface Pending {
  policy: ResolvedPolicy;
  nowMs: number;
  cost: number;
  need: number;
  resolve: (d: RateLimitDecision) => void;
  reject: (e: unknown) => void;
}

function asState(v: unknown): RateLimitState | undefined {
  if (v === null || typeof v !== "object") return undefined;
  const s = v as Record<string, unknown>;
  return Number.isFinite(s.t) && Number.isFinite(s.p) && Number.isFinite(s.c)
    ? { t: s.t as number, p: s.p as number, c: s.c as number }
    : undefined; // unknown shape (older version, foreign writer): start afresh
}

/**
 * Rate-limit state in Deno KV. Each key is read, stepped and written back with an atomic
 * versionstamp check, retried on conflict, so instances sharing one database (one file, or
 * Deno Deploy's global KV) enforce a single limit. Within an instance, concurrent calls for
 * the same key are queued and applied in one read-modify-write: 1000 parallel requests cost a
 * handful of commits, not 1000 conflicting ones. Entries expire (`expireIn`) once they equal an
 * empty state. Failures throw {@link RateLimitError} (`store_failure`, `store_contention`).
 *
 * @example
 * ```ts
 * import { KvRateLimitStore } from "@avila/avx-http/middleware";
 * import { resolvePolicy } from "./policy.ts";
 * const kv = await Deno.openKv(":memory:"); // Deno KV: --unstable-kv locally
 * const store = new KvRateLimitStore(kv);
 * const d = await store.consume("tenant:acme", resolvePolicy({ limit: 3, windowSeconds: 60 }), Date.now(), 1, 1);
 * console.log(d.remaining); // 2
 * kv.close();
 * ```
 */
export class KvRateLimitStore implements RateLimitStore {
  readonly #kv: Deno.Kv;
  readonly #prefix: readonly Deno.KvKeyPart[];
  readonly #maxAttempts: number;
  readonly #queues = new Map<string, Pending[]>();

  /**
   * Wraps an open database; the store never opens or closes it.
   *
   * @param kv the database (`await Deno.openKv(path)`)
   * @param options prefix and retry bound
   */
  constructor(kv: Deno.Kv, options: {
    /** Key prefix in the database; default `["avx", "ratelimit"]`. */
    prefix?: readonly Deno.KvKeyPart[];
    /** Commit attempts per batch before giving up with `store_contention`; default 64. */
    maxAttempts?: number;
  } = {}) {
    this.#kv = kv;
    this.#prefix = options.prefix ?? ["avx", "ratelimit"];
    const attempts = options.maxAttempts ?? 64;
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new RateLimitError("invalid_policy", "maxAttempts must be a positive integer");
    }
    this.#maxAttempts = attempts;
  }

  /** Atomically checks and updates `key` across every instance sharing the database. */
  consume(
    key: string,
    policy: ResolvedPolicy,
    nowMs: number,
    cost: number,
    need: number,
  ): Promise<RateLimitDecision> {
    return new Promise((resolve, reject) => {
      checkRateLimitKey(key); // a throw here rejects the promise
      const op: Pending = { policy, nowMs, cost, need, resolve, reject };
      const id = policy.id + "\u0000" + key;
      const queue = this.#queues.get(id);
      if (queue !== undefined) {
        queue.push(op);
        return;
      }
      this.#queues.set(id, [op]);
      void this.#drain(id, [...this.#prefix, policy.id, key]);
    });
  }

  async #drain(id: string, kvKey: Deno.KvKey): Promise<void> {
    const queue = this.#queues.get(id)!;
    while (queue.length > 0) {
      const batch = queue.splice(0);
      try {
        const decisions = await this.#commit(kvKey, batch);
        for (let i = 0; i < batch.length; i++) batch[i].resolve(decisions[i]);
      } catch (e) {
        const err = e instanceof RateLimitError
          ? e
          : new RateLimitError("store_failure", "Deno KV rate-limit store failed", { cause: e });
        for (const op of batch) op.reject(err);
      }
    }
    this.#queues.delete(id);
  }

  async #commit(kvKey: Deno.KvKey, batch: Pending[]): Promise<RateLimitDecision[]> {
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      let ok: boolean;
      let decisions: RateLimitDecision[];
      try {
        const current = await this.#kv.get(kvKey);
        let state = asState(current.value);
        let changed = false;
        let expiresAt = 0;
        let now = 0;
        decisions = [];
        for (const op of batch) {
          const step = applyPolicy(op.policy, state, op.nowMs, op.cost, op.need);
          decisions.push(step.decision);
          if (step.state !== undefined) {
            state = step.state;
            changed = true;
          }
          if (step.expiresAt > expiresAt) expiresAt = step.expiresAt;
          if (op.nowMs > now) now = op.nowMs;
        }
        if (!changed) return decisions;
        const res = await this.#kv.atomic()
          .check(current)
          .set(kvKey, state, { expireIn: Math.max(1000, Math.ceil(expiresAt - now) + 1000) })
          .commit();
        ok = res.ok;
      } catch (e) {
        // SQLite-backed KV shared by several handles or processes reports a busy writer as
        // "database is locked": the same situation as a lost race, so retry it.
        if (!(e instanceof Error && /database is locked|busy/i.test(e.message))) throw e;
        ok = false;
        decisions = [];
      }
      if (ok) return decisions;
      // Another writer got in between our read and commit: re-read and re-apply. Back off a
      // little once conflicts repeat so two hot instances do not livelock.
      if (attempt > 2) {
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(attempt, 20)));
      }
    }
    throw new RateLimitError(
      "store_contention",
      `rate-limit key still contended after ${this.#maxAttempts} attempts`,
    );
  }
}
