// Fixture for the request.signal test: a server with compression that takes uploads; it posts
// a plain and a gzip body to itself, prints the answers, and stops (Deno's warnings go to stderr).
import { gzipSync } from "node:zlib";
import { Route, Server } from "../../server/mod.ts";

const app = new Server()
  .route(
    "/upload",
    Route.post(async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength })),
  )
  .withCompression()
  .build();
const server = app.listen("127.0.0.1:0", { handleSignals: false, onListen: () => {} });
const json = JSON.stringify({ samples: [1, 2, 3] });
for (const gzip of [false, true]) {
  const res = await fetch(`${server.address.url}/upload`, {
    method: "POST",
    body: gzip ? gzipSync(json) : json,
    headers: gzip ? { "content-encoding": "gzip" } : {},
  });
  console.log(res.status, await res.text());
}
await server.shutdown();
