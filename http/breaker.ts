/**
 * A circuit breaker per origin or region: after too many failures the target is skipped for a
 * while (open), then a few probe requests are let through (half-open); their outcome closes or
 * reopens it.
 *
 * Two ways to trip, usable together:
 * - consecutive failures (`failureThreshold`), the simple mode the client uses by default;
 * - a failure rate over a rolling window (`failureRate`, `windowMs`, `buckets`), once the window
 *   holds at least `volumeThreshold` outcomes, so a handful of requests never opens it.
 *
 * @module
 */

/** The breaker's state. */
export type BreakerState = "closed" | "open" | "half-open";

/** Breaker settings. */
export interface BreakerOptions {
  /**
   * Consecutive failures that open the circuit. Default 5 when `failureRate` is not set; when it
   * is, consecutive counting is off unless this is given too.
   */
  failureThreshold?: number;
  /**
   * Failure rate (0 < rate <= 1) over the rolling window that opens the circuit; unset (default)
   * for consecutive-failure mode only.
   */
  failureRate?: number;
  /** Length of the rolling window in ms; default 10000. */
  windowMs?: number;
  /** Time buckets the window is split into (1..600); default 10. */
  buckets?: number;
  /** Outcomes the window must hold before the rate may open the circuit; default 20. */
  volumeThreshold?: number;
  /** Probes let through at once in half-open; all must succeed to close it; default 1. */
  halfOpenProbes?: number;
  /** How long an open circuit rejects before probing, in ms; default 30000. */
  openMs?: number;
  /** Clock in ms; default `Date.now`. */
  now?: () => number;
  /** Called on every state change (metrics, logs). */
  onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

/**
 * One target's circuit breaker.
 *
 * @example
 * ```ts
 * import { CircuitBreaker } from "@avila/avx-http/client";
 * let t = 0;
 * const b = new CircuitBreaker({ failureThreshold: 2, openMs: 1000, now: () => t });
 * b.failure(); b.failure();
 * console.log(b.state, b.tryAcquire()); // "open" false
 * t = 1000;
 * console.log(b.tryAcquire(), b.state); // true "half-open"
 * b.success();
 * console.log(b.state); // "closed"
 * ```
 *
 * @example Rolling window: opens at 50% failures once 10 outcomes were seen in 10 s
 * ```ts
 * import { CircuitBreaker } from "@avila/avx-http/client";
 * let t = 0;
 * const b = new CircuitBreaker({ failureRate: 0.5, volumeThreshold: 10, now: () => t });
 * for (let i = 0; i < 5; i++) { b.success(); b.failure(); }
 * console.log(b.state); // "open"
 * ```
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #rate: number;
  readonly #volume: number;
  readonly #probes: number;
  readonly #openMs: number;
  readonly #bucketMs: number;
  readonly #now: () => number;
  readonly #onChange?: (from: BreakerState, to: BreakerState) => void;
  // Rolling window: bucket i covers epoch #epochs[i] (a bucket number, time / bucketMs).
  readonly #ok: Uint32Array;
  readonly #bad: Uint32Array;
  readonly #epochs: Float64Array;
  #state: BreakerState = "closed";
  #failures = 0;
  #openedAt = 0;
  #probing = 0;
  #probeSuccesses = 0;
  /** Settles at the next state change or freed probe slot; made when someone waits. */
  #change: PromiseWithResolvers<void> | undefined;

