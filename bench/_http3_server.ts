// The server of bench/http3.ts: `deno run -A bench/_http3_server.ts CERT KEY`. One avx-http app
// (Server builder, default middleware) listening with TLS (HTTP/1.1 and HTTP/2 by ALPN) and
// HTTP/3 on the same port; routes GET /small (a 60-byte JSON object) and GET /mib (1 MiB).
// Prints "READY <port>" once it listens.

import { Route, Server } from "../server/mod.ts";

const [certPath, keyPath] = Deno.args;
const SMALL = { id: 42, detector: "H1", strain: 1.5e-21, ok: true, tags: ["o4"] };
const MIB = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) & 0xff);

const app = new Server()
  .route("/small", Route.get((c) => c.json(SMALL)))
  .route(
    "/mib",
    Route.get(() => new Response(MIB, { headers: { "content-type": "application/octet-stream" } })),
  )
  .build();
const server = app.listen({
  hostname: "127.0.0.1",
  port: 0,
  cert: Deno.readTextFileSync(certPath),
  key: Deno.readTextFileSync(keyPath),
  http3: { maxConcurrentStreams: 256 },
  onListen(a) {
    console.log(`READY ${a.port}`);
  },
});
await server.finished;
