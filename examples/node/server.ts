/**
 * The example data API on Node.js through `@hono/node-server`: the same `createExampleApp()` as
 * on Deno and Workers, with `/ws` upgraded by Hono's Node helper (`@hono/node-ws`, on the `ws`
 * package). Bundle it into one ES module with `deno run -A examples/node/build.ts` and run it
 * with `node`:
 *
 * ```sh
 * deno run -A examples/node/build.ts .cache/node && PORT=3000 node .cache/node/server.mjs
 * ```
 *
 * `HOST` (default `127.0.0.1`) and `PORT` (default 3000, `0` for a free one) choose the socket,
 * `HEADERS_TIMEOUT_MS` (default 10 000) how long a client may take to send its headers;
 * it prints one JSON line `{"event":"listen","url":...}` once bound, and shuts down gracefully
 * on SIGINT/SIGTERM.
 *
 * @module
 */

import process from "node:process";
import { serve } from "@hono/node-server";
import { createNodeWebSocket } from "@hono/node-ws";
import type { AvxApp } from "../../server/mod.ts";
import { createExampleApp } from "../app.ts";

// The helper sends each upgrade request through the app (auth, limits, the /ws route) before
// accepting it; the app is built next, with the helper's upgradeWebSocket on its /ws route.
const { injectWebSocket, upgradeWebSocket } = createNodeWebSocket({
  app: {
    request: (url: URL, init: RequestInit, env: unknown) => app.fetch(new Request(url, init), env),
  } as unknown as Parameters<typeof createNodeWebSocket>[0]["app"],
});
const app: AvxApp = createExampleApp({
  upgradeWebSocket,
  accessLog: process.env.AVX_ACCESS_LOG === "1",
});
const hostname = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid PORT: ${process.env.PORT}`);
  process.exit(2);
}

// Bound the time a client may take to send its request headers (Node's default is 60 s, checked
// every 30 s); the app itself bounds bodies (ServerOptions.bodyTimeoutMs). HEADERS_TIMEOUT_MS
// overrides the 10 s default.
const headersTimeout = Number(process.env.HEADERS_TIMEOUT_MS ?? 10_000);
const serverOptions = {
  headersTimeout,
  connectionsCheckingInterval: Math.min(1_000, headersTimeout),
};

const server = serve({ fetch: app.fetch, hostname, port, serverOptions }, (info) => {
  const host = info.address.includes(":") ? `[${info.address}]` : info.address;
  console.log(JSON.stringify({ event: "listen", url: `http://${host}:${info.port}` }));
});
injectWebSocket(server);

function shutdown(): void {
  // Long-lived responses (SSE) end, /readyz turns 503, then the socket closes once idle.
  app.beginShutdown();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
