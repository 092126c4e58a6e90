// Per-request timeouts (attempt timers, the total deadline while a body is read) on one runtime
// timer per client.
//
// Why: in Deno 2.9, arming and clearing a `setTimeout` per request costs ~25 µs of CPU per
// request over a socket (the runtime timer is torn down and re-created each time), more than the
// rest of the client together; and `AbortSignal.timeout` with a listener keeps the process alive
// until it fires (a 120 s deadline kept a finished program running for two minutes). Here the
// timeouts of a client sit in a binary min-heap ordered by due time; the runtime timer is
// re-armed only when an entry due earlier than the armed time arrives (rare: timeouts of equal
// length arrive in due order), never cleared when entries go, and referenced (keeps the process
// alive) only while an entry that asks for it is pending. Toggling ref/unref is cheap.
//
// Where timers belong to a request context and die with it (Cloudflare Workers), a shared timer
// armed by one request could be cancelled under another's entries; there each entry gets its own
// `setTimeout`, as it must.

/** A pending timeout; pass it to {@link TimeoutQueue.delete} to cancel it. */
export interface Timeout {
  /** Due time on the queue's clock. */
  readonly at: number;
  /** Position in the heap; -1 once fired or deleted. */
  index: number;
  readonly fire: () => void;
  readonly keepAlive: boolean;
  /** The entry's own runtime timer (per-entry mode only). */
  handle?: ReturnType<typeof setTimeout>;
}

type Handle = ReturnType<typeof setTimeout>;

// Runtimes fire longer timers at once (a 32-bit signed delay, HTML "timer initialisation
// steps" and Node alike); a longer wait is armed in steps of at most this.
const MAX_DELAY = 2 ** 31 - 1;

interface RefControl {
  ref?: () => unknown;
  unref?: () => unknown;
}

interface DenoTimers {
  refTimer?: (id: number) => void;
  unrefTimer?: (id: number) => void;
}

const denoTimers = (globalThis as { Deno?: DenoTimers }).Deno;

/** Whether a runtime timer can be unreferenced, so one shared timer never holds a process up. */
function canShareTimer(): boolean {
  const nav = (globalThis as { navigator?: { userAgent?: string } }).navigator;
  if (nav?.userAgent === "Cloudflare-Workers") return false;
  const probe = setTimeout(() => {}, 0);
  clearTimeout(probe);
  return (typeof probe === "object" && probe !== null &&
    typeof (probe as RefControl).unref === "function") ||
    (typeof probe === "number" && typeof denoTimers?.unrefTimer === "function");
}

let sharedSupported: boolean | undefined;

function setRef(handle: Handle, on: boolean): void {
  if (typeof handle === "object" && handle !== null) {
    const h = handle as RefControl;
    on ? h.ref?.() : h.unref?.();
  } else if (typeof handle === "number") {
    on ? denoTimers?.refTimer?.(handle) : denoTimers?.unrefTimer?.(handle);
  }
}

/** Timeouts of one client on one runtime timer (see the file comment). */
export class TimeoutQueue {
  readonly #heap: Timeout[] = [];
  readonly #clock: () => number;
  readonly #shared: boolean;
  #timer: Handle | undefined;
  #armedAt = Infinity;
  #referenced = false;
  /** Pending entries that keep the process alive. */
  #keepAlive = 0;
  #firing = false;

  /**
   * @param options `clock` in ms (default `performance.now`); `shared: false` forces one
   *   runtime timer per entry (the default picks it where timers cannot be unreferenced)
   */
  constructor(options: { clock?: () => number; shared?: boolean } = {}) {
    this.#clock = options.clock ?? (() => performance.now());
    this.#shared = options.shared ?? (sharedSupported ??= canShareTimer());
  }

  /** Pending entries. */
  get size(): number {
    return this.#heap.length;
  }

  /** Whether the queue currently holds the process alive (for tests). */
  get referenced(): boolean {
    return this.#timer !== undefined && this.#referenced;
  }

  /**
   * Calls `fire` once after `ms` unless deleted first. `keepAlive` entries keep the process
   * running until they fire or go (an attempt in flight); others do not (a deadline on a body
   * nobody reads must not hold a program up).
   */
  add(ms: number, fire: () => void, keepAlive: boolean): Timeout {
    const delay = ms > 0 ? ms : 0;
    const t: Timeout = { at: this.#clock() + delay, index: -1, fire, keepAlive };
    if (!this.#shared) {
      t.index = 0;
      this.#armEntry(t, delay);
      return t;
    }
    t.index = this.#heap.length;
    this.#heap.push(t);
    this.#up(t.index);
    if (keepAlive && this.#keepAlive++ === 0) this.#reference(true);
    if (!this.#firing && t.at < this.#armedAt) this.#arm(t.at);
    return t;
  }

  /** Cancels a pending entry; a no-op for one that fired or was deleted. */
  delete(t: Timeout): void {
    if (t.index < 0) return;
    if (!this.#shared) {
      clearTimeout(t.handle);
      t.index = -1;
      return;
    }
    this.#remove(t);
    // The runtime timer stays armed: when it fires early it re-arms for the next entry.
  }

  #armEntry(t: Timeout, delay: number): void {
    t.handle = setTimeout(() => {
      const left = t.at - this.#clock();
      if (left > 0 && delay >= MAX_DELAY) return this.#armEntry(t, left);
      t.index = -1;
      t.fire();
    }, Math.min(MAX_DELAY, delay));
    if (!t.keepAlive) setRef(t.handle, false);
  }

  #remove(t: Timeout): void {
    const heap = this.#heap;
    const i = t.index;
    const last = heap.pop()!;
    t.index = -1;
    if (last !== t) {
      heap[i] = last;
      last.index = i;
      this.#down(i);
      this.#up(last.index);
    }
    if (t.keepAlive && --this.#keepAlive === 0) this.#reference(false);
  }

  #reference(on: boolean): void {
    if (this.#timer !== undefined && this.#referenced !== on) setRef(this.#timer, on);
    this.#referenced = on;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedAt = at;
    const delay = at - this.#clock();
    this.#timer = setTimeout(this.#onTimer, delay > 0 ? Math.min(MAX_DELAY, Math.ceil(delay)) : 0);
    // A fresh runtime timer is referenced; unreference it when nothing asks to stay alive.
    if (!this.#referenced) setRef(this.#timer, false);
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    this.#armedAt = Infinity;
    this.#firing = true;
    try {
      const heap = this.#heap;
      const now = this.#clock();
      while (heap.length > 0 && heap[0].at <= now) {
        const t = heap[0];
        this.#remove(t);
        t.fire();
      }
    } finally {
      this.#firing = false;
      if (this.#heap.length > 0) this.#arm(this.#heap[0].at);
    }
  };

  #up(i: number): void {
    const heap = this.#heap;
    const t = heap[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p].at <= t.at) break;
      heap[i] = heap[p];
      heap[i].index = i;
      i = p;
    }
    heap[i] = t;
    t.index = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const t = heap[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && heap[r].at < heap[l].at ? r : l;
      if (heap[c].at >= t.at) break;
      heap[i] = heap[c];
      heap[i].index = i;
      i = c;
    }
    heap[i] = t;
    t.index = i;
  }
}
