/**
 * HTTP/3 (RFC 9114) over Deno's QUIC (`Deno.QuicEndpoint`, `--unstable-net`): the same fetch
 * handler as `Deno.serve`, on a UDP port. `listen({ cert, key, http3: true })` starts it next to
 * the TCP server; this module is its engine.
 *
 * @module
 */

import { ConfigurationError } from "../../http/config_error.ts";
import type { ListenOptions } from "../listen.ts";
import { Http3Connection } from "./_connection.ts";
import type { Http3Handler } from "./_request.ts";
import { type QuicConn, quicEndpointClass, type QuicIncoming } from "./_quic.ts";

export type { Http3Handler } from "./_request.ts";

// The limits of `serve({ http3: { ... } })`, every field defaulted (see ListenOptions).
type Http3Options = Exclude<NonNullable<ListenOptions["http3"]>, boolean>;

/** A running HTTP/3 server. */
export interface Http3Server {
  /** The bound UDP address. */
  readonly addr: Deno.NetAddr;
  /** Requests being served now, over every connection. */
  readonly active: number;
  /** Resolves once the server has stopped. */
  readonly finished: Promise<void>;
  /**
   * Stops accepting connections, sends GOAWAY on each, waits for their requests in flight, then
   * closes them (H3_NO_ERROR) and the endpoint.
   */
  shutdown(): Promise<void>;
  /**
   * Closes every connection now (H3_NO_ERROR), whatever is still in flight, and the endpoint:
   * what a shutdown does once its deadline has passed. Resolves once the server has stopped.
   */
  close(): Promise<void>;
}

/**
 * Serves `handler` over HTTP/3 on UDP `hostname:port`. Throws a `ConfigurationError` when QUIC is
 * not available (Deno run without `--unstable-net`).
 *
 * @example
 * ```ts ignore
 * const cert = await Deno.readTextFile("cert.pem"), key = await Deno.readTextFile("key.pem");
 * const h3 = serveHttp3(() => new Response("hi"), { hostname: "127.0.0.1", port: 8443, cert, key });
 * await h3.shutdown();
 * ```
 */
export function serveHttp3(
  handler: Http3Handler,
  where: { hostname: string; port: number; cert: string; key: string },
  options: Http3Options = {},
): Http3Server {
  const QuicEndpoint = quicEndpointClass();
  if (QuicEndpoint === undefined) {
    throw new ConfigurationError(
      "invalid_option",
      'http3 needs Deno\'s QUIC API: run with --unstable-net (or add "net" to "unstable" in ' +
        "deno.json)",
    );
  }
  const positive = (name: keyof Http3Options, fallback: number, min = 1): number => {
    const v = options[name] ?? fallback;
    if (!Number.isInteger(v) || v < min) {
      throw new ConfigurationError("invalid_option", `http3.${name} must be an integer >= ${min}`);
    }
    return v;
  };
  const connectionOptions = {
    maxFieldSectionSize: positive("maxFieldSectionSize", 32 * 1024),
    maxHeaderFields: positive("maxHeaderFields", 100),
    headersTimeoutMs: positive("headersTimeoutMs", 10_000),
    qpackMaxTableCapacity: positive("qpackMaxTableCapacity", 4096, 0),
    qpackBlockedStreams: positive("qpackBlockedStreams", 16, 0),
  };
  const endpoint = new QuicEndpoint({ hostname: where.hostname, port: where.port });
  const listener = endpoint.listen({
    cert: where.cert,
    key: where.key,
    alpnProtocols: ["h3"],
    maxConcurrentBidirectionalStreams: positive("maxConcurrentStreams", 100),
    // Control, QPACK encoder and decoder streams, and a few unknown ones (which are stopped).
    maxConcurrentUnidirectionalStreams: 8,
    maxIdleTimeout: positive("idleTimeoutMs", 30_000),
  });
  const connections = new Set<Http3Connection>();
  let stopping = false;

  const accept = async (incoming: QuicIncoming) => {
    let conn: QuicConn;
    try {
      conn = await incoming.accept();
    } catch {
      return; // handshake failed
    }
    if (stopping) {
      conn.close({ closeCode: 0x100, reason: "shutting down" });
      return;
    }
    const c = new Http3Connection(conn, handler, connectionOptions);
    connections.add(c);
    c.closed.then(() => connections.delete(c));
    await c.run();
  };

  const accepting = (async () => {
    try {
      for await (const incoming of listener) void accept(incoming);
    } catch { /* the endpoint closed */ }
  })();

  let finishedResolve!: () => void;
  const finished = new Promise<void>((r) => (finishedResolve = r));
  let shuttingDown: Promise<void> | undefined;
  // Settles when `close()` cuts the drain short: requests stuck in a handler, or in a response
  // the client never reads, must not hold the endpoint open past the caller's deadline.
  let forceResolve!: () => void;
  const forced = new Promise<void>((r) => (forceResolve = r));

  return {
    addr: endpoint.addr,
    get active() {
      let n = 0;
      for (const c of connections) n += c.active;
      return n;
    },
    finished,
    shutdown,
    close() {
      const done = shutdown();
      forceResolve();
      return done;
    },
  };

  function shutdown(): Promise<void> {
    return shuttingDown ??= (async () => {
      stopping = true;
      listener.stop();
      await Promise.race([
        forced,
        Promise.all([...connections].map(async (c) => {
          await c.drain();
          // The last responses may still be in flight to the client, and closing discards
          // them: the client closes once it has them (it saw GOAWAY), or a second passes.
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([c.closed, new Promise((r) => (timer = setTimeout(r, 1000)))]);
          clearTimeout(timer);
          c.close();
        })),
      ]);
      for (const c of connections) c.close();
      endpoint.close({ closeCode: 0x100, reason: "" });
      await accepting.catch(() => {});
      finishedResolve();
    })();
  }
}
