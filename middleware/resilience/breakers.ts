/**
 * Named circuit breakers sharing one configuration (one per region or upstream), and the
 * readiness check that reports their state on `/readyz`.
 *
 * @module
 */

import { type BreakerOptions, type BreakerState, CircuitBreaker } from "../../http/breaker.ts";
import type { ReadinessCheck } from "../../http/health.ts";
import type { MetricsRegistry } from "../../http/metrics.ts";

/**
 * Circuit breakers by name, created on first use with the registry's options.
 *
 * @example
 * ```ts
 * import { BreakerRegistry } from "@avila/avx-http/middleware";
 * const breakers = new BreakerRegistry({ failureRate: 0.5, volumeThreshold: 20 });
 * breakers.get("us-east-1").failure();
 * console.log(breakers.get("us-east-1").state); // "closed"
 * ```
 */
export class BreakerRegistry {
  readonly #options: BreakerOptions;
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #onChange?: (name: string, from: BreakerState, to: BreakerState) => void;
  /** Largest number of breakers kept; the oldest is dropped past it (names come from config). */
  readonly maxBreakers: number;

  /**
   * Creates an empty registry.
   *
   * @param options settings of every breaker it creates
   * @param registry bound on distinct names (default 1000) and a state-change hook with the name
   */
  constructor(options: BreakerOptions = {}, registry: {
    /** Bound on distinct names; the oldest breaker is dropped past it; default 1000. */
    maxBreakers?: number;
    /** Called when any breaker changes state, with its name. */
    onStateChange?: (name: string, from: BreakerState, to: BreakerState) => void;
  } = {}) {
    this.#options = options;
    this.#onChange = registry.onStateChange;
    this.maxBreakers = Math.max(1, Math.floor(registry.maxBreakers ?? 1000));
  }

  /** The breaker of `name`, created closed on first use. */
  get(name: string): CircuitBreaker {
    let b = this.#breakers.get(name);
    if (b === undefined) {
      if (this.#breakers.size >= this.maxBreakers) {
        this.#breakers.delete(this.#breakers.keys().next().value!);
      }
      const user = this.#options.onStateChange;
      const named = this.#onChange;
      b = new CircuitBreaker({
        ...this.#options,
        onStateChange: user || named
          ? (from, to) => {
            user?.(from, to);
            named?.(name, from, to);
          }
          : undefined,
      });
      this.#breakers.set(name, b);
    }
    return b;
  }

  /** The breaker of `name` if one was created. */
  peek(name: string): CircuitBreaker | undefined {
    return this.#breakers.get(name);
  }

  /** Every breaker's current state, by name. */
  states(): Record<string, BreakerState> {
    const out: Record<string, BreakerState> = {};
    for (const [name, b] of this.#breakers) out[name] = b.state;
    return out;
  }

  /** Names whose circuit is open now (half-open counts as not open: it is probing). */
  open(): string[] {
    const out: string[] = [];
    for (const [name, b] of this.#breakers) if (b.state === "open") out.push(name);
    return out;
  }

  /**
   * Adds `avx_circuit_breaker_state{name,state}` gauges (1 for the current state) to a metrics
   * registry, computed at scrape time.
   */
  exportMetrics(metrics: MetricsRegistry, metricName = "avx_circuit_breaker_state"): void {
    metrics.collect((out) => {
      out.push(`# HELP ${metricName} Circuit breaker state (1 = current state)`);
      out.push(`# TYPE ${metricName} gauge`);
      for (const [name, b] of this.#breakers) {
        const s = b.state;
        const n = name.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
        for (const st of ["closed", "open", "half-open"] as const) {
          out.push(`${metricName}{name="${n}",state="${st}"} ${s === st ? 1 : 0}`);
        }
      }
    });
  }
}

/**
 * A readiness check for `Server.readiness(name, check)`: fails when breakers are open (see
 * `failWhen`), and names open breakers in its detail even while passing.
 *
 * @example
 * ```ts
 * import { BreakerRegistry, breakerReadiness } from "@avila/avx-http/middleware";
 * const breakers = new BreakerRegistry();
 * const check = breakerReadiness(breakers);
 * console.log(check(new AbortController().signal)); // true
 * ```
 */
export function breakerReadiness(
  registry: BreakerRegistry,
  options: {
    /**
     * When the instance reports not ready: `"all"` (default) only when every known breaker is
     * open — this instance can then reach none of its upstreams; `"any"` as soon as one is open.
     * `"all"` avoids a cascade where one remote region's outage takes every healthy front out of
     * the load balancer.
     */
    failWhen?: "all" | "any";
  } = {},
): ReadinessCheck {
  const any = options.failWhen === "any";
  return function circuitBreakers() {
    const states = registry.states();
    const names = Object.keys(states);
    const open = names.filter((n) => states[n] === "open");
    if (open.length === 0) return true;
    const ok = any ? false : open.length < names.length;
    return { ok, detail: `open circuit: ${open.join(", ")}` };
  };
}
