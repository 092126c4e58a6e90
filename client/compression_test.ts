import assert from "node:assert/strict";
import { Route, Server } from "../server/mod.ts";
import { listenLocal } from "../server/_test_util.ts";
import { arrowResponse, RecordBatch } from "../columnar/mod.ts";
import { Algorithm, compress } from "../compress/mod.ts";
import { Client, ClientError } from "./mod.ts";

const rows = Array.from(
  { length: 2000 },
  (_, i) => ({ t: i, strain: Math.sin(i / 10), detector: "H1" }),
);

function dataApp() {
  return new Server({ openapi: false })
    .route("/rows", Route.get((c) => c.json(rows)))
    .route(
      "/upload",
      Route.post(async (c) => {
        const text = await c.req.text();
        return c.json({ length: text.length, encoding: c.req.header("content-encoding") ?? null });
      }),
    )
    .route(
      "/arrow",
      Route.get((c) =>
        arrowResponse(
          c.req.raw,
          RecordBatch.fromColumns({
            t: new Float64Array([0, 0.5, 1]),
            v: new Int32Array([7, 8, 9]),
          }),
        )
      ),
    )
    .withCompression()
    .build();
}

for (const coding of ["zstd", "lz4", "x-snappy-framed", "gzip", "br"]) {
  Deno.test(`responses coded with ${coding} are decoded; wire and decoded bytes are counted`, async () => {
    await using srv = listenLocal(dataApp());
    const client = Client.builder().baseUrl(srv.url).compression(true).build();
    const req = client.get("/rows");
    if (coding !== "zstd") req.header("accept-encoding", coding);
    const res = await req.send();
    assert.equal(res.headers.get("content-encoding"), coding);
    assert.deepEqual(await res.json(), rows);
    const m = res.metrics;
    assert.equal(m.bytesReceived, JSON.stringify(rows).length);
    assert.ok(
      m.bytesReceivedWire > 0 && m.bytesReceivedWire < m.bytesReceived / 2,
      `wire ${m.bytesReceivedWire}`,
    );
    const s = client.stats();
    assert.equal(s.bytesReceived, m.bytesReceived);
    assert.equal(s.bytesReceivedWire, m.bytesReceivedWire);
    // client.fetch hands back a plain Response with the decoded body
    const plain = await client.fetch(`${srv.url}/rows`, { headers: { "accept-encoding": coding } });
    assert.deepEqual(await plain.json(), rows);
  });
}

Deno.test("compression(true) advertises zstd, br, gzip, lz4, x-snappy-framed", async () => {
  const app = new Server({ openapi: false })
    .route("/ae", Route.get((c) => c.text(c.req.header("accept-encoding") ?? "")))
    .build();
  await using srv = listenLocal(app);
  const on = Client.builder().baseUrl(srv.url).compression(true).build();
  assert.equal(await (await on.get("/ae").send()).text(), "zstd, br, gzip, lz4, x-snappy-framed");
  const off = Client.builder().baseUrl(srv.url).build();
  assert.ok(!(await (await off.get("/ae").send()).text()).includes("zstd"));
});

Deno.test("request bodies over the threshold are sent zstd (or gzip) and decoded by the server", async () => {
  await using srv = listenLocal(dataApp());
  const text = JSON.stringify(rows);
  for (const coding of ["zstd", "gzip"] as const) {
    const client = Client.builder().baseUrl(srv.url).compression({ requests: coding }).build();
    const res = await client.post("/upload").body(text).send();
    assert.deepEqual(await res.json(), { length: text.length, encoding: null });
    assert.equal(res.metrics.bytesSentDecoded, text.length);
    assert.ok(res.metrics.bytesSent < text.length / 2, `sent ${res.metrics.bytesSent}`);
    // small bodies go as they are
    const small = await client.post("/upload").body("tiny").send();
    assert.equal(small.metrics.bytesSent, 4);
    assert.equal((await small.json<{ length: number }>()).length, 4);
  }
  // a streamed body (sent once) is compressed as it flows
  const client = Client.builder().baseUrl(srv.url).compression(true).retry({ attempts: 1 }).build();
  const chunks = [
    new TextEncoder().encode(text.slice(0, 5000)),
    new TextEncoder().encode(text.slice(5000)),
  ];
  const res = await client.post("/upload").body(ReadableStream.from(chunks)).send();
  assert.equal((await res.json<{ length: number }>()).length, text.length);
  assert.ok(res.metrics.bytesSent > 0 && res.metrics.bytesSent < text.length / 2);
});

Deno.test("arrow() reads an Arrow IPC stream response through the columnar reader", async () => {
  await using srv = listenLocal(dataApp());
  const client = Client.builder().baseUrl(srv.url).compression(true).build();
  const res = await client.get("/arrow").header("accept", "application/vnd.apache.arrow.stream")
    .send();
  assert.match(res.headers.get("content-type")!, /vnd\.apache\.arrow\.stream/);
  const { schema, batches } = await res.arrow();
  assert.deepEqual(schema.names, ["t", "v"]);
  assert.deepEqual([...batches[0].column("v").toArray()], [7, 8, 9]);
  const json = await client.get("/arrow").header("accept", "application/json").send();
  await assert.rejects(json.arrow(), (e) => e instanceof ClientError && e.code === "decode");
});

Deno.test("corrupt or bomb-sized coded bodies give decode / body_too_large, never a crash", async () => {
  const big = new Uint8Array(4 * 1024 * 1024);
  const zbomb = await compress(big, Algorithm.Zstd);
  const lz = await compress(new TextEncoder().encode("hello ".repeat(500)), Algorithm.Lz4);
  const corrupt = lz.slice();
  corrupt[corrupt.length - 10] ^= 0xff;
  corrupt[20] ^= 0xff;
  const app = new Server({ openapi: false })
    .route(
      "/bomb",
      Route.get(() =>
        new Response(zbomb as Uint8Array<ArrayBuffer>, { headers: { "content-encoding": "zstd" } })
      ),
    )
    .route(
      "/corrupt",
      Route.get(() =>
        new Response(corrupt as Uint8Array<ArrayBuffer>, { headers: { "content-encoding": "lz4" } })
      ),
    )
    .route(
      "/odd",
      Route.get(() => new Response("x", { headers: { "content-encoding": "compress" } })),
    )
    .build();
  await using srv = listenLocal(app);
  const client = Client.builder().baseUrl(srv.url).maxBodyBytes(1024 * 1024).build();
  await assert.rejects(
    (await client.get("/bomb").send()).bytes(),
    (e) => e instanceof ClientError && e.code === "body_too_large",
  );
  await assert.rejects(
    (await client.get("/corrupt").send()).text(),
    (e) => e instanceof ClientError && e.code === "decode",
  );
  await assert.rejects(
    (await client.get("/odd").send()).text(),
    (e) => e instanceof ClientError && e.code === "decode",
  );
});
