/**
 * Server-Sent Events: an event stream with `Last-Event-ID` resume, heartbeats, backpressure, and
 * a clean end when the client disconnects or the server shuts down.
 *
 * @module
 */

import type { Context } from "hono";
import { appRuntime } from "../../http/runtime.ts";

type SSEMessage = Parameters<SSEStream["send"]>[0];

/** The writer a handler gets. */
export interface SSEStream {
  /** The client's `Last-Event-ID` (when it reconnects), for resuming after that event. */
  readonly lastEventId: string | undefined;
  /** Aborted when the client goes away or the server shuts down: stop producing then. */
  readonly signal: AbortSignal;
  /** Sends one event; waits while the client is slow (backpressure). False once closed. */
  send(message: {
    /** The payload; multi-line strings become several `data:` lines. */
    data: unknown;
    /** Event type (`event:`); default is the browser's `message`. */
    event?: string;
    /** Event id (`id:`): what the client sends back as `Last-Event-ID` when it reconnects. */
    id?: string | number;
    /** Reconnection delay for the client, in milliseconds (`retry:`). */
    retry?: number;
  }): Promise<boolean>;
  /** Sends a comment line (ignored by clients, keeps proxies from timing out). */
  comment(text: string): Promise<boolean>;
  /** Ends the stream. */
  close(): void;
}

const encoder = new TextEncoder();
const LINE_BREAK = /\r\n|\r|\n/;

function field(name: string, value: string): string {
  if (/[\r\n\0]/.test(value)) {
    throw new TypeError(`SSE ${name} must not contain line breaks or NUL`);
  }
  return `${name}: ${value}\n`;
}

/**
 * Formats one event in the `text/event-stream` syntax.
 *
 * @example
 * ```ts
 * import { formatSSE } from "./sse.ts";
 * console.log(formatSSE({ id: 1, event: "strain", data: { h: 1e-21 } }));
 * // id: 1\nevent: strain\ndata: {"h":1e-21}\n\n
 * ```
 */
export function formatSSE(message: SSEMessage): string {
  let out = "";
  if (message.id !== undefined) out += field("id", String(message.id));
  if (message.event !== undefined) out += field("event", message.event);
  if (message.retry !== undefined) out += `retry: ${Math.max(0, Math.floor(message.retry))}\n`;
  const text = typeof message.data === "string" ? message.data : JSON.stringify(message.data);
  for (const line of (text ?? "").split(LINE_BREAK)) out += `data: ${line}\n`;
  return out + "\n";
}

/**
 * Answers with an event stream driven by `run`. The stream ends when `run` returns, when it calls
 * `close()`, when the client disconnects, or when the server shuts down.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { sse } from "@avila/avx-http/server";
 * const app = new Hono();
 * app.get("/live", (c) =>
 *   sse(c, async (stream) => {
 *     let n = Number(stream.lastEventId ?? 0);
 *     while (!stream.signal.aborted && n < 3) await stream.send({ id: ++n, data: { n } });
 *   }));
 * ```
 */
export function sse(
  c: Context,
  run: (stream: SSEStream) => void | Promise<void>,
  options: {
    /** Interval of `: heartbeat` comments in ms; default 15 000; 0 disables. */
    heartbeatMs?: number;
    /** Sent once at the start as `retry:` (client reconnection delay, ms). */
    retryMs?: number;
    /** Extra response headers. */
    headers?: HeadersInit;
  } = {},
): Response {
  const abort = new AbortController();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(undefined, undefined, {
    highWaterMark: 16,
  });
  const writer = writable.getWriter();
  let closed = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    if (!abort.signal.aborted) abort.abort();
    writer.close().catch(() => {});
  };
  const write = async (text: string): Promise<boolean> => {
    if (closed) return false;
    try {
      await writer.ready;
      await writer.write(encoder.encode(text));
      return true;
    } catch {
      close(); // the client went away
      return false;
    }
  };

  const shutdown = appRuntime(c)?.shutdownSignal;
  const onShutdown = () => close();
  shutdown?.addEventListener("abort", onShutdown, { once: true });
  if (shutdown?.aborted) close();
  writer.closed.catch(() => close()).finally(() =>
    shutdown?.removeEventListener("abort", onShutdown)
  );

  const stream: SSEStream = {
    lastEventId: c.req.header("last-event-id") || undefined,
    signal: abort.signal,
    send: (m) => write(formatSSE(m)),
    comment: (t) => write(`: ${t.replace(LINE_BREAK, " ")}\n\n`),
    close,
  };

  if (options.retryMs !== undefined) void write(`retry: ${Math.floor(options.retryMs)}\n\n`);
  const hb = options.heartbeatMs ?? 15_000;
  if (hb > 0) heartbeat = setInterval(() => void write(": heartbeat\n\n"), hb);

  queueMicrotask(async () => {
    try {
      await run(stream);
    } catch (e) {
      if (!abort.signal.aborted) console.error("[avx-http] SSE handler failed", e);
    } finally {
      close();
    }
  });

  const headers = new Headers(options.headers);
  headers.set("content-type", "text/event-stream; charset=utf-8");
  headers.set("cache-control", "no-cache");
  headers.set("x-accel-buffering", "no");
  return new Response(readable, { status: 200, headers });
}
