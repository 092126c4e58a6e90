import assert from "node:assert/strict";
import { gunzipSync, zstdDecompressSync } from "node:zlib";
import { Route, Server } from "../../server/mod.ts";
import { listenLocal } from "../../server/_test_util.ts";
import { compression } from "./mod.ts";
import { Hono } from "hono";

const rows = Array.from({ length: 300 }, (_, i) => ({ i, name: `row-${i}`, ok: i % 2 === 0 }));

function app() {
  return new Server({ openapi: false })
    .route("/tiny", Route.get((c) => c.json({ ok: true })))
    .route("/rows", Route.get((c) => c.json(rows)))
    .route("/echo", Route.post(async (c) => c.json({ got: (await c.req.text()).length })))
    .route(
      "/async",
      Route.get(async (c) => {
        await Promise.resolve();
        return c.text("y".repeat(5000));
      }),
    )
    // Added straight on the Hono app: coded by the fetch-level fallback.
    .configure((h) => h.get("/raw", () => new Response("z".repeat(8000))))
    .withCompression()
    .build();
}

Deno.test("Server.withCompression: route handlers coded in place, tiny bodies untouched, JSON keeps its type", async () => {
  const a = app();
  const tiny = await a.request("/tiny", { headers: { "accept-encoding": "zstd, gzip" } });
  assert.equal(tiny.headers.get("content-encoding"), null);
  assert.equal(tiny.headers.get("vary"), null); // identity for everyone: nothing to vary on
  assert.equal(tiny.headers.get("content-type"), "application/json");
  assert.deepEqual(await tiny.json(), { ok: true });

  const big = await a.request("/rows", { headers: { "accept-encoding": "zstd, gzip;q=0.5" } });
  assert.equal(big.headers.get("content-encoding"), "zstd");
  assert.equal(big.headers.get("content-type"), "application/json");
  assert.equal(big.headers.get("vary"), "Accept-Encoding");
  const body = new Uint8Array(await big.arrayBuffer());
  assert.equal(Number(big.headers.get("content-length")), body.byteLength);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(zstdDecompressSync(body))), rows);

  const asyncRes = await a.request("/async", { headers: { "accept-encoding": "gzip" } });
  assert.equal(asyncRes.headers.get("content-encoding"), "gzip");
  assert.equal(
    new TextDecoder().decode(gunzipSync(new Uint8Array(await asyncRes.arrayBuffer()))),
    "y".repeat(5000),
  );

  const raw = await a.request("/raw", { headers: { "accept-encoding": "gzip" } });
  assert.equal(raw.headers.get("content-encoding"), "gzip");
  assert.equal(
    new TextDecoder().decode(gunzipSync(new Uint8Array(await raw.arrayBuffer()))),
    "z".repeat(8000),
  );

  const head = await a.request("/rows", { method: "HEAD", headers: { "accept-encoding": "gzip" } });
  assert.equal(head.headers.get("content-encoding"), null);
  await head.body?.cancel();

  const none = await a.request("/rows", { headers: { "accept-encoding": "identity" } });
  assert.equal(none.headers.get("content-encoding"), null);
  assert.deepEqual(await none.json(), rows);
});

Deno.test("Server.withCompression: request bodies decoded before routing; unknown codings 415", async () => {
  const a = app();
  const text = "hello ".repeat(1000);
  const gz = new Uint8Array(
    await new Response(
      new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  const ok = await a.request("/echo", {
    method: "POST",
    headers: { "content-encoding": "gzip", "content-type": "text/plain" },
    body: gz,
  });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { got: text.length });

  const refused = await a.request("/echo", {
    method: "POST",
    headers: { "content-encoding": "compress" },
    body: "x",
  });
  assert.equal(refused.status, 415);
  assert.equal(refused.headers.get("content-type"), "application/problem+json");
  assert.match(refused.headers.get("accept-encoding") ?? "", /gzip/);
  await refused.body?.cancel();
});

Deno.test("Server.withCompression over a socket: curl --compressed reads zstd and gzip", async () => {
  await using srv = await listenLocal(app());
  for (const coding of ["zstd", "gzip"]) {
    const out = await new Deno.Command("curl", {
      args: [
        "-sS",
        "--compressed",
        "-H",
        `accept-encoding: ${coding}`,
        "-D",
        "-",
        `${srv.url}/rows`,
      ],
      stdout: "piped",
    }).output();
    assert.ok(out.success, `curl failed for ${coding}`);
    const text = new TextDecoder().decode(out.stdout);
    assert.match(text, new RegExp(`content-encoding: ${coding}`, "i"));
    assert.deepEqual(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)), rows);
  }
});

Deno.test("compression() on plain Hono: c.json keeps application/json", async () => {
  const h = new Hono();
  h.use(compression());
  h.get("/rows", (c) => c.json(rows));
  h.get("/tiny", (c) => c.json({ ok: 1 }));
  for (const path of ["/rows", "/tiny"]) {
    const res = await h.request(path, { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.headers.get("content-type"), "application/json");
    await res.body?.cancel();
  }
});
