/**
 * A circuit breaker per origin: after repeated failures the origin is skipped for a while
 * (open), then one probe request is let through (half-open); its outcome closes or reopens it.
 *
 * @module
 */

/** The breaker's state. */
export type BreakerState = "closed" | "open" | "half-open";

/** Breaker settings. */
export interface BreakerOptions {
  /** Consecutive failures that open the circuit; default 5. */
  failureThreshold?: number;
  /** How long an open circuit rejects before a probe, in ms; default 30000. */
  openMs?: number;
  /** Clock in ms; default `Date.now`. */
  now?: () => number;
}

/**
 * One origin's circuit breaker.
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
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #now: () => number;
  #state: BreakerState = "closed";
  #failures = 0;
  #openedAt = 0;
  #probing = false;

  /**
   * Creates a closed breaker.
   *
   * @param options threshold, open time and clock
   */
  constructor(options: BreakerOptions = {}) {
    this.#threshold = Math.max(1, Math.floor(options.failureThreshold ?? 5));
    this.#openMs = Math.max(0, options.openMs ?? 30_000);
    this.#now = options.now ?? Date.now;
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

  /** Whether a request would be let through now (does not take the half-open probe slot). */
  allows(): boolean {
    const s = this.state;
    return s === "closed" || (s === "half-open" && !this.#probing);
  }

  /**
   * Asks to send a request. Closed: yes. Open: no. Half-open: yes for exactly one probe until
   * its outcome is reported.
   */
  tryAcquire(): boolean {
    const s = this.state;
    if (s === "closed") return true;
    if (s === "open" || this.#probing) return false;
    this.#state = "half-open";
    this.#probing = true;
    return true;
  }

  /** Reports a success: closes the circuit. */
  success(): void {
    this.#state = "closed";
    this.#failures = 0;
    this.#probing = false;
  }

  /** Reports a failure (network error or 5xx): counts it, or reopens after a failed probe. */
  failure(): void {
    this.#probing = false;
    if (this.#state === "half-open" || ++this.#failures >= this.#threshold) {
      this.#state = "open";
      this.#openedAt = this.#now();
      this.#failures = 0;
    }
  }

  /** Releases a half-open probe whose outcome says nothing (caller aborted, 4xx). */
  release(): void {
    this.#probing = false;
  }
}
