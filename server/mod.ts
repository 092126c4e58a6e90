/**
 * avx-http's server: the `Server` builder over Hono, `Route`, the built app (`AvxApp`) with
 * `listen()`, problem details, metrics, readiness, and real-time helpers (SSE, WebSocket).
 *
 * @example
 * ```ts
 * import { Route, Server } from "@avila/avx-http/server";
 * const app = new Server()
 *   .route("/api/data", Route.get((c) => c.json({ samples: [1, 2, 3] })))
 *   .withTelemetry()
 *   .withCors()
 *   .build();
 * const res = await app.request("/api/data");
 * console.log(res.status); // 200
 * ```
 *
 * @module
 */

// Types of the libraries our public signatures use, so users need no second import.
export type { Context, Env, Handler, MiddlewareHandler } from "hono";
export { HTTPException } from "hono/http-exception";
export type {
  OpenAPIHono,
  RouteConfig,
  RouteHandler as OpenApiRouteHandler,
} from "@hono/zod-openapi";
export type {
  ArrowBody,
  ArrowBodyContent,
  ArrowResponseInit,
  ReadArrowBodyOptions,
} from "@avila/arrow";
export { AvxApp } from "./app.ts";
export { arrow, readArrow } from "./arrow.ts";
export { type AvxEnv, type AvxVariables, isSafeRequestId, requestId } from "../http/context.ts";
export type { ErrorLogger } from "./_errors.ts";
export {
  type CheckReport,
  type ReadinessCheck,
  ReadinessChecks,
  type ReadinessReport,
  type ReadinessResult,
} from "../http/health.ts";
export {
  type ListenOptions,
  parseAddress,
  type RunningServer,
  type Servable,
  serve,
  type ServerAddress,
  type ShutdownResult,
} from "./listen.ts";
export {
  Counter,
  DEFAULT_LATENCY_BUCKETS,
  Gauge,
  Histogram,
  type HistogramSeries,
  LabelledMetric,
  type Metric,
  MetricsRegistry,
  PROMETHEUS_CONTENT_TYPE,
} from "../http/metrics.ts";
export { type CompressorSource, exportCompressorStats } from "./metrics/compressor.ts";
export {
  HttpProblem,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  problemResponse,
  statusTitle,
} from "../http/problem.ts";
export {
  formatSSE,
  sse,
  type SSEMessage,
  type SSEOptions,
  type SSEStream,
} from "./realtime/sse.ts";
export { webSocket, type WebSocketHandlers, type WebSocketOptions } from "./realtime/websocket.ts";
export { Route, type RouteBinding, type RouteHandler, type RouteMethod } from "./route.ts";
export { AppRuntime, appRuntime, AVX_RUNTIME, type HttpMetrics } from "../http/runtime.ts";
export {
  DEFAULT_BODY_LIMIT,
  DEFAULT_BODY_TIMEOUT_MS,
  type OpenApiOptions,
  type OpenApiPath,
  type OpenApiRouteSchema,
  Server,
  type ServerOptions,
} from "./server.ts";
