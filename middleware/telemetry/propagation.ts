/**
 * Trace propagation for outgoing calls: a child span for the upstream request, its W3C
 * `traceparent`/`tracestate` headers, and (when a tracer provider is registered) a recorded
 * OpenTelemetry CLIENT span.
 *
 * @module
 */

import type { Context } from "hono";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import { activeTracer, endHttpSpan, otelTrace, type Span, SpanKind } from "./_otel.ts";
import { newSpanId, type TraceContext } from "../../http/traceparent.ts";

const NO_END = (): void => {};

/**
 * Starts the trace of an upstream call made while serving `c`: a new span id as the upstream's
 * parent (an OpenTelemetry CLIENT span when a provider is registered). `undefined` when the
 * request has no trace (no telemetry middleware).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { outgoingTrace, telemetry } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(telemetry());
 * app.get("/", async (c) => {
 *   const t = outgoingTrace(c, "GET inventory");
 *   const res = await fetch("https://inventory.example/", { headers: t?.headers });
 *   t?.end(res.status);
 *   return new Response(res.body, { status: res.status });
 * });
 * ```
 */
export function outgoingTrace(
  c: Context,
  name = "HTTP",
  attributes?: Record<string, string | number>,
): {
  /** Headers to send upstream: `traceparent` naming the client span, and `tracestate`. */
  readonly headers: Record<string, string>;
  /** The client span's id (the upstream sees it as its parent). */
  readonly spanId: string;
  /** Ends the client span with the upstream's status (0 when no response) or error. */
  end(status: number, error?: unknown): void;
} | undefined {
  const trace = c.get("trace") as TraceContext | undefined;
  if (trace === undefined) return undefined;
  const serverSpan = c.get("otelSpan") as Span | undefined;
  const tracer = serverSpan !== undefined ? activeTracer() : undefined;
  let spanId: string;
  let sampled = trace.sampled;
  let end: (status: number, error?: unknown) => void = NO_END;
  if (tracer !== undefined && serverSpan !== undefined) {
    const span = tracer.startSpan(
      name,
      { kind: SpanKind.CLIENT, attributes },
      otelTrace.setSpan(ROOT_CONTEXT, serverSpan),
    );
    const sc = span.spanContext();
    spanId = sc.spanId;
    sampled = (sc.traceFlags & 1) === 1;
    let ended = false;
    end = (status, error) => {
      if (ended) return;
      ended = true;
      endHttpSpan(span, status, false, error);
    };
  } else spanId = newSpanId();
  const headers: Record<string, string> = {
    traceparent: `00-${trace.traceId}-${spanId}-${sampled ? "01" : "00"}`,
  };
  if (trace.tracestate) headers.tracestate = trace.tracestate;
  return { headers, spanId, end };
}
