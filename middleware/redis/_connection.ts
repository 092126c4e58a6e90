// The one place the Redis stores talk to Redis: a node-redis client or cluster (made from a URL,
// or the caller's own), a per-call time budget, Lua scripts by EVALSHA with the NOSCRIPT
// fallback, and key names whose hash tag keeps every script on one cluster slot.

import { AvilaError } from "@avila/compress";
import { ConfigurationError } from "../../http/config_error.ts";

/**
 * How a Redis store reaches Redis: `url` (the store connects, reconnects and closes), or an
 * existing node-redis `client` (a client or a cluster, connected by the caller and left open).
 *
 * @example
 * ```ts
 * import type { RedisConnectionOptions } from "@avila/avx-http/middleware";
 * const single: RedisConnectionOptions = { url: "redis://127.0.0.1:6379", timeoutMs: 250 };
 * const cluster: RedisConnectionOptions = { url: ["redis://10.0.0.1:7000", "redis://10.0.0.2:7000"], cluster: true };
 * console.log(single.timeoutMs, cluster.cluster); // 250 true
 * ```
 */
export interface RedisConnectionOptions {
  /**
   * `redis://[user:password@]host:port[/db]` or `rediss://` (TLS). Several URLs, or
   * `cluster: true`, connect to a Redis Cluster (the URLs are its seed nodes).
   */
  url?: string | readonly string[];
  /** Treat `url` as a Redis Cluster's seed nodes; default: true when several URLs are given. */
  cluster?: boolean;
  /**
   * An existing node-redis client or cluster, already connected, used as is (the store never
   * connects or closes it). Create it with `disableOfflineQueue: true` so commands fail at once
   * while Redis is down instead of running late, after the caller gave up on them.
   */
  client?:
    | {
      /** Sends one command (`client.sendCommand(["GET", "k"])`). */
      sendCommand(args: string[]): Promise<unknown>;
      /** Whether the socket is connected and ready. */
      readonly isReady: boolean;
    }
    | {
      /** Sends one command to the node serving `firstKey`'s slot. */
      sendCommand(
        firstKey: string | undefined,
        isReadonly: boolean | undefined,
        args: string[],
      ): Promise<unknown>;
      /** The master of a slot (its presence tells a cluster from a single client). */
      getSlotMaster(slot: number): unknown;
      /** Whether the cluster is connected. */
      readonly isReady: boolean;
    };
  /** Longest a store call waits for Redis, in ms, before it fails; default 1000. */
  timeoutMs?: number;
}

/** Codes of {@link RedisStoreError}. */
export type RedisStoreErrorCode =
  /** Not connected (never yet, or the connection dropped and is being re-established). */
  | "unavailable"
  /** No answer within `timeoutMs`. */
  | "timeout"
  /** Redis answered with an error (a bug, or a foreign value under the store's keys). */
  | "command_failed";

/**
 * Why a call to Redis failed. The stores wrap it in their own error types (`RateLimitError`,
 * `AuthError`, `IdempotencyStoreError`, `CostLedgerError`) as the `cause`.
 *
 * @example
 * ```ts
 * import { RedisStoreError } from "./_connection.ts";
 * const e = new RedisStoreError("timeout", "Redis did not answer within 1000 ms");
 * console.log(e.code); // "timeout"
 * ```
 */
export class RedisStoreError extends AvilaError<RedisStoreErrorCode> {
  /**
   * Creates the error.
   *
   * @param code what failed
   * @param message explanation (never a credential: URLs are not quoted)
   * @param options standard error options (`cause`)
   */
  constructor(code: RedisStoreErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "RedisStoreError";
  }
}

/** A Lua script run by SHA-1 (EVALSHA), loaded on first use or after a `SCRIPT FLUSH`. */
export class RedisScript {
  readonly source: string;
  #sha: string | undefined;

  constructor(source: string) {
    this.source = source;
  }

  /** The SHA-1 once computed (the hot path then needs no await). */
  get known(): string | undefined {
    return this.#sha;
  }

  async sha(): Promise<string> {
    if (this.#sha === undefined) {
      const d = new Uint8Array(
        await crypto.subtle.digest("SHA-1", new TextEncoder().encode(this.source)),
      );
      let s = "";
      for (const b of d) s += b.toString(16).padStart(2, "0");
      this.#sha = s;
    }
    return this.#sha;
  }
}

