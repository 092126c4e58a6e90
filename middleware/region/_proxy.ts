// Forwarding a request to another region's origin: streamed request and response bodies,
// hop-by-hop headers removed (RFC 9110 §7.6.1), trace context and the hop list added, a time
// limit on the upstream's response headers, and the outcome reported to the region's breaker.

import type { Context } from "hono";
import type { CircuitBreaker } from "../../http/breaker.ts";
import { socketPeer } from "../../http/mod.ts";
import { deadlineOf } from "../resilience/timeout.ts";
import { outgoingTrace } from "../telemetry/propagation.ts";
import type { RegisteredRegion } from "./registry.ts";

const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** Removes hop-by-hop headers, including those the `Connection` header names. */
export function stripHopByHop(h: Headers): void {
  const named = h.get("connection");
  if (named) { for (const n of named.split(",")) if (n.trim()) h.delete(n.trim()); }
  for (const n of HOP_BY_HOP) h.delete(n);
}

export interface ForwardSettings {
  fetch: typeof fetch;
  timeoutMs: number;
  hopHeader: string;
  hops: readonly string[];
  self: string;
}

export type ForwardOutcome =
  | { kind: "response"; response: Response }
  | { kind: "unreachable"; error: unknown }
  | { kind: "timeout" };

const FETCH_DECODES = new Set(["gzip", "x-gzip", "br", "deflate"]);

/** Statuses that say the region, not the request, is unwell. */
const UNHEALTHY = new Set([502, 503, 504]);

/** The path and query of a URL string, without parsing it. */
/** The path and query of an absolute URL (`/` when it has no path). */
export function pathAndQuery(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return start === -1 ? "/" : url.slice(start);
}

export async function forward(
  c: Context,
  target: RegisteredRegion,
  breaker: CircuitBreaker,
  s: ForwardSettings,
): Promise<ForwardOutcome> {
  const req = c.req.raw;
  const url = target.origin + pathAndQuery(req.url);
  const headers = new Headers(req.headers);
  stripHopByHop(headers);
  const host = headers.get("host") ?? new URL(req.url).host;
  headers.delete("host");
  headers.delete("content-length"); // recomputed by fetch, or chunked for a stream
  headers.set(s.hopHeader, [...s.hops, s.self].join(", "));
  headers.set("x-forwarded-host", host);
  headers.set("x-forwarded-proto", req.url.startsWith("https:") ? "https" : "http");
  const remote = socketPeer(c.env, req);
  if (remote) {
    const prior = headers.get("x-forwarded-for");
    headers.set("x-forwarded-for", prior ? `${prior}, ${remote}` : remote);
  }
  const trace = outgoingTrace(c, `${req.method} region ${target.id}`, {
    "http.request.method": req.method,
    "server.address": target.origin,
    "avx.region": target.id,
  });
  if (trace) { for (const [k, v] of Object.entries(trace.headers)) headers.set(k, v); }

  const ctl = new AbortController();
  const timer = setTimeout(
    () => ctl.abort(new DOMException("upstream timeout", "TimeoutError")),
    s.timeoutMs,
  );
  const deadline = deadlineOf(c);
  const signals = [ctl.signal];
  if (deadline) signals.push(deadline.signal);
  const signal = signals.length === 1 ? ctl.signal : AbortSignal.any(signals);
  const leaveUpstream = deadline?.enterUpstream();
  const hasBody = req.body !== null && req.method !== "GET" && req.method !== "HEAD";
  let res: Response;
  try {
    res = await s.fetch(url, {
      method: req.method,
      headers,
      body: hasBody ? req.body : undefined,
      redirect: "manual",
      signal,
      ...(hasBody ? { duplex: "half" } : {}),
    } as RequestInit);
  } catch (error) {
    breaker.failure();
    const timedOut = ctl.signal.aborted;
    trace?.end(0, error);
    return timedOut ? { kind: "timeout" } : { kind: "unreachable", error };
  } finally {
    clearTimeout(timer);
    leaveUpstream?.();
  }
  if (UNHEALTHY.has(res.status)) breaker.failure();
  else breaker.success();
  trace?.end(res.status);
  const out = new Headers(res.headers);
  stripHopByHop(out);
  // Deno's fetch decodes gzip, br and deflate bodies but keeps the headers: the stream below is
  // then identity-coded, so its old coding and length must not be forwarded (zstd, lz4 and
  // snappy pass through still encoded, with their headers).
  const coding = out.get("content-encoding")?.trim().toLowerCase();
  if (coding !== undefined && FETCH_DECODES.has(coding)) {
    out.delete("content-encoding");
    out.delete("content-length");
  }
  return {
    kind: "response",
    response: new Response(res.body, {
      status: res.status,
      statusText: res.statusText,
      headers: out,
    }),
  };
}

export { UNHEALTHY };
