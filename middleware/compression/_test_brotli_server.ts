// A server with compression() for brotli_request_test.ts, run in a subprocess so the test can
// watch its stdout (Deno's node:zlib brotli decoder prints "leaking memory block" there when it
// leaks). Listens on 127.0.0.1:0, reports the address on stderr, stops on a line on stdin.

import { Route, Server } from "../../server/mod.ts";
import { listenLocal } from "../../server/_test_util.ts";

const app = new Server({ logError: () => {} })
  .route("/len", Route.post(async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength })))
  .withCompression()
  .build();
const server = listenLocal(app).server;
console.error(JSON.stringify({ url: server.address.url }));
for await (const _ of Deno.stdin.readable) break;
await server.shutdown({ timeoutMs: 2000 });
