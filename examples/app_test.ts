import assert from "node:assert/strict";
import { createExampleApp } from "./app.ts";
import { listenLocal } from "../server/_test_util.ts";
import { stats, strain } from "./strain.ts";

Deno.test("example: strain JSON is deterministic and validated", async () => {
  const app = createExampleApp();
  const a = await (await app.request("/api/strain/H1?start=1000&n=16")).json();
  assert.equal(a.samples.length, 16);
  assert.deepEqual(a.samples, Array.from(strain("H1", 1000, 16)));
  assert.notDeepEqual(a.samples, Array.from(strain("L1", 1000, 16)), "detectors differ");
  assert.equal((await app.request("/api/strain/X1")).status, 400);
  assert.equal((await app.request("/api/strain/H1?n=0")).status, 400);
});

Deno.test("example: strain as Arrow, read by apache-arrow", async () => {
  const { tableFromIPC } = await import("apache-arrow");
  const res = await createExampleApp().request("/api/strain/L1/arrow?start=100&n=32", {
    headers: { accept: "application/vnd.apache.arrow.stream" },
  });
  const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
  assert.equal(table.numRows, 32);
  assert.deepEqual(
    Array.from(table.getChild("strain")!.toArray() as Float64Array),
    Array.from(strain("L1", 100, 32)),
  );
  assert.equal((await createExampleApp().request("/api/strain/L1/arrow?n=0")).status, 400);
});

Deno.test("example: the chirp stands out of the noise at merger", () => {
  const merger = strain("H1", 16 * 4096 - 64, 128);
  const quiet = strain("H1", 4 * 4096, 128);
  assert.ok(stats(merger).peak > 5 * stats(quiet).rms);
});

Deno.test("example over a real socket: upload, live SSE with resume, WebSocket subscription", async () => {
  await using srv = listenLocal(createExampleApp({ blockSize: 64, blockIntervalMs: 10 }));
  const up = await fetch(srv.url + "/api/upload", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ detector: "V1", samples: [1, -2, 3] }),
  });
  assert.equal(up.status, 201);
  const st = await up.json();
  assert.equal(st.count, 3);
  assert.equal(st.peak, 3);
  const bad = await fetch(srv.url + "/api/upload", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"detector":"V1"}',
  });
  assert.equal(bad.status, 400);
  await bad.body?.cancel();

  const live = await fetch(srv.url + "/api/strain/H1/live", { headers: { "last-event-id": "10" } });
  const reader = live.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/id: 12\n/.test(text)) text += (await reader.read()).value ?? "";
  await reader.cancel();
  const first = /id: (\d+)\nevent: strain\ndata: (.*)\n/.exec(text)!;
  assert.equal(first[1], "11");
  const data = JSON.parse(first[2]);
  assert.equal(data.start, 11 * 64);
  assert.deepEqual(data.samples, Array.from(strain("H1", 11 * 64, 64)));

  const ws = new WebSocket(srv.url.replace("http", "ws") + "/ws");
  const got: Array<{ detector?: string; samples?: number[]; error?: string }> = [];
  ws.onmessage = (e) => got.push(JSON.parse(e.data));
  await new Promise((r) => (ws.onopen = r));
  ws.send("not json");
  ws.send(JSON.stringify({ subscribe: "L1" }));
  for (let i = 0; i < 200 && got.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
  assert.match(got[0].error!, /JSON/);
  assert.equal(got[1].detector, "L1");
  assert.equal(got[1].samples!.length, 64);
  const closed = new Promise((r) => (ws.onclose = r));
  ws.close();
  await closed;
});

Deno.test("example: the OpenAPI document lists every route with its media types", async () => {
  const doc = await (await createExampleApp().request("/openapi.json")).json();
  const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
  assert.deepEqual(ops, [
    "GET /",
    "GET /api/strain/{detector}",
    "GET /api/strain/{detector}/arrow",
    "GET /api/strain/{detector}/live",
    "GET /runtime",
    "GET /ws",
    "POST /api/upload",
  ]);
  const media = (path: string, method: string, status: string) =>
    Object.keys(doc.paths[path][method].responses[status].content).sort();
  assert.deepEqual(media("/api/strain/{detector}/arrow", "get", "200"), [
    "application/json",
    "application/vnd.apache.arrow.file",
    "application/vnd.apache.arrow.stream",
  ]);
  assert.deepEqual(media("/api/strain/{detector}/live", "get", "200"), ["text/event-stream"]);
  const upload = doc.paths["/api/upload"].post;
  assert.deepEqual(Object.keys(upload.requestBody.content), ["application/json"]);
  assert.ok(
    upload.parameters.some((p: { name: string }) => p.name === "Content-Encoding"),
    "the upload's codings",
  );
  assert.deepEqual(Object.keys(upload.responses).sort(), ["201", "413", "415"]);
});
