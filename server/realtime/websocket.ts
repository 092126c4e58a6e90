/**
 * WebSockets on Deno (`Deno.upgradeWebSocket`), on Workers (`WebSocketPair`) and, through Hono's
 * upgrade helper of the runtime, on Node (`@hono/node-ws`), with one set of event handlers, a
 * message size limit, and a clean close (1001) when the server shuts down.
 *
 * @module
 */

import type { Context, Handler, Next } from "hono";
import type { UpgradeWebSocket, WSContext, WSMessageReceive } from "hono/ws";
import { problemResponse } from "../../http/problem.ts";
import { appRuntime } from "../../http/runtime.ts";

/** Event handlers of one connection; `ws` is the standard `WebSocket`. */
export interface WebSocketHandlers {
  /** The connection is open. */
  onOpen?(ws: WebSocket): void;
  /** A message arrived (text as string, binary as `ArrayBuffer`). */
  onMessage?(data: string | ArrayBuffer, ws: WebSocket): void | Promise<void>;
  /** The connection closed. */
  onClose?(code: number, reason: string, ws: WebSocket): void;
  /** A transport error happened (the connection will close). */
  onError?(ws: WebSocket): void;
}

interface WorkersPair {
  0: WebSocket & { accept(): void };
  1: WebSocket & { accept(): void };
}

function pickProtocol(
  offered: string | undefined,
  ours: readonly string[] | undefined,
): string | undefined {
  if (!offered || !ours?.length) return undefined;
  const set = new Set(offered.split(",").map((s) => s.trim()));
  return ours.find((p) => set.has(p));
}

// readyState values (WHATWG WebSockets); Node 20 has no global WebSocket to read them from.
const CONNECTING = 0;
const OPEN = 1;

/** Closes `ws` with 1001 when the server shuts down; returns the listener's remover. */
function closeOnShutdown(ws: WebSocket, shutdown: AbortSignal | undefined): () => void {
  const onShutdown = () => {
    if (ws.readyState === OPEN || ws.readyState === CONNECTING) {
      ws.close(1001, "server shutting down");
    }
  };
  shutdown?.addEventListener("abort", onShutdown, { once: true });
  return () => shutdown?.removeEventListener("abort", onShutdown);
}

/** Hands one message to `onMessage`, or closes with 1009 past the size limit. */
function deliver(
  data: string | ArrayBuffer,
  ws: WebSocket,
  handlers: WebSocketHandlers,
  maxBytes: number,
): void {
  const size = typeof data === "string" ? data.length * 3 : data.byteLength;
  if (
    size > maxBytes &&
    (typeof data !== "string" || new TextEncoder().encode(data).byteLength > maxBytes)
  ) {
    ws.close(1009, "message too big");
    return;
  }
  Promise.resolve()
    .then(() => handlers.onMessage?.(data, ws))
    .catch((err) => {
      console.error("[avx-http] WebSocket message handler failed", err);
      ws.close(1011, "internal error");
    });
}

function attach(
  ws: WebSocket,
  handlers: WebSocketHandlers,
  maxBytes: number,
  shutdown: AbortSignal | undefined,
): void {
  ws.binaryType = "arraybuffer";
  const stopWatching = closeOnShutdown(ws, shutdown);
  ws.addEventListener("open", () => handlers.onOpen?.(ws));
  ws.addEventListener("message", (e: MessageEvent) => {
    deliver(e.data as string | ArrayBuffer, ws, handlers, maxBytes);
  });
  ws.addEventListener("close", (e: CloseEvent) => {
    stopWatching();
    handlers.onClose?.(e.code, e.reason, ws);
  });
  ws.addEventListener("error", () => handlers.onError?.(ws));
}