/**
 * Part of a key name from arbitrary text: percent-encoded, so no `{`, `}` or `:` of the text can
 * move a hash tag or make two different names collide. Any JavaScript string is accepted: a lone
 * surrogate (which `encodeURIComponent` refuses and UTF-8 cannot carry) becomes `%uXXXX`, a form
 * percent-encoding never makes (`u` is no hex digit), so distinct texts keep distinct names.
 */
export function keyPart(text: string): string {
  if (text.isWellFormed()) return encodeURIComponent(text);
  let out = "";
  let at = 0;
  for (const m of text.matchAll(LONE_SURROGATE)) {
    out += encodeURIComponent(text.slice(at, m.index)) +
      `%u${text.charCodeAt(m.index).toString(16).toUpperCase()}`;
    at = m.index + 1;
  }
  return out + encodeURIComponent(text.slice(at));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text a {@link keyPart} was made from (its `%uXXXX` lone surrogates included).
 *
 * @example
 * ```ts
 * import { fromKeyPart, keyPart } from "./_connection.ts";
 * const part = keyPart("a{\uD800}");
 * console.log(part, fromKeyPart(part) === "a{\uD800}"); // "a%7B%uD800%7D" true
 * ```
 */
export function fromKeyPart(part: string): string {
  if (!part.includes("%u")) return decodeURIComponent(part);
  let out = "";
  for (const piece of part.split(/(%u[0-9A-F]{4})/)) {
    out += piece.startsWith("%u")
      ? String.fromCharCode(parseInt(piece.slice(2), 16))
      : decodeURIComponent(piece);
  }
  return out;
}

const DEFAULT_TIMEOUT_MS = 1000;

// The two kinds of `client`: a node-redis cluster (`createCluster()`, commands routed by their
// first key) and a single client (`createClient()` of `redis` or `@redis/client`, v5 or later).
type RedisHandle = NonNullable<RedisConnectionOptions["client"]>;
type RedisClusterHandle = Extract<RedisHandle, { getSlotMaster: unknown }>;
type RedisClientHandle = Exclude<RedisHandle, RedisClusterHandle>;

function isCluster(c: RedisClientHandle | RedisClusterHandle): c is RedisClusterHandle {
  return typeof (c as RedisClusterHandle).getSlotMaster === "function";
}

type NodeRedisModule = {
  ErrorReply: new (...args: never[]) => Error;
  createClient(options: Record<string, unknown>): RedisClientHandle & Connectable;
  createCluster(options: Record<string, unknown>): RedisClusterHandle & Connectable;
};

interface Connectable {
  connect(): Promise<unknown>;
  close?(): Promise<unknown>;
  destroy?(): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

let library: Promise<NodeRedisModule> | undefined;

/** node-redis, loaded on first use: programs that never use Redis never load its client. */
function nodeRedis(): Promise<NodeRedisModule> {
  return library ??= import("@redis/client") as unknown as Promise<NodeRedisModule>;
}

/** Waits at most `ms` for `p`; rejects with a `timeout` error past it. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RedisStoreError("timeout", `Redis did not answer within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

interface Watched {
  at: number;
  settled: boolean;
  reject: (e: unknown) => void;
}

/**
 * Time budgets of one connection's calls without a timer per call: every call has the same
 * budget, so deadlines come in call order; one interval (running only while calls are
 * outstanding, unref'd) fails those past it, at most a tick (<= 50 ms) late.
 */
class Deadlines {
  readonly #ms: number;
  readonly #tick: number;
  #queue: Watched[] = [];
  #head = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(ms: number) {
    this.#ms = ms;
    this.#tick = Math.max(5, Math.min(50, Math.floor(ms / 10)));
  }

  /** `p` within the budget; its failures go through `fail` (which throws the mapped error). */
  watch<T>(p: Promise<T>, fail: (e: unknown) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const w: Watched = { at: Date.now() + this.#ms, settled: false, reject };
      this.#queue.push(w);
      if (this.#timer === undefined) this.#arm();
      p.then(
        (v) => {
          if (w.settled) return;
          w.settled = true;
          resolve(v);
        },
        (e) => {
          if (w.settled) return;
          w.settled = true;
          fail(e).then(resolve, reject);
        },
      );
    });
  }

  #arm(): void {
    const timer = setInterval(() => this.#sweep(), this.#tick);
    (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(
      timer as unknown as number,
    );
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }

  #sweep(): void {
    const now = Date.now();
    const q = this.#queue;
    while (this.#head < q.length) {
      const w = q[this.#head];
      if (!w.settled) {
        if (w.at > now) break;
        w.settled = true;
        w.reject(new RedisStoreError("timeout", `Redis did not answer within ${this.#ms} ms`));
      }
      this.#head++;
    }
    if (this.#head === q.length) {
      this.#queue = [];
      this.#head = 0;
      clearInterval(this.#timer);
      this.#timer = undefined;
    } else if (this.#head > 1024 && this.#head * 2 > q.length) {
      this.#queue = q.slice(this.#head);
      this.#head = 0;
    }
  }
}

async function failure(e: unknown): Promise<never> {
  if (e instanceof RedisStoreError) throw e;
  if (e instanceof (await nodeRedis()).ErrorReply) {
    throw new RedisStoreError("command_failed", "Redis refused a command", { cause: e });
  }
  throw new RedisStoreError("unavailable", "Redis connection failed", { cause: e });
}

/**
 * One store's way to Redis. Made from a URL, it connects in the background (never blocking the
 * constructor), reconnects on its own with a capped backoff, and has no offline queue: while
 * Redis is down every call fails at once (`unavailable`) instead of piling up and running late.
 * Every call is bounded by `timeoutMs`.
 */
export class RedisConnection {
  readonly timeoutMs: number;
  readonly #owned: boolean;
  readonly #deadlines: Deadlines;
  #handle: RedisClientHandle | RedisClusterHandle | undefined;
  #opening: Promise<void> | undefined;
  #closed = false;
  /** The last connection error, for readiness reports. */
  lastError: string | undefined;
  /** Whether this is a Redis Cluster (a script may then touch one slot only). */
  readonly cluster: boolean;

  constructor(options: RedisConnectionOptions, what: string) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs > 0 && timeoutMs <= 600_000)) {
      throw new ConfigurationError("invalid_option", `${what}: timeoutMs must be in 1..600000`);
    }
    this.timeoutMs = timeoutMs;
    this.#deadlines = new Deadlines(timeoutMs);
    if (options.client !== undefined) {
      if (options.url !== undefined) {
        throw new ConfigurationError("invalid_option", `${what}: give either url or client`);
      }
      if (typeof options.client?.sendCommand !== "function") {
        throw new ConfigurationError(
          "invalid_option",
          `${what}: client is not a node-redis client`,
        );
      }
      this.#handle = options.client;
      this.#owned = false;
      this.cluster = isCluster(options.client);
      return;
    }
    const urls = typeof options.url === "string" ? [options.url] : [...(options.url ?? [])];
    if (urls.length === 0 || urls.some((u) => !/^rediss?:\/\/[^\s]+$/.test(u))) {
      throw new ConfigurationError(
        "invalid_option",
        `${what}: url must be redis://host:port or rediss://host:port (or a list of them)`,
      );
    }
    this.#owned = true;
    const cluster = options.cluster ?? urls.length > 1;
    this.cluster = cluster;
    this.#opening = this.#open(urls, cluster);
  }

  async #open(urls: string[], cluster: boolean): Promise<void> {
    const lib = await nodeRedis();
    const socket = {
      connectTimeout: this.timeoutMs,
      // Retry forever with a capped backoff: the store comes back with Redis, no restart.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 5), 1000),
    };
    const handle = cluster
      ? lib.createCluster({
        rootNodes: urls.map((url) => ({ url })),
        defaults: { socket, disableOfflineQueue: true },
      })
      : lib.createClient({ url: urls[0], socket, disableOfflineQueue: true });
    // node-redis emits connection errors as events: without a listener they would crash the
    // process. They are kept for /readyz and turn into failed calls meanwhile.
    handle.on("error", (e: unknown) => {
      this.lastError = e instanceof Error ? e.message : String(e);
    });
    handle.on("ready", () => {
      this.lastError = undefined;
    });
    this.#handle = handle;
    if (this.#closed) return;
    // A cluster needs its first connection to learn the slots; a client reconnects by itself.
    for (let attempt = 0; !this.#closed; attempt++) {
      try {
        await handle.connect();
        return;
      } catch (e) {
        this.lastError = e instanceof Error ? e.message : String(e);
        if (!cluster) return; // the client keeps reconnecting in the background
        await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** Math.min(attempt, 5), 1000)));
      }
    }
  }

  /**
   * Resolves once connected (the first connection made from a URL), or rejects with
   * `unavailable` when that takes longer than `waitMs` (default 10 s); calls made before it may
   * fail while the connection is still being made.
   */
  async connect(waitMs = 10_000): Promise<void> {
    for (const end = Date.now() + waitMs; !this.ready;) {
      if (this.#closed || Date.now() >= end) {
        throw new RedisStoreError("unavailable", "Redis is not connected");
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Whether commands can be sent now. */
  get ready(): boolean {
    return this.#handle?.isReady === true;
  }

  /**
   * Sends one command, routed by `key` on a cluster. The first call of a new connection waits
   * for it (within the time budget); later calls fail at once while Redis is down.
   */
  command(
    key: string | undefined,
    args: string[],
    fail: (e: unknown) => Promise<unknown> = failure,
  ): Promise<unknown> {
    const h = this.#handle;
    if (h === undefined || !h.isReady || this.#closed) return this.#commandLate(key, args);
    let sent: Promise<unknown>;
    try {
      sent = isCluster(h) ? h.sendCommand(key, false, args) : h.sendCommand(args);
    } catch (e) {
      return fail(e);
    }
    return this.#deadlines.watch(sent, fail);
  }

  async #commandLate(key: string | undefined, args: string[]): Promise<unknown> {
    if (this.#opening !== undefined) {
      await within(this.#opening, this.timeoutMs).catch(() => {});
      this.#opening = undefined;
    }
    const h = this.#handle;
    if (h === undefined || !h.isReady || this.#closed) {
      throw new RedisStoreError("unavailable", "Redis is not connected");
    }
    return await this.command(key, args);
  }

  /**
   * Runs `script` on the slot of `keys[0]` (every key of a script shares its hash tag): EVALSHA,
   * and EVAL once when Redis answers NOSCRIPT (first use, restart, failover, `SCRIPT FLUSH`).
   */
  eval(script: RedisScript, keys: string[], args: string[]): Promise<unknown> {
    const sha = script.known;
    if (sha === undefined) return script.sha().then(() => this.eval(script, keys, args));
    const n = String(keys.length);
    return this.command(keys[0], ["EVALSHA", sha, n, ...keys, ...args], async (e) => {
      // NOSCRIPT is the protocol's error prefix (redis.io/docs: EVALSHA), not a library message.
      const err = await failure(e).catch((x) => x);
      const noScript = err instanceof RedisStoreError && err.code === "command_failed" &&
        err.cause instanceof Error && err.cause.message.startsWith("NOSCRIPT");
      if (!noScript) throw err;
      return this.command(keys[0], ["EVAL", script.source, n, ...keys, ...args]);
    });
  }

  /** Round-trips a PING; for readiness checks. */
  async ping(): Promise<void> {
    const h = this.#handle;
    if (h !== undefined && isCluster(h)) {
      // A cluster is as ready as the slot of a known key.
      await this.command("{avx}", ["PING"]);
      return;
    }
    await this.command(undefined, ["PING"]);
  }

  /** The store's readiness, as `/readyz` reports it: a PING within the time budget. */
  async readiness(): Promise<{ ok: boolean; detail?: string }> {
    try {
      await this.ping();
      return { ok: true };
    } catch (e) {
      const why = e instanceof RedisStoreError ? e.code : "unavailable";
      return { ok: false, detail: `redis ${why}` };
    }
  }

  /** Closes a connection the store opened; a caller's client is left alone. */
  async close(): Promise<void> {
    this.#closed = true;
    if (!this.#owned) return;
    await this.#opening?.catch(() => {});
    const h = this.#handle as (Connectable & { isOpen?: boolean }) | undefined;
    if (h === undefined) return;
    try {
      if (h.isOpen === false) h.destroy?.();
      else await (h.close?.() ?? Promise.resolve(h.destroy?.()));
    } catch {
      h.destroy?.();
    }
  }
}
