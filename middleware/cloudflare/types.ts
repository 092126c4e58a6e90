/**
 * The parts of the Workers runtime API the adapters use, typed structurally so this module needs
 * neither `@cloudflare/workers-types` nor the Workers runtime to type-check.
 *
 * @module
 */

/**
 * A Workers KV namespace binding (the subset the adapters call).
 *
 * @example
 * ```ts
 * import type { KvNamespaceLike } from "./mod.ts";
 * const ns: Partial<KvNamespaceLike> = {};
 * console.log(typeof ns); // "object"
 * ```
 */
export interface KvNamespaceLike {
  /** The value of `key` as text, or `null`. `cacheTtl` (>= 60 s) is how long edges may cache it. */
  get(key: string, options: { type: "text"; cacheTtl?: number }): Promise<string | null>;
  /** Writes `key` (at most one write per second per key). */
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  /** Deletes `key`. */
  delete(key: string): Promise<void>;
  /** Lists keys by prefix, a page at a time. */
  list(options: { prefix?: string; cursor?: string; limit?: number }): Promise<{
    keys: Array<{ name: string }>;
    list_complete: boolean;
    cursor?: string;
  }>;
}

/**
 * A Durable Object namespace binding (the subset the adapters call).
 *
 * @example
 * ```ts
 * import type { DurableObjectNamespaceLike } from "./mod.ts";
 * const ns: Partial<DurableObjectNamespaceLike> = {};
 * console.log(typeof ns); // "object"
 * ```
 */
export interface DurableObjectNamespaceLike {
  /** The id of the object named `name` (the same name always maps to the same object). */
  idFromName(name: string): unknown;
  /** A stub for the object with id `id`. */
  get(id: unknown): {
    /** Sends a request to the object's `fetch` handler. */
    fetch(request: Request): Promise<Response>;
  };
}

/**
 * What the runtime hands a Durable Object's constructor.
 *
 * @example
 * ```ts
 * import type { DurableObjectStateLike } from "./mod.ts";
 * const s: Partial<DurableObjectStateLike> = {};
 * console.log(typeof s); // "object"
 * ```
 */
export interface DurableObjectStateLike {
  /** The object's storage. */
  readonly storage: {
    /** One value, or `undefined`. */
    get<T>(key: string): Promise<T | undefined>;
    /** Writes one value. */
    put<T>(key: string, value: T): Promise<void>;
    /** Writes many values at once (up to 128). */
    put<T>(entries: Record<string, T>): Promise<void>;
    /** Deletes keys; resolves with how many existed. */
    delete(keys: string[]): Promise<number>;
    /** Entries in key order. */
    list<T>(options?: { prefix?: string; start?: string; end?: string; limit?: number }): Promise<
      Map<string, T>
    >;
    /** Schedules the object's `alarm()`. */
    setAlarm(scheduledTime: number): Promise<void>;
  };
}
