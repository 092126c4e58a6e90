// OpenTelemetry bridge: spans through `@opentelemetry/api` when a tracer provider is registered
// (Deno's OTEL_DENO=true, or an SDK's setGlobalTracerProvider). Unregistered, the API hands out
// a no-op provider; we detect that once per provider change and skip span work entirely.

import {
  type Context as OtelContext,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";
import { createTraceState } from "@opentelemetry/api";
import type { TraceContext } from "../../http/traceparent.ts";

const NOOP_PROVIDER: TracerProvider = new ProxyTracerProvider().getDelegate();
const TRACER_NAME = "@avila/avx-http";

let lastProvider: TracerProvider | undefined;
let lastTracer: Tracer | undefined;

/** The tracer of the registered provider, or `undefined` when none is (the no-op fast path). */
export function activeTracer(): Tracer | undefined {
  const global = trace.getTracerProvider();
  const provider = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  if (provider === NOOP_PROVIDER) return undefined;
  if (provider !== lastProvider) {
    lastProvider = provider;
    lastTracer = provider.getTracer(TRACER_NAME);
  }
  return lastTracer;
}

/** The OTel context whose active span is the remote caller named by `traceparent`. */
export function remoteParent(t: TraceContext): OtelContext {
  if (t.parentSpanId === undefined) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: t.traceId,
    spanId: t.parentSpanId,
    traceFlags: t.sampled ? 1 : 0,
    isRemote: true,
    traceState: t.tracestate ? createTraceState(t.tracestate) : undefined,
  });
}

/** Ends a span with an HTTP status (ERROR at 5xx for servers, 4xx too for clients). */
export function endHttpSpan(span: Span, status: number, server: boolean, error?: unknown): void {
  if (status > 0) span.setAttribute("http.response.status_code", status);
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    span.setAttribute("error.type", (error as Error)?.name ?? "Error");
  } else if (status >= 500 || (!server && status >= 400)) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute("error.type", String(status));
  }
  span.end();
}

export { SpanKind, trace as otelTrace };
export type { Span };
