/**
 * The telemetry middleware: request ids, W3C trace context (with `tracestate`), `Server-Timing`,
 * structured JSON access logs with secrets redacted, and an OpenTelemetry SERVER span per
 * request when a tracer provider is registered.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { setHeader } from "../../http/mod.ts";
import { socketPeer, socketProtocol } from "../../http/mod.ts";
import { stageMiddleware } from "../../http/mod.ts";
import { answeringRoute } from "../../http/mod.ts";
import { context as otelContext } from "@opentelemetry/api";
import { isSafeRequestId } from "../../http/context.ts";
import { formatTraceparent, startTrace, type TraceContext } from "../../http/traceparent.ts";
import {
  activeTracer,
  endHttpSpan,
  otelTrace,
  remoteParent,
  type Span,
  SpanKind,
} from "./_otel.ts";

type AccessLogEntry = Parameters<Exclude<TelemetryOptions["accessLog"], boolean | undefined>>[0];

/** Telemetry options; every field has a default. */
export interface TelemetryOptions {
  /** Header carrying the request id in and out; default `X-Request-Id`. */
  requestIdHeader?: string;
  /** Adopt a safe client-supplied request id; default true. */
  trustRequestId?: boolean;
  /** Add `Server-Timing` (total plus marks from `timing()`); default true. */
  serverTiming?: boolean;
  /** Access log sink: a function, `true` for JSON lines on stdout, `false` (default) for none. */
  accessLog?:
    | boolean
    | ((entry: {
      /** ISO time the request arrived. */
      time: string;
      /** Request id. */
      requestId: string;
      /** Trace id. */
      traceId: string;
      /** HTTP method. */
      method: string;
      /** Path, with secret-looking query values replaced by `[redacted]`. */
      path: string;
      /** Response status. */
      status: number;
      /** Milliseconds to response headers. */
      durationMs: number;
      /** Declared response length, when known. */
      bytesOut?: number;
      /** Client's user agent. */
      userAgent?: string;
      /** `"h3"` for a request served over HTTP/3; absent over TCP (HTTP/1.1 or HTTP/2). */
      protocol?: "h3";
    }) => void);
  /** Query parameter names whose values are redacted in logs (case-insensitive). */
  redactQuery?: readonly string[];
  /** Sample new traces (no incoming `traceparent`); default true. */
  sampleNewTraces?: boolean;
  /**
   * Record an OpenTelemetry SERVER span per request through `@opentelemetry/api` when a tracer
   * provider is registered (`OTEL_DENO=true`, or an SDK); default true. Without a provider this
   * costs one provider lookup per request.
   */
  openTelemetry?: boolean;
}

/** Context variables set by {@link telemetry}. */
export interface TelemetryVariables {
  /** The request id. */
  requestId: string;
  /** The trace context of this request. */
  trace: TraceContext;
  /** Server-Timing marks added during the request. */
  serverTiming: string[];
  /** The OpenTelemetry SERVER span of this request, when a tracer provider is registered. */
  otelSpan: Span;
}

const DEFAULT_REDACT = [
  "token",
  "access_token",
  "api_key",
  "apikey",
  "key",
  "secret",
  "password",
  "signature",
  "code",
];

function redactPath(url: string, redact: Set<string>): string {
  const q = url.indexOf("?", url.indexOf("/", 8));
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const path = url.slice(start, q === -1 ? undefined : q);
  if (q === -1) return path;
  const params = new URLSearchParams(url.slice(q + 1));
  const out: string[] = [];
  for (const [k, v] of params) {
    out.push(
      `${encodeURIComponent(k)}=${
        redact.has(k.toLowerCase()) ? "[redacted]" : encodeURIComponent(v)
      }`,
    );
  }
  return out.length ? `${path}?${out.join("&")}` : path;
}

/** OTel HTTP server semantic-convention attributes known before the handler runs. */
function serverAttributes(c: Context): Record<string, string | number> {
  const url = c.req.url;
  const schemeEnd = url.indexOf(":");
  const hostStart = schemeEnd + 3;
  const pathStart = url.indexOf("/", hostStart);
  const host = url.slice(hostStart, pathStart === -1 ? undefined : pathStart);
  const colon = host.lastIndexOf(":");
  const attrs: Record<string, string | number> = {
    "http.request.method": c.req.method,
    "url.scheme": url.slice(0, schemeEnd),
    "url.path": c.req.path,
    "server.address": colon > host.lastIndexOf("]") ? host.slice(0, colon) : host,
    "network.protocol.name": "http",
  };
  if (colon > host.lastIndexOf("]")) attrs["server.port"] = Number(host.slice(colon + 1));
  if (socketProtocol(c.env) === "h3") {
    attrs["network.protocol.version"] = "3";
    attrs["network.transport"] = "quic";
  }
  const ua = c.req.header("user-agent");
  if (ua) attrs["user_agent.original"] = ua;
  const peer = socketPeer(c.env, c.req.raw);
  if (peer) attrs["client.address"] = peer;
  return attrs;
}

/** The matched route pattern of the handler that answered, if any. */
function routeOf(c: Context): string | undefined {
  const p = answeringRoute(c);
  return p === "unmatched" ? undefined : p;
}

/**
 * Adds a `Server-Timing` entry (RFC-less but W3C Server Timing) to the current response.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { telemetry, timing } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(telemetry());
 * app.get("/", (c) => { timing(c, "db", 1.5, "query"); return c.text("ok"); });
 * ```
 */
