import assert from "node:assert/strict";
import { tableFromIPC } from "apache-arrow";
import { Context } from "hono";
import { HonoRequest } from "hono/request";
import {
  columnFromValues,
  RecordBatch,
  TimeUnit,
  types as T,
  writeIpcStream,
} from "../columnar/mod.ts";
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

// JSON rows wrote timestamps as float milliseconds and durations as numbers, so a
// nanosecond timestamp lost its last digits and a duration past 2^53 was rounded. Timestamps are
// now their exact text and durations are written as int64 is (exact text past 2^53).
Deno.test("arrow(c) JSON rows: timestamps of every unit and large durations are exact", async () => {
  const ts = (unit: TimeUnit, tz: string | null, v: (bigint | null)[]) =>
    columnFromValues(v, T.timestamp(unit, tz));
  const exact = RecordBatch.fromColumns({
    ns: ts(TimeUnit.NANOSECOND, "UTC", [1700000000123456789n, -1n]),
    ns_local: ts(TimeUnit.NANOSECOND, null, [1700000000000000001n, null]),
    us: ts(TimeUnit.MICROSECOND, "Europe/Paris", [1700000000123457n, 0n]),
    ms: ts(TimeUnit.MILLISECOND, null, [1700000000123n, -62135596800001n]),
    s: ts(TimeUnit.SECOND, "UTC", [1700000000n, 253402300800n]),
    dur: columnFromValues([9007199254740993n, -5n], T.duration(TimeUnit.NANOSECOND)),
    list: columnFromValues(
      [[1700000000987654321n, null], []],
      T.list(T.timestamp(TimeUnit.NANOSECOND, "UTC")),
    ),
    rec: columnFromValues(
      [{ d: -(2n ** 62n) - 3n }, null],
      T.struct({ d: T.duration(TimeUnit.MICROSECOND) }),
    ),
  });
  const server = new Server().route("/t", Route.get((c) => arrow(c, exact))).build();
  await using srv = listenLocal(server);
  const res = await fetch(srv.url + "/t", { headers: { accept: "application/json" } });
  assert.equal(res.headers.get("content-type")?.split(";")[0], "application/json");
  assert.deepEqual(await res.json(), [
    {
      ns: "2023-11-14T22:13:20.123456789Z",
      ns_local: "2023-11-14T22:13:20.000000001",
      us: "2023-11-14T22:13:20.123457Z",
      ms: "2023-11-14T22:13:20.123",
      s: "2023-11-14T22:13:20Z",
      dur: "9007199254740993",
      list: ["2023-11-14T22:13:20.987654321Z", null],
      rec: { d: "-4611686018427387907" },
    },
    {
      ns: "1969-12-31T23:59:59.999999999Z",
      ns_local: null,
      us: "1970-01-01T00:00:00.000000Z",
      ms: "0000-12-31T23:59:59.999",
      s: "+010000-01-01T00:00:00Z",
      dur: -5,
      list: [],
      rec: null,
    },
  ]);
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
