/**
 * Rate limits on Cloudflare with strong consistency: one Durable Object per rate-limit key holds
 * that key's counters, and every check is a read-modify-write inside the object, serialised by
 * the runtime's input gates, so N concurrent requests against a limit of L admit exactly
 * min(N, L) — across every location and isolate.
 *
 * Why not Workers KV: KV allows about one write per second per key and is eventually consistent
 * (other locations see a write after up to ~60 s), so a KV counter under load both loses
 * updates and lets every location spend the full quota. Durable Objects trade that for one
 * round trip to the object's location per check.
 *
 * Wire it up: export {@link RateLimitObject} from the Worker's main module, bind a Durable
 * Object namespace to it (`RATE_LIMITS`), and pass `new DurableObjectRateLimitStore(env.RATE_LIMITS)`
 * as `rateLimit({ store })`. Idle keys delete their state with an alarm once it has expired.
 *
 * @module
 */

import {
  applyPolicy,
  MAX_RATE_LIMIT_KEY_LENGTH,
  type RateLimitDecision,
  RateLimitError,
  type RateLimitState,
  type RateLimitStore,
  type ResolvedPolicy,
  resolvePolicy,
} from "../rate_limit/mod.ts";
import { checkRateLimitKey } from "../rate_limit/_key.ts";
import { callObject, jsonError, readJson } from "./_rpc.ts";
import type { DurableObjectNamespaceLike, DurableObjectStateLike } from "./types.ts";

interface ConsumeRequest {
  key: string;
  policy: ResolvedPolicy;
  nowMs: number;
  cost: number;
  need: number;
}

interface StoredState {
  state: RateLimitState;
  expiresAt: number;
}

/**
 * A `RateLimitStore` whose counters live in Durable Objects (one object per key).
 *
 * @example
 * ```ts
 * import { DurableObjectRateLimitStore } from "./mod.ts";
 * import { rateLimit } from "../rate_limit/mod.ts";
 * // In a Worker: rateLimit({ store: new DurableObjectRateLimitStore(env.RATE_LIMITS), ... })
 * const ns = { idFromName: (n: string) => n, get: () => ({ fetch: () => Promise.reject(new Error("offline")) }) };
 * const mw = rateLimit({ store: new DurableObjectRateLimitStore(ns), policy: { limit: 10, windowSeconds: 60 } });
 * console.log(typeof mw); // "function"
 * ```
 */
export class DurableObjectRateLimitStore implements RateLimitStore {
  readonly #ns: DurableObjectNamespaceLike;

  /**
   * Wraps the namespace binding of {@link RateLimitObject}.
   *
   * @param namespace the binding (`env.RATE_LIMITS`)
   */
  constructor(namespace: DurableObjectNamespaceLike) {
    this.#ns = namespace;
  }

  /** Applies `policy` to `key` in the key's object; throws `RateLimitError` when it cannot. */
  async consume(
    key: string,
    policy: ResolvedPolicy,
    nowMs: number,
    cost: number,
    need: number,
  ): Promise<RateLimitDecision> {
    // An object's name cannot be empty; the length is every store's check.
    if (typeof key !== "string" || key.length === 0) {
      throw new RateLimitError(
        "invalid_key",
        `rate-limit keys are 1..${MAX_RATE_LIMIT_KEY_LENGTH} chars`,
      );
    }
    checkRateLimitKey(key);
    try {
      const stub = this.#ns.get(this.#ns.idFromName(key));
      return await callObject<RateLimitDecision>(
        stub,
        "/consume",
        {
          key,
          policy,
          nowMs,
          cost,
          need,
        } satisfies ConsumeRequest,
      );
    } catch (e) {
      throw new RateLimitError("store_failure", "the rate-limit Durable Object did not answer", {
        cause: e,
      });
    }
  }
}

function samePolicy(a: ResolvedPolicy, b: ResolvedPolicy): boolean {
  return a.id === b.id && a.limit === b.limit && a.windowSeconds === b.windowSeconds &&
    a.algorithm === b.algorithm && a.burst === b.burst && a.unit === b.unit && a.cost === b.cost;
}

