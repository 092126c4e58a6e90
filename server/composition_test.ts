// The full recommended stack (server/_test_stack.ts) attacked over a real socket by independent
// clients. Each scenario is a defect found by attacking the stack from outside; each section is
// owned by the area it exercises.

import assert from "node:assert/strict";
import { gzipSync as nodeGzip } from "node:zlib";
import { createRoute, z } from "@hono/zod-openapi";
import { Route } from "./route.ts";
import { startStack } from "./_test_stack.ts";

Deno.test("composition: the full stack serves an authenticated read and write", async () => {
  const stack = await startStack();
  try {
    const h = { "x-avl-api-key": stack.apiKey };
    const r = await fetch(`${stack.url}/api/data`, {
      headers: { ...h, "accept-encoding": "gzip" },
    });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).rows.length, 128);
    const w = await fetch(`${stack.url}/api/items`, {
      method: "POST",
      headers: { ...h, "idempotency-key": "k1" },
      body: "hello",
    });
    assert.equal(w.status, 201);
    assert.deepEqual(await w.json(), { bytes: 5 });
    const anon = await fetch(`${stack.url}/api/data`);
    assert.equal(anon.status, 401);
    await anon.body?.cancel();
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

// --- auth ---

// --- idempotency, timeouts ---

// --- request bodies, load shedding ---

const enc = new TextEncoder();
/** gzip by node:zlib (an encoder independent of ours), as a plain Uint8Array body. */
const gzipSync = (data: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(nodeGzip(data));

/** Reads one HTTP/1.1 response head and its `Content-Length` body off a raw socket, bounded. */
async function readRawResponse(
  conn: Deno.Conn,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  let text = "";
  const buf = new Uint8Array(4096);
  const dec = new TextDecoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<null>((r) => (timer = setTimeout(() => r(null), timeoutMs)));
  try {
    for (let i = 0; i < 64; i++) {
      const n = await Promise.race([conn.read(buf), expired]);
      if (n === null) break;
      text += dec.decode(buf.subarray(0, n));
      const end = text.indexOf("\r\n\r\n");
      if (end === -1) continue;
      const cl = /content-length: *(\d+)/i.exec(text.slice(0, end));
      if (cl && text.length >= end + 4 + Number(cl[1])) break;
    }
  } finally {
    clearTimeout(timer);
  }
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  return { status, body: text.slice(text.indexOf("\r\n\r\n") + 4) };
}

Deno.test("composition: slow uploads are not counted by load shedding and end in 408", async () => {
  // The attack: clients that send headers and then trickle a body held a load-shedding slot
  // each, so a few of them made the server refuse everyone else with 503. Here 6 trickling
  // uploads against maxInFlight 2: reads are still served, and each upload gets a 408 problem
  // once the body-read timeout passes.
  const slow = 6;
  let entered = 0;
  let allEntered!: () => void;
  const reading = new Promise<void>((r) => (allEntered = r));
  const stack = await startStack({
    maxInFlight: 2,
    bodyTimeoutMs: 1_500,
    routes: (s) =>
      s.route(
        "/api/trickle",
        Route.post(async (c) => {
          if (++entered === slow) allEntered();
          return c.json({ bytes: (await c.req.arrayBuffer()).byteLength });
        }),
      ),
  });
  const port = new URL(stack.url).port;
  const conns: Deno.Conn[] = [];
  let stop = false;
  const trickles: Promise<void>[] = [];
  try {
    for (let i = 0; i < slow; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
      conns.push(conn);
      await conn.write(enc.encode(
        `POST /api/trickle HTTP/1.1\r\nHost: 127.0.0.1\r\nX-AVL-API-Key: ${stack.apiKey}\r\n` +
          `Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n` +
          "x".repeat(16),
      ));
      // 16 more bytes now and then, until the server answers or closes.
      trickles.push((async () => {
        for (let k = 0; k < 20 && !stop; k++) {
          await new Promise((r) => setTimeout(r, 100));
          if (stop) break;
          try {
            await conn.write(enc.encode("y".repeat(16)));
          } catch {
            break;
          }
        }
      })());
    }
    // Every upload is inside its handler, waiting on its client (bounded: a shed upload never
    // gets there).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const entry = await Promise.race([
      reading.then(() => "in"),
      new Promise<string>((r) => (timer = setTimeout(() => r("timed out"), 5_000))),
    ]);
    clearTimeout(timer);
    assert.equal(entry, "in", `${entered} of ${slow} uploads reached their handler`);
    const h = { "x-avl-api-key": stack.apiKey };
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${stack.url}/api/data`, { headers: h });
      assert.equal(r.status, 200, `read ${i} served while uploads trickle`);
      await r.body?.cancel();
    }
    const w = await fetch(`${stack.url}/api/items`, { method: "POST", headers: h, body: "hi" });
    assert.equal(w.status, 201);
    await w.body?.cancel();
    for (const conn of conns) {
      const res = await readRawResponse(conn, 5_000);
      assert.equal(res.status, 408);
      const problem = JSON.parse(res.body);
      assert.equal(problem.code, "body_timeout");
      assert.equal(problem.status, 408);
    }
  } finally {
    stop = true;
    await Promise.all(trickles);
    for (const conn of conns) {
      try {
        conn.close();
      } catch { /* closed by the server */ }
    }
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

Deno.test("composition: an upload cut off mid-body ends its read in a typed 400; serving goes on", async () => {
  let entered!: () => void;
  const inHandler = new Promise<void>((r) => (entered = r));
  let outcome: Promise<number> | undefined;
  const stack = await startStack({
    routes: (s) =>
      s.route(
        "/api/cut",
        Route.post((c) => {
          entered();
          // What the handler's read ends in, as seen by the app (the client is gone).
          outcome = c.req.arrayBuffer().then(() => 200, (e) => e?.status ?? 500);
          return outcome.then((status) => c.json({ status }));
        }),
      ),
  });
  try {
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: Number(new URL(stack.url).port),
    });
    await conn.write(enc.encode(
      `POST /api/cut HTTP/1.1\r\nHost: 127.0.0.1\r\nX-AVL-API-Key: ${stack.apiKey}\r\n` +
        `Content-Length: 1000\r\n\r\n` + "x".repeat(100),
    ));
    await inHandler;
    conn.close();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const status = await Promise.race([
      outcome!,
      new Promise<string>((r) => (timer = setTimeout(() => r("still reading after 5 s"), 5_000))),
    ]);
    clearTimeout(timer);
    assert.equal(status, 400, "the read fails with a 400 problem (body_incomplete)");
    const r = await fetch(`${stack.url}/api/data`, { headers: { "x-avl-api-key": stack.apiKey } });
    assert.equal(r.status, 200);
    await r.body?.cancel();
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

/** 9 MiB of JSON-ish text that gzip shrinks about 20-fold (like the reported 435 KiB body). */
function bigJson(bytes: number): Uint8Array {
  const rows: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const row = `{"i":${i % 1000},"status":"ok","region":"eu-west","v":${i % 7}}`;
    rows.push(row);
    size += row.length + 1;
  }
  return enc.encode(`[${rows.join(",")}]`);
}

Deno.test("composition: bodyLimit holds for the decoded body of a gzip upload", async () => {
  const stack = await startStack({ bodyLimit: 1024 * 1024 });
  try {
    const plain = bigJson(9 * 1024 * 1024);
    const gz = gzipSync(plain);
    assert.ok(gz.byteLength < 1024 * 1024, `the wire body (${gz.byteLength}) is under the limit`);
    const r = await fetch(`${stack.url}/api/upload`, {
      method: "POST",
      headers: {
        "x-avl-api-key": stack.apiKey,
        "content-encoding": "gzip",
        "content-type": "application/json",
      },
      body: gz,
    });
    assert.equal(r.status, 413);
    const problem = await r.json();
    assert.equal(problem.code, "body_too_large");
    assert.equal(problem.limit, 1024 * 1024);
    // A body within the limit once decoded still reaches the handler.
    const ok = await fetch(`${stack.url}/api/upload`, {
      method: "POST",
      headers: { "x-avl-api-key": stack.apiKey, "content-encoding": "gzip" },
      body: gzipSync(plain.subarray(0, 512 * 1024)),
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { bytes: 512 * 1024 });
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

Deno.test("composition: compressed bodies on a zod-openapi route get typed problems", async () => {
  const stack = await startStack({
    bodyLimit: 1024 * 1024,
    routes: (s) =>
      s.openapi(
        createRoute({
          method: "post",
          path: "/api/json",
          request: {
            body: {
              content: { "application/json": { schema: z.array(z.record(z.string(), z.any())) } },
            },
          },
          responses: { 200: { description: "rows" } },
        }),
        (c) => c.json({ rows: c.req.valid("json").length }, 200),
      ),
  });
  const post = (body: Uint8Array, coding: string) =>
    fetch(`${stack.url}/api/json`, {
      method: "POST",
      headers: {
        "x-avl-api-key": stack.apiKey,
        "content-encoding": coding,
        "content-type": "application/json",
      },
      body: body as Uint8Array<ArrayBuffer>,
    });
  try {
    // A bomb: 64 MiB of spaces inside a JSON array, 64 KiB gzipped.
    const bomb = gzipSync(enc.encode(`[${" ".repeat(64 * 1024 * 1024)}]`));
    // A valid body cut inside its 8-byte trailer (CRC-32, size): the stream ends too early.
    const whole = gzipSync(bigJson(64 * 1024));
    const cases: Array<[string, Uint8Array, string, number, string]> = [
      ["bomb", bomb, "gzip", 413, "body_too_large"],
      ["oversized", gzipSync(bigJson(3 * 1024 * 1024)), "gzip", 413, "body_too_large"],
      [
        "truncated",
        whole.subarray(0, whole.length - 6),
        "gzip",
        400,
        "body_coding_invalid",
      ],
      ["garbage", enc.encode("not gzip at all, just text"), "gzip", 400, "body_coding_invalid"],
    ];
    for (const [name, body, coding, status, code] of cases) {
      const r = await post(body, coding);
      const problem = await r.json();
      assert.equal(r.status, status, `${name}: ${JSON.stringify(problem)}`);
      assert.equal(problem.code, code, name);
    }
    const ok = await post(gzipSync(enc.encode(`[{"a":1},{"b":2}]`)), "gzip");
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { rows: 2 });
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

Deno.test("composition: cost tracking records the wire bytes of a zstd upload", async () => {
  const stack = await startStack();
  try {
    const plain = bigJson(470_000);
    const zstd = new Deno.Command("zstd", {
      args: ["-q", "-c", "-3"],
      stdin: "piped",
      stdout: "piped",
    })
      .spawn();
    const writer = zstd.stdin.getWriter();
    await writer.write(plain);
    await writer.close();
    const { stdout, success } = await zstd.output();
    assert.ok(success);
    const r = await fetch(`${stack.url}/api/upload`, {
      method: "POST",
      headers: { "x-avl-api-key": stack.apiKey, "content-encoding": "zstd" },
      body: stdout,
    });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { bytes: plain.byteLength });
    const rows = (await stack.ledger.query({ from: 0, to: Date.now() + 86_400_000 }))
      .filter((x) => x.route === "/api/upload");
    assert.equal(rows.length, 1);
    assert.equal(rows[0].requests, 1);
    assert.equal(
      rows[0].bytesIn,
      stdout.byteLength,
      `wire ${stdout.byteLength}, decoded ${plain.byteLength}`,
    );
  } finally {
    await stack.close();
  }
});

// --- responses, runtimes ---
