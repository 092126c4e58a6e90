// The socket peer of a request: the address of whoever opened the connection, as each runtime's
// server hands it to the app in Hono's `c.env` (the fetch handler's second argument). Documented
// APIs only, the same ones Hono's `getConnInfo` helpers read:
// - Deno (`Deno.serve`, `deno serve`, Deploy): `Deno.ServeHandlerInfo`, `remoteAddr.hostname`;
// - Node (`@hono/node-server`): `incoming` (or `server.incoming`) is the `http.IncomingMessage`,
//   `incoming.socket.remoteAddress`;
// - Bun (`Bun.serve`, `export default app`): the `Server` (or `{ server }`),
//   `server.requestIP(request)`;
// - Workers and other edge runtimes: no socket is visible; their platform header
//   (`CF-Connecting-IP`) is for the caller to trust or not.
// Telemetry, the region proxy and the client-IP resolver all read the peer here.

import { getRuntimeKey } from "hono/adapter";

type Bag = Record<string, unknown>;

const isObject = (v: unknown): v is Bag => v !== null && typeof v === "object";

function nodePeer(env: Bag): string | undefined {
  const holder = isObject(env.server) && isObject(env.server.incoming) ? env.server : env;
  const incoming = holder.incoming;
  if (!isObject(incoming) || !isObject(incoming.socket)) return undefined;
  const address = incoming.socket.remoteAddress;
  return typeof address === "string" ? address : undefined;
}

function bunPeer(env: Bag, request: Request): string | undefined {
  const server = typeof env.requestIP === "function"
    ? env
    : isObject(env.server) && typeof env.server.requestIP === "function"
    ? env.server
    : undefined;
  if (server === undefined) return undefined;
  // Bun knows the socket of the Request object it created; a rebuilt request has none (null).
  const info = (server.requestIP as (r: Request) => unknown).call(server, request);
  return isObject(info) && typeof info.address === "string" ? info.address : undefined;
}

/**
 * The peer address text (`"192.0.2.1"`, `"::1"`, `"::ffff:10.0.0.1"`) from `env` (Hono's
 * `c.env`), or undefined when the runtime passed none (in-process `app.request`, a Unix socket,
 * Workers).
 */
export function socketPeer(env: unknown, request: Request): string | undefined {
  if (!isObject(env)) return undefined;
  const remote = env.remoteAddr;
  if (isObject(remote)) return typeof remote.hostname === "string" ? remote.hostname : undefined;
  return nodePeer(env) ?? bunPeer(env, request);
}

/**
 * The HTTP protocol `env` (Hono's `c.env`) says the request came over: `"h3"` when Deno's
 * connection info names a UDP peer (only HTTP/3 over QUIC runs on UDP), else undefined: Deno does
 * not tell HTTP/1.1 from HTTP/2 per request.
 */
export function socketProtocol(env: unknown): "h3" | undefined {
  if (!isObject(env) || !isObject(env.remoteAddr)) return undefined;
  return env.remoteAddr.transport === "udp" ? "h3" : undefined;
}

/** The runtimes whose servers pass the socket peer to the app. */
const PEER_RUNTIMES = new Set(["deno", "node", "bun"]);

/** The runtime this code runs on, as Hono names it (`deno`, `node`, `bun`, `workerd`, ...). */
export function currentRuntime(): string {
  return getRuntimeKey();
}

/** Whether apps served on `runtime` are given their socket peer (see {@link socketPeer}). */
export function runtimeHasSocketPeer(runtime: string): boolean {
  return PEER_RUNTIMES.has(runtime);
}
