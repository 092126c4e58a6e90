// When a batching cost ledger (Deno KV, Redis) writes: the ledger keeps its sums and says how to
// write them; this decides when, the same way for both.

import type { CostLedgerError } from "./ledger.ts";

/** What a ledger gives its schedule. */
export interface FlushScheduleOptions {
  /** Flush this often (ms) while there is work; `0` disables the timer. */
  intervalMs: number;
  /** Flush as soon as this many records are pending. */
  maxPending: number;
  /** The ledger's `flush()`: what a full batch, the timer and `close` call. */
  flush: () => Promise<void>;
  /** Whether a timer tick has anything to write. */
  hasWork: () => boolean;
  /** Told about background flush failures (the ledger keeps what it could not write). */
  onError?: (error: CostLedgerError) => void;
}

/**
 * The flush schedule of a batching ledger: a flush once `maxPending` records are pending, a timer
 * (one per ledger, started by the first record, unref'd) while there is work, at most one
 * background flush queued at a time, flushes run one after another (`inOrder`), and `close`
 * stops the timer and flushes what is left.
 *
 * @example
 * ```ts
 * import { FlushSchedule } from "./_flush_schedule.ts";
 * let pending = 0;
 * const schedule: FlushSchedule = new FlushSchedule({
 *   intervalMs: 1000,
 *   maxPending: 100,
 *   flush: () => schedule.inOrder(async () => void (pending = 0)),
 *   hasWork: () => pending > 0,
 * });
 * schedule.recorded(++pending);
 * await schedule.close();
 * console.log(pending); // 0
 * ```
 */
export class FlushSchedule {
  readonly #options: FlushScheduleOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;
  #queued = false;

  /**
   * Makes a schedule; nothing runs until the first record.
   *
   * @param options interval, threshold, and the ledger's write
   */
  constructor(options: FlushScheduleOptions) {
    this.#options = options;
  }

  /** Called after a record was added, with the number now pending. */
  recorded(pending: number): void {
    const o = this.#options;
    if (pending >= o.maxPending) this.#background();
    else if (this.#timer === undefined && o.intervalMs > 0 && !this.#closed) {
      // One timer per ledger, not per request; unref'd so it never keeps a process alive.
      const timer = setInterval(() => {
        if (o.hasWork()) this.#background();
      }, o.intervalMs);
      (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(
        timer as unknown as number,
      );
      (timer as { unref?: () => void }).unref?.();
      this.#timer = timer;
    }
  }

  #background(): void {
    // One background flush at a time: records arriving before it cuts its batch join it, instead
    // of each of them queueing a flush of its own (while the store is down, a retry per record).
    // Records arriving after the cut, while its batch is written, need a flush of their own: the
    // flag clears when the flush starts (the reaction registered first runs just before the
    // flush's, which cuts the batch synchronously), not when its write ends.
    if (this.#queued) return;
    this.#queued = true;
    this.#flushing.then(() => {
      this.#queued = false;
    });
    this.#options.flush().catch((e) => this.#options.onError?.(e as CostLedgerError));
  }

  /** Runs `flushOnce` after every flush started before it (failed ones included). */
  inOrder(flushOnce: () => Promise<void>): Promise<void> {
    const run = this.#flushing.then(flushOnce);
    this.#flushing = run.catch(() => {});
    return run;
  }

  /** Stops the timer and flushes what is pending. */
  close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    return this.#options.flush();
  }
}
