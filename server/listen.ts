/**
 * Serving an app on a socket with `Deno.serve`: address parsing, `PORT`, TLS (HTTP/2 by ALPN),
 * and graceful shutdown on SIGINT/SIGTERM that drains in-flight requests within a deadline.
 *
 * @module
 */

import { ConfigurationError } from "../http/config_error.ts";
import { problemResponse } from "../http/problem.ts";
import { setHeader } from "../http/mod.ts";
import { type Http3Server, serveHttp3 } from "./http3/mod.ts";

/** Where and how to listen. */
export interface ListenOptions {
  /** Interface to bind; default `0.0.0.0`. */
  hostname?: string;
  /** TCP port; `0` picks a free one. Wins over `PORT` and the address string. */
  port?: number;
  /** PEM certificate chain. With `key`, serves HTTPS with HTTP/2 and HTTP/1.1 (ALPN). */
  cert?: string;
  /** PEM private key. */
  key?: string;
  /**
   * Also serve HTTP/3 on the same port number over UDP (needs `cert`, `key` and Deno's
   * `--unstable-net`); TCP responses then carry `Alt-Svc: h3=":<port>"`. `true` for the default
   * limits, or the limits (`docs/http3.md`).
   */
  http3?: boolean | {
    /** Concurrent request streams per connection (QUIC transport parameter); default 100. */
    maxConcurrentStreams?: number;
    /** Decoded header section size (SETTINGS_MAX_FIELD_SECTION_SIZE); default 32 KiB. */
    maxFieldSectionSize?: number;
    /** Header fields per request; default 100. */
    maxHeaderFields?: number;
    /** Time for a request's headers to arrive, else 408; default 10 000 ms. */
    headersTimeoutMs?: number;
    /** A connection with no packets for this long is closed (QUIC idle timeout); default 30 000. */
    idleTimeoutMs?: number;
    /**
     * SETTINGS_QPACK_MAX_TABLE_CAPACITY advertised to clients; default 4096 bytes (0: static
     * table only).
     */
    qpackMaxTableCapacity?: number;
    /** SETTINGS_QPACK_BLOCKED_STREAMS advertised to clients; default 16. */
    qpackBlockedStreams?: number;
  };
  /** How long a graceful shutdown waits for in-flight requests; default 10 000 ms. */
  shutdownTimeoutMs?: number;
  /** Install SIGINT/SIGTERM handlers that shut down gracefully and exit; default true. */
  handleSignals?: boolean;
  /** Called once the socket is bound; default prints one line to stdout. */
  onListen?: (address: RunningServer["address"]) => void;
}

type ServerAddress = RunningServer["address"];

type ShutdownResult = Awaited<ReturnType<RunningServer["shutdown"]>>;

/** A running server. */
export interface RunningServer {
  /** Where it listens. */
  readonly address: {
    /** The bound interface. */
    hostname: string;
    /** The bound port (the real one when 0 was asked). */
    port: number;
    /** `http(s)://host:port`, with `localhost`-style hosts kept and wildcards shown as 127.0.0.1. */
    url: string;
  };
  /** Resolves when the server has stopped. */
  readonly finished: Promise<void>;
  /**
   * Stops accepting, ends long-lived streams, waits for in-flight requests up to the deadline,
   * then stops the app (flushes its ledger) before resolving.
   */
  shutdown(options?: { timeoutMs?: number }): Promise<"drained" | "deadline">;
}

/**
 * Parses `"host:port"`, `":port"`, `"port"` or `"[v6]:port"`.
 *
 * @example
 * ```ts
 * import { parseAddress } from "./listen.ts";
 * console.log(parseAddress("0.0.0.0:3000")); // { hostname: "0.0.0.0", port: 3000 }
 * ```
 */
export function parseAddress(address: string): { hostname?: string; port?: number } {
  const s = address.trim();
  if (s === "") return {};
  let host: string | undefined;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1];
    portText = v6[2];
  } else if (/^\d+$/.test(s)) {
    portText = s;
  } else {
    const i = s.lastIndexOf(":");
    if (i === -1) host = s;
    else {
      host = s.slice(0, i) || undefined;
      portText = s.slice(i + 1);
    }
  }
  const out: { hostname?: string; port?: number } = {};
  if (host !== undefined) out.hostname = host;
  if (portText !== undefined) {
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) {
      throw new ConfigurationError("invalid_option", `invalid port in "${address}"`);
    }
    out.port = port;
  }
  return out;
}

function readPortEnv(): number | undefined {
  let v: string | undefined;
  try {
    v = Deno.env.get("PORT");
  } catch {
    return undefined; // no env permission: PORT is simply not honoured
  }
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ConfigurationError("invalid_option", `invalid PORT: ${v}`);
  }
  return n;
}

/**
 * Serves `app` with `Deno.serve`. Port precedence: `options.port`, then `PORT` from the
 * environment, then the address string, then 3000.
 *
 * @example
 * ```ts ignore
 * import { serve } from "@avila/avx-http/server";
 * const server = serve({ fetch: () => new Response("hi") }, "127.0.0.1:0");
 * await server.shutdown();
 * ```
 */
