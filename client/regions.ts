/**
 * `RegionRouter`: ordered endpoints, each with a circuit breaker and an EWMA of its round-trip
 * times; picks the preferred healthy endpoint, or the fastest healthy one, and fails over.
 *
 * @module
 */

import { ConfigurationError } from "../http/config_error.ts";
import { type BreakerOptions, CircuitBreaker } from "../http/breaker.ts";

/** One endpoint of a service. */
export interface Endpoint {
  /** Region name, e.g. `br-saopaulo-1`. */
  region: string;
  /** Base URL, e.g. `https://br-saopaulo-1.api.example.com`. */
  url: string;
}

/** What the router knows about one endpoint. */
export interface EndpointHealth {
  /** Region name. */
  readonly region: string;
  /** Parsed base URL. */
  readonly url: URL;
  /** Circuit breaker of this endpoint's origin. */
  readonly breaker: CircuitBreaker;
  /** Smoothed round-trip time in ms; `null` before the first sample. */
  ewmaMs: number | null;
  /** Samples recorded. */
  samples: number;
}

/**
 * Chooses among a service's endpoints.
 *
 * Choice: the preferred region while its breaker lets requests through; otherwise healthy
 * endpoints by lowest EWMA latency, endpoint order breaking ties. Endpoints already tried by a
 * logical request are skipped while others remain (fail over to the next).
 *
 * @example
 * ```ts
 * import { RegionRouter } from "@avila/avx-http/client";
 * const r = new RegionRouter([
 *   { region: "br-saopaulo-1", url: "https://sp.example.com" },
 *   { region: "us-east-1", url: "https://va.example.com" },
 * ], { preferred: "br-saopaulo-1" });
 * console.log(r.pick()?.region); // "br-saopaulo-1"
 * console.log(r.pick(new Set([r.endpoints[0]]))?.region); // "us-east-1"
 * ```
 */
export class RegionRouter {
  /** The endpoints, in the order given. */
  readonly endpoints: readonly EndpointHealth[];
  readonly #preferred: string | undefined;
  readonly #alpha: number;
  readonly #unmeasured: number;

  /**
   * Creates a router over the endpoints, in order.
   *
   * @param endpoints at least one endpoint
   * @param options preferred region, EWMA weight, breaker settings
   * @throws {ConfigurationError} for an empty list, a bad URL or an unknown preferred region
   */
  constructor(endpoints: readonly Endpoint[], options: {
    /** Region tried first while it is healthy; default the first endpoint's. */
    preferred?: string;
    /** Weight of a new round-trip sample in the EWMA, 0..1; default 0.3. */
    alpha?: number;
    /** Circuit breaker settings per endpoint. */
    breaker?: BreakerOptions;
    /**
     * An unmeasured endpoint ranks as if this fast (ms), so it gets tried once; default 0 (tried
     * before measured ones of equal order).
     */
    unmeasuredMs?: number;
  } = {}) {
    if (endpoints.length === 0) {
      throw new ConfigurationError("invalid_option", "a RegionRouter needs at least one endpoint");
    }
    this.endpoints = endpoints.map((e) => {
      const url = new URL(e.url);
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new ConfigurationError(
          "invalid_option",
          `endpoint ${e.region}: only http(s) URLs are supported`,
        );
      }
      if (!url.pathname.endsWith("/")) url.pathname += "/";
      return {
        region: e.region,
        url,
        breaker: new CircuitBreaker(options.breaker),
        ewmaMs: null,
        samples: 0,
      };
    });
    if (options.preferred !== undefined && !this.byRegion(options.preferred)) {
      throw new ConfigurationError("invalid_option", `no endpoint for region ${options.preferred}`);
    }
    this.#preferred = options.preferred;
    const alpha = options.alpha ?? 0.3;
    this.#alpha = alpha > 0 && alpha <= 1 ? alpha : 0.3;
    this.#unmeasured = options.unmeasuredMs ?? 0;
  }

  /** The endpoint of a region, if any. */
  byRegion(region: string): EndpointHealth | undefined {
    return this.endpoints.find((e) => e.region === region);
  }

  /**
   * The endpoint to use next, or `undefined` when every breaker is open. `exclude` holds the
   * endpoints this logical request already tried; they are chosen only when nothing else is
   * usable.
   */
  pick(exclude?: ReadonlySet<EndpointHealth>): EndpointHealth | undefined {
    // One pass, no arrays (this runs on every attempt): the best endpoint not yet tried, else
    // the best usable one.
    let fresh: EndpointHealth | undefined;
    let tried: EndpointHealth | undefined;
    for (const e of this.endpoints) {
      if (!e.breaker.allows()) continue;
      if (exclude?.has(e)) {
        if (tried === undefined || this.#better(e, tried)) tried = e;
      } else if (fresh === undefined || this.#better(e, fresh)) fresh = e;
    }
    return fresh ?? tried;
  }

  /**
   * Whether `e` ranks before `current`, which comes earlier in endpoint order: the preferred
   * region first, then strictly lower latency (ties keep the earlier endpoint).
   */
  #better(e: EndpointHealth, current: EndpointHealth): boolean {
    const p = this.#preferred;
    if (p !== undefined) {
      if (current.region === p) return false;
      if (e.region === p) return true;
    }
    return this.#latency(e) < this.#latency(current);
  }

  #latency(e: EndpointHealth): number {
    return e.ewmaMs ?? this.#unmeasured;
  }

  /** Records one round trip (time to response headers) of an endpoint. */
  observe(endpoint: EndpointHealth, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    endpoint.ewmaMs = endpoint.ewmaMs === null
      ? ms
      : endpoint.ewmaMs + this.#alpha * (ms - endpoint.ewmaMs);
    endpoint.samples++;
  }
}
