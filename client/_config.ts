// The resolved settings a built Client runs with, and the per-request spec the builder fills.

import type { BodyInput, RequestCoding } from "./body.ts";
import type { BreakerOptions, CircuitBreaker } from "../http/breaker.ts";
import type { ClientHooks } from "./hooks.ts";
import type { ClientStats } from "./metrics.ts";
import type { EndpointHealth, RegionRouter } from "./regions.ts";
import type { HeaderRecord } from "./_headers.ts";
import type { TimeoutQueue } from "./_timeouts.ts";

export interface ClientConfig {
  router: RegionRouter | undefined;
  /** A region label used when there is no router. */
  region: string | undefined;
  /** Headers of every request (lowercase names, checked). */
  headers: HeaderRecord;
  attempts: number;
  baseMs: number;
  capMs: number;
  statuses: ReadonlySet<number>;
  maxServerDelayMs: number;
  timeoutMs: number | null;
  deadlineMs: number | null;
  hooks: ClientHooks;
  fetch: (input: Request | URL | string, init?: RequestInit) => Promise<Response>;
  random: () => number;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Advertise the codings the client decodes (`Accept-Encoding`). */
  acceptEncoding: boolean;
  requestCoding: RequestCoding | null;
  compressThreshold: number;
  idempotent: boolean;
  breaker: BreakerOptions | false;
  hedgeMs: number | null;
  maxBodyBytes: number;
  maxReplayBytes: number;
}

/** Mutable state shared by every request of one client. */
export interface ClientState {
  stats: ClientStats;
  /** Breakers of origins outside the router's endpoints. */
  breakers: Map<string, CircuitBreaker>;
  /** Resolved hrefs of relative targets, per endpoint (bounded). */
  hrefs: WeakMap<EndpointHealth, Map<string, string>>;
  /** Attempt timeouts and body deadlines of this client's requests. */
  timeouts: TimeoutQueue;
}

/** What one logical request asks for. */
export interface RequestSpec {
  method: string;
  target: string | URL;
  query: Array<[string, string]>;
  /** Headers of this request (lowercase names, checked); `send` does not change them. */
  headers: HeaderRecord;
  body: BodyInput | undefined;
  signal: AbortSignal | undefined;
  idempotent: boolean | undefined;
  hedgeMs: number | null | undefined;
  timeoutMs: number | null | undefined;
  deadlineMs: number | null | undefined;
  attempts: number | undefined;
}

/** Default `setTimeout` sleep that ends early (rejecting with the reason) when `signal` aborts. */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
