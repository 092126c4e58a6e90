/**
 * Telemetry: request ids, W3C trace context, `Server-Timing`, and structured JSON access logs
 * with secrets redacted.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { isSafeRequestId } from "../../server/context.ts";
import { formatTraceparent, startTrace, type TraceContext } from "./traceparent.ts";

export {
  formatTraceparent,
  parseTraceparent,
  startTrace,
  type TraceContext,
} from "./traceparent.ts";

/** One structured access-log entry. */
export interface AccessLogEntry {
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
}

/** Telemetry options; every field has a default. */
export interface TelemetryOptions {
  /** Header carrying the request id in and out; default `X-Request-Id`. */
  requestIdHeader?: string;
  /** Adopt a safe client-supplied request id; default true. */
  trustRequestId?: boolean;
  /** Add `Server-Timing` (total plus marks from `timing()`); default true. */
  serverTiming?: boolean;
  /** Access log sink: a function, `true` for JSON lines on stdout, `false` (default) for none. */
  accessLog?: boolean | ((entry: AccessLogEntry) => void);
  /** Query parameter names whose values are redacted in logs (case-insensitive). */
  redactQuery?: readonly string[];
  /** Sample new traces (no incoming `traceparent`); default true. */
  sampleNewTraces?: boolean;
}

/** Context variables set by {@link telemetry}. */
export interface TelemetryVariables {
  /** The request id. */
  requestId: string;
  /** The trace context of this request. */
  trace: TraceContext;
  /** Server-Timing marks added during the request. */
  serverTiming: string[];
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

/**
 * Headers that propagate the current trace to an upstream call.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { telemetry, traceHeaders } from "@avila/avx-http/middleware";
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

  return async function telemetry(c, next) {
    const started = performance.now();
    const incoming = trust ? c.req.header(header) : undefined;
    const id = incoming !== undefined && isSafeRequestId(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", id);
    const trace = startTrace(c.req.header("traceparent"), c.req.header("tracestate"), sampleNew);
    c.set("trace", trace);
    const marks: string[] = [];
    if (serverTiming) c.set("serverTiming", marks);

    await next();

    const durationMs = performance.now() - started;
    const res = c.res;
    res.headers.set(header, id);
    if (serverTiming) {
      marks.push(`total;dur=${durationMs.toFixed(2)}`);
      res.headers.append("Server-Timing", marks.join(", "));
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
      log(entry);
    }
  };
}
