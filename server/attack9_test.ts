// The recommended stack (server/_test_stack.ts) attacked at the seams between its layers, over a
// real socket, from independent clients. Each test is a defect found that way: it failed on the
// code before its fix.

import assert from "node:assert/strict";
import { Route } from "./route.ts";
import { startStack } from "./_test_stack.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** `promise`, or a failure naming `what` when it has not settled within `ms` (a hang guard). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/**
 * A route whose body is produced in two parts: the second only once `release` is called, which
 * the test does after it has read the first. A layer that holds the body back until it ends (or
 * until it is large) deadlocks against it.
 */
function gatedStream(type: string): {
  route: Route;
  release: () => void;
  runs: () => number;
} {
  let release: (() => void) | undefined;
  let runs = 0;
  const route = Route.post(async (c) => {
    await c.req.arrayBuffer();
    runs++;
    const gate = new Promise<void>((r) => (release = r));
    const body = new ReadableStream<Uint8Array>({
      async start(ctl) {
        ctl.enqueue(enc.encode('{"part":1}\n'));
        await gate;
        ctl.enqueue(enc.encode('{"part":2}\n'));
        ctl.close();
      },
    });
    return new Response(body, { status: 201, headers: { "content-type": type } });
  });
  return { route, release: () => release?.(), runs: () => runs };
}

/** Reads `res` until `pattern` shows up (bounded), returning the text read so far. */
async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  pattern: RegExp,
  what: string,
): Promise<string> {
  let text = "";
  while (!pattern.test(text)) {
    const r = await within(reader.read(), 5_000, what);
    if (r.done) break;
    text += r.value;
  }
  return text;
}

/** The data of an HTTP/1.1 chunked body (RFC 9112 §7.1), read strictly. */
function dechunk(body: string): string {
  let out = "";
  let at = 0;
  for (;;) {
    const eol = body.indexOf("\r\n", at);
    assert.ok(eol > at, "a chunk size line");
    const size = parseInt(body.slice(at, eol), 16);
    assert.ok(Number.isInteger(size), "a hex chunk size");
    if (size === 0) return out;
    out += body.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

// --- compression next to streaming ---

Deno.test("attack9: a small first chunk of a streamed response is not held back by compression", async () => {
  // NDJSON progress or log lines are small: the encoder used to wait for 1 KiB (the threshold)
  // before sending anything, so a paused stream reached the client only when it ended.
  const gen = gatedStream("application/x-ndjson");
  const stack = await startStack({ routes: (s) => s.route("/api/gen", gen.route) });
  try {
    // Deno's fetch decodes these two as they arrive.
    for (const coding of ["gzip", "br"]) {
      const res = await within(
        fetch(`${stack.url}/api/gen`, {
          method: "POST",
          headers: { "x-avl-api-key": stack.apiKey, "accept-encoding": coding },
          body: "go",
        }),
        5_000,
        `${coding}: response headers`,
      );
      assert.equal(res.status, 201);
      assert.equal(res.headers.get("content-encoding"), coding);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      const first = await readUntil(reader, /"part":1/, `${coding}: the first part`);
      gen.release();
      const rest = await readUntil(reader, /"part":2/, `${coding}: the second part`);
      assert.equal(first + rest, '{"part":1}\n{"part":2}\n');
      await reader.cancel();
    }
  } finally {
    gen.release(); // a failed test must not leave the handler waiting out the shutdown
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

// --- idempotency next to streaming and compression ---

Deno.test("attack9: a replayed write reaches a client that cannot read the first one's coding", async () => {
  // The stored answer is the coded one (compression wraps the handler, inside idempotency): a
  // retry from another client (curl without --compressed, a runtime without zstd) used to get the
  // zstd bytes of the first request whatever its own Accept-Encoding said.
  const rows = Array.from({ length: 300 }, (_, i) => ({ i, name: `row ${i}` }));
  const stack = await startStack({
    routes: (s) =>
      s.route(
        "/api/orders",
        Route.post(async (c) => {
          await c.req.arrayBuffer();
          return c.json({ rows }, 201);
        }),
      ),
  });
  const send = (acceptEncoding: string | undefined) =>
    fetch(`${stack.url}/api/orders`, {
      method: "POST",
      headers: {
        "x-avl-api-key": stack.apiKey,
        "idempotency-key": '"order-1"',
        ...(acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding }),
      },
      body: "buy",
    });
  try {
    const first = await send("zstd");
    assert.equal(first.headers.get("content-encoding"), "zstd");
    await first.body?.cancel();
    for (const acceptEncoding of ["identity", "gzip", "zstd", "br;q=0.5, gzip;q=0.1"]) {
      const again = await send(acceptEncoding);
      assert.equal(again.status, 201);
      assert.equal(again.headers.get("idempotent-replayed"), "true");
      const coding = again.headers.get("content-encoding");
      assert.ok(coding === null || acceptEncoding.includes(coding), `${acceptEncoding}: ${coding}`);
      // Deno's fetch decodes gzip and br, never zstd: the text is JSON only when the coding fits.
      if (coding !== "zstd") assert.deepEqual(await again.json(), { rows }, acceptEncoding);
      else await again.body?.cancel();
    }
    // A raw HTTP/1.1 client that sends no Accept-Encoding at all gets identity bytes.
    const port = Number(new URL(stack.url).port);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(enc.encode(
      `POST /api/orders HTTP/1.1\r\nHost: x\r\nx-avl-api-key: ${stack.apiKey}\r\n` +
        `idempotency-key: "order-1"\r\ncontent-length: 3\r\nconnection: close\r\n\r\nbuy`,
    ));
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(64 * 1024);
    for (let i = 0; i < 1000; i++) {
      const n = await within(conn.read(buf), 5_000, "raw response");
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
    conn.close();
    const raw = dec.decode(new Uint8Array(chunks.flatMap((c) => [...c])));
    const [head, body] = [
      raw.slice(0, raw.indexOf("\r\n\r\n")),
      raw.slice(raw.indexOf("\r\n\r\n") + 4),
    ];
    assert.match(head, /^HTTP\/1\.1 201/);
    assert.match(head, /idempotent-replayed: true/i);
    assert.doesNotMatch(head, /content-encoding/i);
    const text = /transfer-encoding: chunked/i.test(head) ? dechunk(body) : body;
    assert.deepEqual(JSON.parse(text), { rows });
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});