  /**
   * Creates a closed breaker.
   *
   * @param options thresholds, window, open time and clock
   */
  constructor(options: BreakerOptions = {}) {
    const rate = options.failureRate;
    this.#rate = rate !== undefined && rate > 0 && rate <= 1 ? rate : 0;
    const threshold = options.failureThreshold ?? (this.#rate > 0 ? Infinity : 5);
    this.#threshold = Math.max(1, Math.floor(threshold));
    this.#volume = Math.max(1, Math.floor(options.volumeThreshold ?? 20));
    this.#probes = Math.max(1, Math.floor(options.halfOpenProbes ?? 1));
    this.#openMs = Math.max(0, options.openMs ?? 30_000);
    this.#now = options.now ?? Date.now;
    this.#onChange = options.onStateChange;
    const buckets = Math.min(600, Math.max(1, Math.floor(options.buckets ?? 10)));
    const windowMs = Math.max(1, options.windowMs ?? 10_000);
    this.#bucketMs = windowMs / buckets;
    this.#ok = new Uint32Array(buckets);
    this.#bad = new Uint32Array(buckets);
    this.#epochs = new Float64Array(buckets).fill(-1);
  }

  /** The current state (an open circuit whose time is up reads as half-open). */
  get state(): BreakerState {
    if (this.#state === "open" && this.#now() - this.#openedAt >= this.#openMs) return "half-open";
    return this.#state;
  }

  /** Consecutive failures seen while closed. */
  get failures(): number {
    return this.#failures;
  }

  /** Outcomes recorded in the rolling window now. */
  get window(): {
    /** Successes in the window. */
    successes: number;
    /** Failures in the window. */
    failures: number;
  } {
    const epoch = Math.floor(this.#now() / this.#bucketMs);
    const n = this.#ok.length;
    let successes = 0;
    let failures = 0;
    for (let i = 0; i < n; i++) {
      if (epoch - this.#epochs[i] < n) {
        successes += this.#ok[i];
        failures += this.#bad[i];
      }
    }
    return { successes, failures };
  }

  /** Whether a request would be let through now (does not take a half-open probe slot). */
  allows(): boolean {
    const s = this.state;
    return s === "closed" ||
      (s === "half-open" && this.#probing + this.#probeSuccesses < this.#probes);
  }

  /**
   * How long, in ms, until a request would be let through: 0 when one would be now, the rest
   * of the open time while open, and `Infinity` while every half-open probe is out (their
   * outcome decides: wait for {@link changed}).
   *
   * @example
   * ```ts
   * import { CircuitBreaker } from "@avila/avx-http/client";
   * let t = 0;
   * const b = new CircuitBreaker({ failureThreshold: 1, openMs: 1000, now: () => t });
   * b.failure();
   * t = 400;
   * console.log(b.waitMs); // 600
   * t = 1000;
   * b.tryAcquire();
   * console.log(b.waitMs); // Infinity
   * ```
   */
  get waitMs(): number {
    if (this.#state === "closed") return 0;
    if (this.#state === "open") {
      const left = this.#openedAt + this.#openMs - this.#now();
      if (left > 0) return left;
    }
    return this.#probing + this.#probeSuccesses < this.#probes ? 0 : Infinity;
  }

  /**
   * A promise that settles at the next state change, or when a half-open probe slot frees up:
   * the moment a request refused by this breaker should ask again. Never rejects.
   *
   * @example
   * ```ts
   * import { CircuitBreaker } from "@avila/avx-http/client";
   * let t = 0;
   * const b = new CircuitBreaker({ failureThreshold: 1, openMs: 10, now: () => t });
   * b.failure();
   * t = 10;
   * b.tryAcquire(); // the probe
   * const next = b.changed();
   * b.success();
   * await next;
   * console.log(b.state); // "closed"
   * ```
   */
  changed(): Promise<void> {
    return (this.#change ??= Promise.withResolvers<void>()).promise;
  }

  #notify(): void {
    const c = this.#change;
    if (c !== undefined) {
      this.#change = undefined;
      c.resolve();
    }
  }

  /**
   * Asks to send a request. Closed: yes. Open: no. Half-open: yes for up to `halfOpenProbes`
   * probes until their outcomes are reported.
   */
  tryAcquire(): boolean {
    const s = this.state;
    if (s === "closed") return true;
    if (s === "open" || this.#probing + this.#probeSuccesses >= this.#probes) return false;
    if (this.#state !== "half-open") this.#move("half-open");
    this.#probing++;
    return true;
  }

  /** Reports a success: counts it; in half-open, enough successful probes close the circuit. */
  success(): void {
    if (this.#state === "closed") {
      this.#failures = 0;
      this.#record(true);
      return;
    }
    if (this.#state === "half-open") {
      if (this.#probing > 0) this.#probing--;
      if (++this.#probeSuccesses < this.#probes) return;
    }
    this.#close();
  }

  /** Reports a failure (network error or 5xx): counts it, or reopens after a failed probe. */
  failure(): void {
    if (this.#state === "open") return;
    if (this.#state === "half-open") return this.#open();
    this.#record(false);
    if (++this.#failures >= this.#threshold) return this.#open();
    if (this.#rate > 0) {
      const w = this.window;
      const total = w.successes + w.failures;
      if (total >= this.#volume && w.failures / total >= this.#rate) this.#open();
    }
  }

  /** Releases a half-open probe whose outcome says nothing (caller aborted, 4xx). */
  release(): void {
    if (this.#probing > 0) {
      this.#probing--;
      this.#notify();
    }
  }

  /** Forces the circuit closed and clears its counts (an operator's reset). */
  reset(): void {
    this.#close();
  }

  #record(ok: boolean): void {
    const epoch = Math.floor(this.#now() / this.#bucketMs);
    const i = epoch % this.#ok.length;
    if (this.#epochs[i] !== epoch) {
      this.#epochs[i] = epoch;
      this.#ok[i] = 0;
      this.#bad[i] = 0;
    }
    if (ok) this.#ok[i]++;
    else this.#bad[i]++;
  }

  #clearWindow(): void {
    this.#ok.fill(0);
    this.#bad.fill(0);
    this.#epochs.fill(-1);
  }

  #open(): void {
    this.#openedAt = this.#now();
    this.#failures = 0;
    this.#probing = 0;
    this.#probeSuccesses = 0;
    this.#clearWindow();
    this.#move("open");
  }

  #close(): void {
    this.#failures = 0;
    this.#probing = 0;
    this.#probeSuccesses = 0;
    this.#clearWindow();
    this.#move("closed");
  }

  #move(to: BreakerState): void {
    const from = this.#state;
    this.#state = to;
    if (from !== to) {
      this.#notify();
      this.#onChange?.(from, to);
    }
  }
}