/** The same handlers through a Hono upgrade helper's events (its `WSContext.raw` socket). */
function throughHelper(
  upgrade: UpgradeWebSocket<unknown>,
  create: (c: Context) => WebSocketHandlers | Promise<WebSocketHandlers>,
  maxBytes: number,
) {
  const socketOf = (wsc: WSContext<unknown>) => (wsc.raw ?? wsc) as WebSocket;
  return upgrade(async (c) => {
    const handlers = await create(c);
    const shutdown = appRuntime(c)?.shutdownSignal;
    let stopWatching = () => {};
    return {
      onOpen(_e, wsc) {
        const ws = socketOf(wsc);
        stopWatching = closeOnShutdown(ws, shutdown);
        handlers.onOpen?.(ws);
      },
      onMessage(e, wsc) {
        const data: WSMessageReceive = e.data;
        const ws = socketOf(wsc);
        if (typeof data === "string" || data instanceof ArrayBuffer) {
          return deliver(data, ws, handlers, maxBytes);
        }
        if (data instanceof Blob) {
          if (data.size > maxBytes) return ws.close(1009, "message too big");
          void data.arrayBuffer().then((b) => deliver(b, ws, handlers, maxBytes));
          return;
        }
        deliver(new Uint8Array(data).slice().buffer, ws, handlers, maxBytes);
      },
      onClose(e, wsc) {
        stopWatching();
        handlers.onClose?.(e.code, e.reason, socketOf(wsc));
      },
      onError(_e, wsc) {
        handlers.onError?.(socketOf(wsc));
      },
    };
  });
}

/**
 * A route handler that upgrades to a WebSocket. Requests that aren't upgrades get a 426 problem.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { webSocket } from "@avila/avx-http/server";
 * const app = new Hono();
 * app.get("/ws", webSocket(() => ({
 *   onMessage(data, ws) { ws.send(`echo: ${data}`); },
 * })));
 * ```
 */
export function webSocket(
  create: (c: Context) => WebSocketHandlers | Promise<WebSocketHandlers>,
  options: {
    /** Subprotocols the server speaks; the first one the client also offers is chosen. */
    protocols?: readonly string[];
    /** Largest accepted message in bytes (close 1009 past it); default 1 MiB. */
    maxMessageBytes?: number;
    /** Seconds without a pong before the connection is considered dead (Deno); default 30. */
    idleTimeout?: number;
    /**
     * Hono's upgrade helper, for a runtime that cannot upgrade from inside a request handler:
     * on Node, `createNodeWebSocket({ app }).upgradeWebSocket` from `@hono/node-ws` (serve with
     * `@hono/node-server` and call its `injectWebSocket(server)`). Used instead of the built-in
     * Deno and Workers upgrades; the handlers get its socket (`WSContext.raw`, a `WebSocket`-like
     * object such as a `ws` socket).
     */
    // deno-lint-ignore no-explicit-any
    upgrade?: UpgradeWebSocket<any>;
  } = {},
): Handler {
  const maxBytes = options.maxMessageBytes ?? 1024 * 1024;
  const helper = options.upgrade && throughHelper(options.upgrade, create, maxBytes);
  return async function webSocketUpgrade(c: Context, next: Next) {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return problemResponse(426, {
        title: "Upgrade Required",
        detail: "this endpoint speaks WebSocket only",
      }, { upgrade: "websocket", connection: "Upgrade" });
    }
    if (helper) {
      const res = await helper(c, next);
      return res ?? c.res;
    }
    const handlers = await create(c);
    const protocol = pickProtocol(c.req.header("sec-websocket-protocol"), options.protocols);
    const shutdown = appRuntime(c)?.shutdownSignal;

    const g = globalThis as unknown as {
      Deno?: { upgradeWebSocket?: typeof Deno.upgradeWebSocket };
      WebSocketPair?: new () => WorkersPair;
    };
    if (typeof g.Deno?.upgradeWebSocket === "function") {
      const { socket, response } = g.Deno.upgradeWebSocket(c.req.raw, {
        ...(protocol ? { protocol } : {}),
        idleTimeout: options.idleTimeout ?? 30,
      });
      attach(socket, handlers, maxBytes, shutdown);
      return response;
    }
    if (typeof g.WebSocketPair === "function") {
      const pair = new g.WebSocketPair();
      const server = pair[1];
      server.accept();
      attach(server, handlers, maxBytes, shutdown);
      queueMicrotask(() => handlers.onOpen?.(server));
      const headers: HeadersInit = protocol ? { "sec-websocket-protocol": protocol } : {};
      return new Response(null, { status: 101, headers, webSocket: pair[0] } as ResponseInit);
    }
    return problemResponse(501, { detail: "this runtime cannot accept WebSocket upgrades" });
  };
}