export function timing(c: Context, name: string, durationMs: number, description?: string): void {
  const marks = c.get("serverTiming") as string[] | undefined;
  if (marks === undefined) return;
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, "_");
  marks.push(
    description === undefined
      ? `${safe};dur=${durationMs.toFixed(2)}`
      : `${safe};dur=${durationMs.toFixed(2)};desc="${description.replace(/["\\]/g, "")}"`,
  );
}

const NO_TIMING = (): void => {};

/**
 * Starts a `Server-Timing` mark; call the returned function when the measured work ends. Cheap
 * when telemetry is off or Server-Timing disabled (no clock read).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { startTiming, telemetry } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(telemetry());
 * app.use(async (c, next) => {
 *   const done = startTiming(c, "auth");
 *   // ... verify credentials ...
 *   done();
 *   await next();
 * });
 * app.get("/", (c) => c.text("ok"));
 * ```
 */
export function startTiming(c: Context, name: string, description?: string): () => void {
  if (c.get("serverTiming") === undefined) return NO_TIMING;
  const started = performance.now();
  return () => timing(c, name, performance.now() - started, description);
}

/**
 * Headers that propagate the current trace to an upstream call.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { telemetry } from "@avila/avx-http/middleware";
 * import { traceHeaders } from "./telemetry.ts";
 * const app = new Hono();
 * app.use(telemetry());
 * app.get("/", (c) => c.json(traceHeaders(c)));
 * ```
 */
export function traceHeaders(c: Context): Record<string, string> {
  const trace = c.get("trace") as TraceContext | undefined;
  if (!trace) return {};
  const h: Record<string, string> = { traceparent: formatTraceparent(trace) };
  if (trace.tracestate) h.tracestate = trace.tracestate;
  return h;
}

/**
 * The telemetry middleware.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { telemetry } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(telemetry({ accessLog: (e) => console.log(JSON.stringify(e)) }));
 * app.get("/", (c) => c.text(c.get("requestId")));
 * ```
 */
export function telemetry(options: TelemetryOptions = {}): MiddlewareHandler {
  const header = options.requestIdHeader ?? "X-Request-Id";
  const trust = options.trustRequestId ?? true;
  const serverTiming = options.serverTiming ?? true;
  const sampleNew = options.sampleNewTraces ?? true;
  const redact = new Set((options.redactQuery ?? DEFAULT_REDACT).map((s) => s.toLowerCase()));
  const log = options.accessLog === true
    ? (e: AccessLogEntry) => console.log(JSON.stringify(e))
    : options.accessLog || undefined;
  const otel = options.openTelemetry ?? true;

  /** Per request, from enter to leave. */
  interface Telemetry {
    started: number;
    id: string;
    trace: TraceContext;
    marks: string[] | undefined;
    span: Span | undefined;
    parent: ReturnType<typeof remoteParent> | undefined;
  }

  return stageMiddleware<Telemetry>({
    name: "telemetry",
    enter(c) {
      const started = performance.now();
      const incoming = trust ? c.req.header(header) : undefined;
      const id = incoming !== undefined && isSafeRequestId(incoming)
        ? incoming
        : crypto.randomUUID();
      c.set("requestId", id);
      const trace = startTrace(c.req.header("traceparent"), c.req.header("tracestate"), sampleNew);
      c.set("trace", trace);
      let marks: string[] | undefined;
      if (serverTiming) c.set("serverTiming", marks = []);
      const tracer = otel ? activeTracer() : undefined;
      if (tracer === undefined) {
        return { started, id, trace, marks, span: undefined, parent: undefined };
      }
      const parent = remoteParent(trace);
      const span = tracer.startSpan(c.req.method, {
        kind: SpanKind.SERVER,
        attributes: serverAttributes(c),
      }, parent);
      // Propagated headers and logs name the recorded span, not a made-up one.
      const sc = span.spanContext();
      trace.traceId = sc.traceId;
      trace.spanId = sc.spanId;
      trace.sampled = (sc.traceFlags & 1) === 1;
      c.set("otelSpan", span);
      return { started, id, trace, marks, span, parent };
    },
    // The span is the active context while the request runs, so upstream calls are its children.
    around(_c, t, rest) {
      if (t.span === undefined) return rest();
      return otelContext.with(otelTrace.setSpan(t.parent!, t.span), rest);
    },
    leave(c, res, { started, id, trace, marks, span }) {
      const durationMs = performance.now() - started;
      if (span !== undefined) {
        const route = routeOf(c);
        if (route !== undefined) {
          span.setAttribute("http.route", route);
          span.updateName(`${c.req.method} ${route}`);
        }
        endHttpSpan(span, res.status, true, c.error);
      }
      res = setHeader(res, header, id);
      if (marks !== undefined) {
        marks.push(`total;dur=${durationMs.toFixed(2)}`);
        res = setHeader(res, "Server-Timing", marks.join(", "), true);
      }
      if (log) {
        const entry: AccessLogEntry = {
          time: new Date(Date.now() - durationMs).toISOString(),
          requestId: id,
          traceId: trace.traceId,
          method: c.req.method,
          path: redactPath(c.req.url, redact),
          status: res.status,
          durationMs: Math.round(durationMs * 1000) / 1000,
        };
        const cl = res.headers.get("content-length");
        if (cl !== null) entry.bytesOut = Number(cl);
        const ua = c.req.header("user-agent");
        if (ua) entry.userAgent = ua;
        if (socketProtocol(c.env) === "h3") entry.protocol = "h3";
        log(entry);
      }
      return res;
    },
  });
}
