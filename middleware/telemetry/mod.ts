/**
 * Telemetry: request ids, W3C trace context (`traceparent` and `tracestate`), `Server-Timing`,
 * structured JSON access logs with secrets redacted, OpenTelemetry spans when a tracer provider
 * is registered, and trace propagation for upstream calls.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { telemetry, timing } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(telemetry());
 * app.get("/", (c) => { timing(c, "db", 1.5); return c.text("ok"); });
 * ```
 *
 * @module
 */

export {
  startTiming,
  telemetry,
  type TelemetryOptions,
  type TelemetryVariables,
  timing,
  traceHeaders,
} from "./telemetry.ts";
export {
  formatTraceparent,
  parseTraceparent,
  startTrace,
  type TraceContext,
} from "../../http/traceparent.ts";
export {
  normalizeTracestate,
  parseTracestate,
  TRACESTATE_MAX_MEMBERS,
  type TracestateMember,
} from "../../http/tracestate.ts";
export { outgoingTrace } from "./propagation.ts";
