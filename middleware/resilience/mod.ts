/**
 * Resilience middleware: request deadlines (`timeout`), load shedding, and named circuit
 * breakers with a readiness check.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { loadShedding, timeout } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(loadShedding({ maxInFlight: 512 }), timeout(10_000));
 * app.get("/", (c) => c.text("ok"));
 * ```
 *
 * @module
 */

export { type BreakerOptions, type BreakerState, CircuitBreaker } from "../../http/breaker.ts";
export { breakerReadiness, BreakerRegistry } from "./breakers.ts";
export {
  Deadline,
  deadlineOf,
  timeout,
  type TimeoutOptions,
  type TimeoutVariables,
  waitingOnUpstream,
} from "./timeout.ts";
export {
  type LoadShedder,
  loadShedder,
  loadShedding,
  type LoadSheddingOptions,
} from "./load_shedding.ts";