export function serve(
  app: {
    /** The fetch handler; `info` is Deno's connection info (Hono's `c.env` on Deno). */
    fetch(request: Request, info: Deno.ServeHandlerInfo): Response | Promise<Response>;
    /** Called when a shutdown starts, before draining. */
    beginShutdown?(): void;
    /**
     * Resolves once the work requests still do after their responses were sent has finished (a
     * handler a timeout answered for); the drain waits for it, within its deadline.
     */
    drained?(): Promise<void>;
    /**
     * Called once the app serves no more requests (after the drain, or at its deadline), before
     * `shutdown()` resolves and before a signal makes the process exit: flush what requests wrote.
     */
    stop?(): Promise<void>;
  },
  address?: string | ListenOptions,
  more: ListenOptions = {},
): RunningServer {
  const opts: ListenOptions = typeof address === "string"
    ? { ...parseAddress(address), ...more }
    : { ...address, ...more };
  const fromString = typeof address === "string" ? parseAddress(address).port : undefined;
  const explicitPort = typeof address === "string" ? more.port : opts.port;
  const port = explicitPort ?? readPortEnv() ?? fromString ?? 3000;
  const hostname = opts.hostname ?? "0.0.0.0";
  const tls = opts.cert !== undefined && opts.key !== undefined;
  const timeoutMs = opts.shutdownTimeoutMs ?? 10_000;
  const handleSignals = opts.handleSignals ?? true;
  const http3 = opts.http3 === true ? {} : opts.http3 || undefined;
  if (http3 !== undefined && !tls) {
    throw new ConfigurationError("invalid_option", "http3 needs cert and key (QUIC is TLS 1.3)");
  }
  let altSvc: string | undefined;

  const server = Deno.serve({
    hostname,
    port,
    ...(tls ? { cert: opts.cert, key: opts.key } : {}),
    onListen() {}, // reported below, once, in our own words
    onError() {
      // The app has its own error handler; this only runs if that handler itself failed.
      return problemResponse(500, {
        detail: "an unexpected error occurred",
        code: "internal_error",
      });
    },
  }, altSvcFetch(app, () => altSvc));

  const addr = server.addr as Deno.NetAddr;
  let h3: Http3Server | undefined;
  if (http3 !== undefined) {
    try {
      h3 = serveHttp3((req, info) => app.fetch(req, info), {
        hostname: addr.hostname,
        port: addr.port,
        cert: opts.cert!,
        key: opts.key!,
      }, http3);
    } catch (e) {
      void server.shutdown();
      throw e;
    }
    altSvc = `h3=":${addr.port}"`;
  }
  const wildcard = addr.hostname === "0.0.0.0" || addr.hostname === "::";
  const shown = wildcard ? "127.0.0.1" : addr.hostname;
  const bound: ServerAddress = {
    hostname: addr.hostname,
    port: addr.port,
    url: `${tls ? "https" : "http"}://${shown.includes(":") ? `[${shown}]` : shown}:${addr.port}`,
  };
  (opts.onListen ?? ((a: ServerAddress) => console.log(`avx-http listening on ${a.url}`)))(bound);

  let shuttingDown: Promise<ShutdownResult> | undefined;
  // Once, after the last request that will be served: records written during the drain
  // (usage) are flushed, never lost to a ledger closed when the shutdown began.
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    stopped ??= Promise.resolve().then(() => app.stop?.()).catch((e) => {
      console.error("[avx-http] stopping the app failed", e);
    });
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const onSignal = () => {
    void shutdown().then(() => Deno.exit(0));
  };

  function shutdown(options: { timeoutMs?: number } = {}): Promise<ShutdownResult> {
    if (shuttingDown) return shuttingDown;
    if (handleSignals) { for (const s of signals) Deno.removeSignalListener(s, onSignal); }
    app.beginShutdown?.();
    const deadline = options.timeoutMs ?? timeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    shuttingDown = Promise.race([
      // Responses first, then what handlers still do after theirs went out (a write a timeout
      // answered for): exiting in the middle of it would cut the write and strand its key.
      Promise.all([server.shutdown(), h3?.shutdown()]).then(() => app.drained?.())
        .then((): ShutdownResult => "drained"),
      new Promise<ShutdownResult>((r) => (timer = setTimeout(() => r("deadline"), deadline))),
    ]).finally(() => clearTimeout(timer)).then(async (result) => {
      // Past the deadline, HTTP/3 connections still busy are closed: the QUIC endpoint would
      // otherwise stay open (and keep the process alive) for as long as a handler hangs.
      if (result === "deadline") await h3?.close();
      await stop();
      return result;
    });
    return shuttingDown;
  }

  if (handleSignals) { for (const s of signals) Deno.addSignalListener(s, onSignal); }

  // Deno's `finished` settles when its own shutdown does, before the late-work drain: after a
  // `shutdown()`, finish with it (drain, then stop), never stop ahead of the drain.
  const finished = Promise.all([server.finished, h3?.finished])
    .then((): Promise<unknown> => shuttingDown ?? stop())
    .then(() => {});
  return { address: bound, finished, shutdown };
}

/** The TCP handler: the app's, with `Alt-Svc` added once HTTP/3 listens (RFC 7838). */
function altSvcFetch(
  app: Parameters<typeof serve>[0],
  altSvc: () => string | undefined,
): (req: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response> {
  return (req, info) => {
    const value = altSvc();
    if (value === undefined) return app.fetch(req, info);
    const out = app.fetch(req, info);
    return out instanceof Promise
      ? out.then((res) => setHeader(res, "alt-svc", value))
      : setHeader(out, "alt-svc", value);
  };
}
