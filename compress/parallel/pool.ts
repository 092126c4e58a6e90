/**
 * A pool of Web Workers that compress independent blocks. Workers start lazily on first use
 * and live until `close()`; each runs one block at a time.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import type { Algorithm } from "../types.ts";

/** Options of {@link CompressionPool}. */
export interface CompressionPoolOptions {
  /** Number of workers (default `navigator.hardwareConcurrency`, at least 1, at most 64). */
  workers?: number;
}

interface Pending {
  resolve(out: Uint8Array): void;
  reject(err: unknown): void;
}

interface Job extends Pending {
  algorithm: Algorithm;
  level: number;
  block: Uint8Array;
}

interface Slot {
  worker: Worker;
  /** Id of the job it is running, or -1 when idle. */
  busy: number;
}

type Reply = { id: number; out: Uint8Array } | {
  id: number;
  code: CompressError["code"];
  message: string;
};

/**
 * True where this runtime has Web Workers (Deno, browsers, Bun); elsewhere the parallel entry
 * points compress on the calling thread.
 *
 * @example
 * ```ts
 * import { workersAvailable } from "./pool.ts";
 * console.log(workersAvailable()); // true in Deno
 * ```
 */
export function workersAvailable(): boolean {
  return typeof Worker === "function";
}

/**
 * The default worker count: `navigator.hardwareConcurrency` (1..64), or 2 when unknown.
 *
 * @example
 * ```ts
 * import { defaultWorkerCount } from "./pool.ts";
 * console.log(defaultWorkerCount() >= 1); // true
 * ```
 */
export function defaultWorkerCount(): number {
  const n = typeof navigator === "object" ? navigator.hardwareConcurrency : undefined;
  return typeof n === "number" && n >= 1 ? Math.min(n, 64) : 2;
}

/**
 * Web Workers compressing blocks off the main thread. Close it when done (it keeps the
 * process alive otherwise); closing rejects queued and running blocks.
 *
 * @example
 * ```ts
 * import { Algorithm } from "@avila/compress";
 * import { compressParallel } from "./compress_parallel.ts";
 * import { CompressionPool } from "./pool.ts";
 * using pool = new CompressionPool({ workers: 2 });
 * const data = new TextEncoder().encode("sensor,reading\n".repeat(100000));
 * const packed = await compressParallel(data, Algorithm.Lz4, { pool, blockSize: 262144 });
 * console.log(packed.length < data.length); // true
 * ```
 */
export class CompressionPool {
  /** Number of workers this pool runs at most. */
  readonly size: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  readonly #running = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  /**
   * Creates the pool.
   *
   * @param options worker count
   * @throws {CompressError} `unsupported` for a worker count outside 1..64
   */
  constructor(options: CompressionPoolOptions = {}) {
    const n = options.workers ?? defaultWorkerCount();
    if (!Number.isInteger(n) || n < 1 || n > 64) {
      throw new CompressError("unsupported", "workers must be an integer in 1..64");
    }
    this.size = n;
  }

  /** True once {@link CompressionPool.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Number of workers started so far (they start lazily). */
  get started(): number {
    return this.#slots.length;
  }

  /**
   * Compresses one block on a worker with the independent-block codec of `algorithm` (see
   * `compressBlocksSync`); `level` is codec-native. The block's buffer is copied, not taken.
   *
   * @throws {CompressError} the worker's typed error, or `unsupported` when the pool is
   *   closed or a worker cannot start or dies
   *
   * @example
   * ```ts
   * import { Algorithm } from "@avila/compress";
   * import { CompressionPool } from "./pool.ts";
   * using pool = new CompressionPool({ workers: 1 });
   * const part = await pool.compressBlock(Algorithm.Zstd, 3, new Uint8Array(4096));
   * console.log(part.length < 4096); // true
   * ```
   */
  compressBlock(algorithm: Algorithm, level: number, block: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) {
      return Promise.reject(new CompressError("unsupported", "the compression pool is closed"));
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#queue.push({ algorithm, level, block, resolve, reject });
      this.#pump();
    });
  }

  /**
   * Terminates every worker and rejects blocks still queued or running. Idempotent.
   *
   * @example
   * ```ts
   * import { CompressionPool } from "./pool.ts";
   * const pool = new CompressionPool({ workers: 1 });
   * pool.close();
   * console.log(pool.closed); // true
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#slots) s.worker.terminate();
    this.#slots.length = 0;
    const err = new CompressError("unsupported", "the compression pool was closed");
    for (const job of this.#queue.splice(0)) job.reject(err);
    for (const p of this.#running.values()) p.reject(err);
    this.#running.clear();
  }

  /** Same as {@link CompressionPool.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      let slot = this.#slots.find((s) => s.busy < 0);
      if (slot === undefined) {
        if (this.#slots.length >= this.size) return;
        try {
          slot = this.#spawn();
        } catch (e) {
          const err = new CompressError(
            "unsupported",
            `cannot start a compression worker: ${e instanceof Error ? e.message : String(e)}`,
          );
          if (this.#slots.length === 0) {
            for (const job of this.#queue.splice(0)) job.reject(err);
          }
          return;
        }
      }
      const job = this.#queue.shift()!;
      const id = this.#nextId++;
      slot.busy = id;
      this.#running.set(id, job);
      const block = job.block.slice();
      slot.worker.postMessage(
        { id, algorithm: job.algorithm, level: job.level, block },
        [block.buffer],
      );
    }
  }

  #spawn(): Slot {
    const worker = new Worker(new URL("./_worker.ts", import.meta.url), { type: "module" });
    const slot: Slot = { worker, busy: -1 };
    worker.onmessage = (e: MessageEvent<Reply>) => {
      const reply = e.data;
      const p = this.#running.get(reply.id);
      this.#running.delete(reply.id);
      slot.busy = -1;
      if (p !== undefined) {
        if ("out" in reply) p.resolve(reply.out);
        else p.reject(new CompressError(reply.code, reply.message));
      }
      this.#pump();
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#retire(slot, `compression worker failed: ${e.message}`);
    };
    worker.onmessageerror = () => {
      this.#retire(slot, "compression worker sent an unreadable message");
    };
    this.#slots.push(slot);
    return slot;
  }

  /** Drops a broken worker, failing its job; a fresh one starts on demand. */
  #retire(slot: Slot, message: string): void {
    slot.worker.terminate();
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    const p = this.#running.get(slot.busy);
    this.#running.delete(slot.busy);
    p?.reject(new CompressError("unsupported", message));
    if (!this.#closed) this.#pump();
  }
}
