import assert from "node:assert/strict";
import { tableFromIPC } from "apache-arrow";
import { Context } from "hono";
import { HonoRequest } from "hono/request";
import { RecordBatch, writeIpcStream } from "../columnar/mod.ts";
import { arrow, readArrow, Route, Server } from "./mod.ts";
import { listenLocal } from "./_test_util.ts";

const batch = RecordBatch.fromColumns({
  t: new Float64Array([0, 0.25, 0.5, 0.75]),
  strain: new Float64Array([1e-21, -2e-21, 3e-21, -4e-21]),
});

function app() {
  return new Server()
    .route("/strain", Route.get((c) => arrow(c, batch)))
    .route(
      "/upload",
      Route.post(async (c) => {
        const body = await readArrow(c.req.raw);
        return c.json({
          format: body.format,
          rows: body.batches.reduce((n, b) => n + b.numRows, 0),
        });
      }),
    )
    .withCompression()
    .build();
}

Deno.test("arrow(c) negotiates Arrow stream (with IPC compression), file, JSON, and 406", async () => {
  await using srv = listenLocal(app());
  const stream = await fetch(srv.url + "/strain", {
    headers: { accept: "application/vnd.apache.arrow.stream" },
  });
  assert.equal(stream.headers.get("content-type"), "application/vnd.apache.arrow.stream");
  const table = tableFromIPC(new Uint8Array(await stream.arrayBuffer()));
  assert.equal(table.numRows, 4);
  assert.deepEqual(
    Array.from(table.getChild("strain")!.toArray() as Float64Array),
    Array.from(batch.column("strain")!.toArray() as Float64Array),
  );

  const zstd = await fetch(srv.url + "/strain", {
    headers: {
      accept: 'application/vnd.apache.arrow.stream; codecs="zstd"',
      "accept-encoding": "zstd, gzip",
    },
  });
  assert.match(zstd.headers.get("content-type")!, /codecs="?zstd/);
  assert.equal(
    zstd.headers.get("content-encoding"),
    null,
    "IPC body compression is not compressed again",
  );
  await zstd.body?.cancel();

  const json = await fetch(srv.url + "/strain", { headers: { accept: "application/json" } });
  assert.equal((await json.json()).length, 4);

  const none = await fetch(srv.url + "/strain", { headers: { accept: "image/png" } });
  assert.equal(none.status, 406);
  assert.equal(none.headers.get("content-type"), "application/problem+json");
  await none.body?.cancel();
});

Deno.test("readArrow reads Arrow bodies; wrong types and malformed IPC are problems", async () => {
  await using srv = listenLocal(app());
  const bytes = writeIpcStream(batch).slice();
  const ok = await fetch(srv.url + "/upload", {
    method: "POST",
    body: bytes,
    headers: { "content-type": "application/vnd.apache.arrow.stream" },
  });
  assert.deepEqual(await ok.json(), { format: "stream", rows: 4 });
  const wrongType = await fetch(srv.url + "/upload", {
    method: "POST",
    body: bytes,
    headers: { "content-type": "text/csv" },
  });
  assert.equal(wrongType.status, 415);
  assert.equal(wrongType.headers.get("content-type"), "application/problem+json");
  await wrongType.body?.cancel();
  const garbage = await fetch(srv.url + "/upload", {
    method: "POST",
    body: bytes.slice(0, 20),
    headers: { "content-type": "application/vnd.apache.arrow.stream" },
  });
  assert.equal(garbage.status, 400);
  await garbage.body?.cancel();
});

Deno.test("importing the server adds nothing to Hono's Context or HonoRequest", () => {
  // ./mod.ts is imported above: the Arrow helpers are functions, not prototype methods.
  assert.equal(Object.hasOwn(Context.prototype, "arrow"), false);
  assert.equal(Object.hasOwn(HonoRequest.prototype, "arrow"), false);
});