function parseConsume(body: unknown): ConsumeRequest {
  const b = body as Partial<ConsumeRequest> | null;
  if (b === null || typeof b !== "object") throw new TypeError("body must be an object");
  if (typeof b.key !== "string" || b.key.length === 0 || b.key.length > MAX_RATE_LIMIT_KEY_LENGTH) {
    throw new TypeError("key");
  }
  for (const f of ["nowMs", "cost", "need"] as const) {
    if (typeof b[f] !== "number" || !Number.isFinite(b[f]) || (b[f] as number) < 0) {
      throw new TypeError(f);
    }
  }
  const p = b.policy as ResolvedPolicy | undefined;
  if (p === undefined || p === null || typeof p !== "object") throw new TypeError("policy");
  // Re-resolve: the object trusts only arithmetic it derived itself.
  const resolved = resolvePolicy({
    name: p.name,
    limit: p.limit,
    windowSeconds: p.windowSeconds,
    algorithm: p.algorithm,
    burst: p.burst,
    unit: p.unit,
    cost: p.cost,
  });
  // A route-scoped policy carries a suffixed id (`<id>@<route>`); keep it, checked by prefix.
  if (p.id !== resolved.id && !(typeof p.id === "string" && p.id.startsWith(`${resolved.id}@`))) {
    throw new TypeError("policy id does not match its fields");
  }
  const policy = { ...resolved, id: p.id };
  if (!samePolicy(policy, { ...p, id: p.id })) throw new TypeError("policy fields");
  return { key: b.key, policy, nowMs: b.nowMs!, cost: b.cost!, need: b.need! };
}

/**
 * The Durable Object class holding one key's rate-limit state (export it from the Worker).
 *
 * @example
 * ```ts
 * import { RateLimitObject } from "./mod.ts";
 * // worker.ts: export { RateLimitObject } from "@avila/avx-http/cloudflare";
 * console.log(typeof RateLimitObject); // "function"
 * ```
 */
export class RateLimitObject {
  readonly #state: DurableObjectStateLike;

  /**
   * Called by the runtime.
   *
   * @param state the object's state and storage
   * @param _env the Worker's bindings (unused)
   */
  constructor(state: DurableObjectStateLike, _env?: unknown) {
    this.#state = state;
  }

  /** Handles `POST /consume` from {@link DurableObjectRateLimitStore}. */
  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (request.method !== "POST" || path !== "/consume") return jsonError(404, "not found");
    let req: ConsumeRequest;
    try {
      req = parseConsume(await readJson(request));
    } catch (e) {
      return jsonError(400, `invalid consume request: ${(e as Error).message}`);
    }
    const storage = this.#state.storage;
    const slot = `p:${req.policy.id}`;
    // Only storage is awaited between this read and the write below: the input gate keeps any
    // other request for this key out, so the step is atomic.
    const stored = await storage.get<StoredState>(slot);
    const live = stored !== undefined && stored.expiresAt > req.nowMs ? stored.state : undefined;
    const step = applyPolicy(req.policy, live, req.nowMs, req.cost, req.need);
    if (step.state !== undefined) {
      await storage.put<StoredState>(slot, { state: step.state, expiresAt: step.expiresAt });
      await storage.setAlarm(step.expiresAt + 1000);
    }
    return new Response(JSON.stringify(step.decision), {
      headers: { "content-type": "application/json" },
    });
  }

  /** Deletes expired states (the runtime calls it at the time set with `setAlarm`). */
  async alarm(): Promise<void> {
    const storage = this.#state.storage;
    const now = Date.now();
    const all = await storage.list<StoredState>({ prefix: "p:", limit: 1000 });
    const expired: string[] = [];
    let next = Infinity;
    for (const [k, v] of all) {
      if (v.expiresAt <= now) expired.push(k);
      else next = Math.min(next, v.expiresAt);
    }
    if (expired.length) await storage.delete(expired);
    if (next !== Infinity) await storage.setAlarm(next + 1000);
  }
}
