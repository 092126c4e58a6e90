// Child process of arrow_limits_test.ts: serves a `readArrow(c.req.raw)` route on a loopback port,
// POSTs the IPC stream at Deno.args[0] to it with fetch, and prints the response and this
// process's peak resident memory (VmHWM) before and after, as one JSON line.
import { readArrow, Route, Server } from "./mod.ts";
import { listenLocal } from "./_test_util.ts";

function peakKiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
  return m === null ? -1 : Number(m[1]);
}

const body = Deno.readFileSync(Deno.args[0]);
const app = new Server()
  .route(
    "/upload",
    Route.post(async (c) => {
      const read = await readArrow(c.req.raw);
      return c.json({ rows: read.batches.reduce((n, b) => n + b.numRows, 0) });
    }),
  )
  .build();
const server = listenLocal(app).server;
const before = peakKiB();
const res = await fetch(server.address.url + "/upload", {
  method: "POST",
  body,
  headers: { "content-type": "application/vnd.apache.arrow.stream" },
});
const text = await res.text();
const after = peakKiB();
await server.shutdown({ timeoutMs: 2000 });
console.log(JSON.stringify({
  status: res.status,
  contentType: res.headers.get("content-type"),
  body: text.slice(0, 500),
  beforeKiB: before,
  afterKiB: after,
}));
