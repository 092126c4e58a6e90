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

// Hono's own types (`Context`, `MiddlewareHandler`, ...), `@hono/zod-openapi`'s and
// `@avila/arrow`'s are imported from those packages; this entry exports avx-http's own names.
export { AvxApp } from "./app.ts";
export { arrow, readArrow } from "./arrow.ts";
export { type AvxEnv, requestId } from "../http/context.ts";
export { type ReadinessCheck, ReadinessChecks } from "../http/health.ts";
export { type ListenOptions, type RunningServer, serve } from "./listen.ts";
export {
  Counter,
  Gauge,
  Histogram,
  LabelledMetric,
  type Metric,
  MetricsRegistry,
} from "../http/metrics.ts";
export { exportCompressorStats } from "./metrics/compressor.ts";
export { HttpProblem, type ProblemDetails, problemResponse } from "../http/problem.ts";
export { sse, type SSEStream } from "./realtime/sse.ts";
export { webSocket, type WebSocketHandlers } from "./realtime/websocket.ts";
export { Route, type RouteHandler } from "./route.ts";
export { AppRuntime } from "../http/runtime.ts";
export { Server, type ServerOptions } from "./server.ts";
