/**
 * avx-http middleware: CORS, telemetry, and (from their own modules) compression, auth, rate
 * limits, cost tracking and region routing. Every middleware is a factory with defaulted
 * options returning a named Hono middleware.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { cors, telemetry } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(telemetry(), cors());
 * ```
 *
 * @module
 */

export { Algorithm } from "../compress/types.ts";
export {
  type AcceptedCoding,
  CODING_ALGORITHM,
  compression,
  type CompressionOptions,
  type ContentCoding,
  isCompressible,
  negotiateEncoding,
  parseAcceptEncoding,
} from "./compression/mod.ts";
export { cors, type CorsOptions, DEFAULT_EXPOSED_HEADERS } from "./cors/mod.ts";
export {
  type AccessLogEntry,
  formatTraceparent,
  parseTraceparent,
  startTrace,
  telemetry,
  type TelemetryOptions,
  type TelemetryVariables,
  timing,
  type TraceContext,
  traceHeaders,
} from "./telemetry/mod.ts";
export * from "./idempotency/mod.ts";
