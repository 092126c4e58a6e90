// The recommended stack (server/_test_stack.ts) attacked at the seams between its layers, over a
// real socket, from independent clients. Each test is a defect found that way: it failed on the
// code before its fix.

import assert from "node:assert/strict";
import { RecordBatch, writeIpcStream } from "@avila/arrow";
import { Route } from "./route.ts";
import { arrow, readArrow } from "./arrow.ts";
import { type Stack, startStack } from "./_test_stack.ts";
import { MemoryIdempotencyStore } from "../middleware/idempotency/mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A POST to the stack with its API key and `Idempotency-Key: "key"`; `coding` as Accept-Encoding. */
function keyedPost(
  stack: Stack,
  path: string,
  key: string,
  coding?: string,
  body = "go",
): Promise<Response> {
  const headers: Record<string, string> = {
    "x-avl-api-key": stack.apiKey,
    "idempotency-key": `"${key}"`,
  };
  if (coding !== undefined) headers["accept-encoding"] = coding;
  return fetch(`${stack.url}${path}`, { method: "POST", headers, body });
}

/** `promise`, or a failure naming `what` when it has not settled within `ms` (a hang guard). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** A status and the problem's `code` (body consumed). */
async function problemOf(res: Response): Promise<[number, unknown]> {
  const body = await res.json();
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  return [res.status, body.code];
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

Deno.test("attack9: a compressed stream's headers do not wait for its first part", async () => {
  // A stream that has nothing to say yet (an event feed that is not SSE) used to hold its status
  // and headers back, when compressed, until its first part came.
  let release: (() => void) | undefined;
  const stack = await startStack({
    routes: (s) =>
      s.route(
        "/api/feed",
        Route.get(() => {
          const gate = new Promise<void>((r) => (release = r));
          const body = new ReadableStream<Uint8Array>({
            async start(ctl) {
              await gate;
              ctl.enqueue(enc.encode('{"event":1}\n'));
              ctl.close();
            },
          });
          return new Response(body, { headers: { "content-type": "application/x-ndjson" } });
        }),
      ),
  });
  try {
    const res = await within(
      fetch(`${stack.url}/api/feed`, {
        headers: { "x-avl-api-key": stack.apiKey, "accept-encoding": "gzip" },
      }),
      5_000,
      "response headers",
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-encoding"), "gzip");
    release!();
    assert.equal(await within(res.text(), 5_000, "the body"), '{"event":1}\n');
  } finally {
    release?.();
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

// --- idempotency next to streaming and compression ---

Deno.test("attack9: a streamed answer to a keyed write streams; a retry replays all of it", async () => {
  // The idempotency layer used to read the whole response (up to 1 MiB) before sending any of it:
  // an SSE or NDJSON answer to a POST with an Idempotency-Key (the resilient client adds one to
  // every POST) reached the client only when the stream ended.
  const gen = gatedStream("text/event-stream");
  const stack = await startStack({ routes: (s) => s.route("/api/gen", gen.route) });
  const send = () => keyedPost(stack, "/api/gen", "stream-1", "identity");
  try {
    const res = await within(send(), 5_000, "response headers");
    assert.equal(res.status, 201);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = await readUntil(reader, /"part":1/, "the first part");
    // While the answer streams, the key is held: a retry is told to wait, not run again.
    assert.deepEqual(await problemOf(await send()), [409, "idempotency_in_progress"]);
    gen.release();
    for (;;) {
      const r = await within(reader.read(), 5_000, "the rest");
      if (r.done) break;
      text += r.value;
    }
    assert.equal(text, '{"part":1}\n{"part":2}\n');
    // Once it ended, a retry gets the whole answer again, and the handler ran once.
    const again = await send();
    assert.equal(again.status, 201);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.equal(await again.text(), '{"part":1}\n{"part":2}\n');
    assert.equal(gen.runs(), 1);
  } finally {
    gen.release();
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

Deno.test("attack9: a keyed write whose stream starts late is answered by it, not by the deadline", async () => {
  // The idempotency layer waited for a stream's first part before letting the response out: past
  // the request's time budget the timeout answered 503 for a write that had succeeded, and the
  // live stream it then held was read by nobody.
  let release: (() => void) | undefined;
  let runs = 0;
  const stack = await startStack({
    timeoutMs: 1_000,
    routes: (s) =>
      s.route(
        "/api/gen",
        Route.post(async (c) => {
          await c.req.arrayBuffer();
          runs++;
          const gate = new Promise<void>((r) => (release = r));
          const body = new ReadableStream<Uint8Array>({
            async start(ctl) {
              await gate; // nothing to say until the test has the headers
              ctl.enqueue(enc.encode("data: done\n\n"));
              ctl.close();
            },
          });
          return new Response(body, {
            status: 201,
            headers: { "content-type": "text/event-stream" },
          });
        }),
      ),
  });
  const send = () => keyedPost(stack, "/api/gen", "late-1");
  try {
    const res = await within(send(), 5_000, "response headers");
    assert.equal(res.status, 201);
    release!();
    assert.equal(await within(res.text(), 5_000, "the body"), "data: done\n\n");
    const again = await send();
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.equal(await again.text(), "data: done\n\n");
    assert.equal(runs, 1);
  } finally {
    release?.();
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

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
  const send = (coding: string | undefined) =>
    keyedPost(stack, "/api/orders", "order-1", coding, "buy");
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

Deno.test("attack9: a keyed write's stream the client cuts off is recorded without its body, not run again", async () => {
  let runs = 0;
  let cancelled = false;
  const stack = await startStack({
    routes: (s) =>
      s.route(
        "/api/gen",
        Route.post(async (c) => {
          await c.req.arrayBuffer();
          runs++;
          let stop!: () => void;
          const stopped = new Promise<void>((r) => (stop = r));
          const body = new ReadableStream<Uint8Array>({
            async start(ctl) {
              ctl.enqueue(enc.encode("data: 1\n\n"));
              await stopped; // produces nothing more until the client has gone
              ctl.close();
            },
            cancel() {
              cancelled = true;
              stop();
            },
          });
          return new Response(body, {
            status: 201,
            headers: { "content-type": "text/event-stream" },
          });
        }),
      ),
  });
  const send = () => keyedPost(stack, "/api/gen", "cut-1", "identity");
  try {
    const res = await within(send(), 5_000, "response headers");
    const reader = res.body!.getReader();
    assert.equal(
      dec.decode((await within(reader.read(), 5_000, "first part")).value),
      "data: 1\n\n",
    );
    await reader.cancel();
    // The server learns of the cut when its write fails; until then a retry is told to wait.
    let again = await send();
    for (let i = 0; i < 100 && again.status === 409; i++) {
      await again.body?.cancel();
      await new Promise((r) => setTimeout(r, 50));
      again = await send();
    }
    assert.equal(again.status, 201);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    // What the client got was cut short: the record keeps no body rather than a partial one.
    assert.equal(again.headers.get("idempotent-body-omitted"), "true");
    assert.equal(await again.text(), "");
    assert.equal(runs, 1);
    assert.ok(cancelled, "the handler's stream was cancelled");
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

Deno.test("attack9: a deadline that expires while a coded answer is recorded sends a readable 503", async () => {
  // The handler answered (coded by compression) but the idempotency store was slow to record it
  // (a remote store under load): the timeout's 503 problem inherited the answer's
  // Content-Encoding, so gzip and br clients got a JSON body labelled as compressed.
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let recording = 0; // answers that reached the store: the 503 must come after, to test anything
  class SlowStore extends MemoryIdempotencyStore {
    override async complete(...args: Parameters<MemoryIdempotencyStore["complete"]>) {
      recording++;
      await gate;
      return super.complete(...args);
    }
  }
  const rows = Array.from({ length: 300 }, (_, i) => ({ i, name: `row ${i}` }));
  const stack = await startStack({
    timeoutMs: 1000,
    idempotencyStore: new SlowStore(),
    routes: (s) =>
      s.route(
        "/api/orders",
        Route.post(async (c) => {
          await c.req.arrayBuffer();
          // Headers that describe this body: none may reach the problem that replaces it.
          return c.json({ rows }, 201, {
            "content-disposition": 'attachment; filename="orders.json"',
            "content-digest": "sha-256=:AAAA:",
            "content-location": "/api/orders/1",
          });
        }),
      ),
  });
  const send = (coding: string) => keyedPost(stack, "/api/orders", `slow-${coding}`, coding, "buy");
  try {
    for (const coding of ["gzip", "br"]) {
      const res = await send(coding);
      assert.equal(recording, coding === "gzip" ? 1 : 2, "the answer was coded before the 503");
      for (const name of ["content-encoding", "content-disposition", "content-digest"]) {
        assert.equal(res.headers.get(name), null, `${coding}: ${name}`);
      }
      assert.equal(res.headers.get("content-location"), null, coding);
      assert.deepEqual(await problemOf(res), [503, "request_timeout"]);
    }
    open();
    // Once recorded, the retry gets the handler's own answer.
    let again = await send("gzip");
    for (let i = 0; i < 100 && again.status === 409; i++) {
      await again.body?.cancel();
      await new Promise((r) => setTimeout(r, 20));
      again = await send("gzip");
    }
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(await again.json(), { rows });
  } finally {
    open();
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

// --- Arrow endpoints: every refusal has a code ---

Deno.test("attack9: Arrow bodies refused, plain or gzip-coded, and 406s carry stable codes", async () => {
  const stack = await startStack({
    routes: (s) =>
      s.route(
        "/api/arrow",
        Route.post(async (c) => {
          const body = await readArrow(c.req.raw, { maxBytes: 64 * 1024 });
          return c.json({ rows: body.batches.reduce((n, b) => n + b.numRows, 0) });
        }),
      ).route(
        "/api/table",
        Route.get((c) => arrow(c, RecordBatch.fromColumns({ t: new Float64Array([1, 2]) }))),
      ),
  });
  const post = (type: string, body: Uint8Array, coding?: string) =>
    fetch(`${stack.url}/api/arrow`, {
      method: "POST",
      headers: {
        "x-avl-api-key": stack.apiKey,
        "content-type": type,
        ...(coding ? { "content-encoding": coding } : {}),
      },
      body: body as Uint8Array<ArrayBuffer>,
    });
  const STREAM = "application/vnd.apache.arrow.stream";
  const ipc = writeIpcStream(RecordBatch.fromColumns({ t: new Float64Array(1000) }));
  try {
    const ok = await post(STREAM, ipc);
    assert.deepEqual(await ok.json(), { rows: 1000 });
    const got: Record<string, [number, unknown]> = {};
    got.wrongType = await problemOf(await post("text/csv", enc.encode("a,b")));
    got.garbage = await problemOf(await post(STREAM, new Uint8Array(64).fill(0xff)));
    got.truncated = await problemOf(await post(STREAM, ipc.subarray(0, 500)));
    got.tooLarge = await problemOf(await post(STREAM, new Uint8Array(100 * 1024)));
    const zipped = new Uint8Array(
      await new Response(
        new Blob([ipc.subarray(0, 500) as Uint8Array<ArrayBuffer>]).stream()
          .pipeThrough(new CompressionStream("gzip")),
      ).arrayBuffer(),
    );
    got.truncatedGzip = await problemOf(await post(STREAM, zipped, "gzip"));
    got.notAcceptable = await problemOf(
      await fetch(`${stack.url}/api/table`, {
        headers: { "x-avl-api-key": stack.apiKey, accept: "image/png" },
      }),
    );
    // The same idea from the content coding: a client that refuses every coding, identity too.
    got.noCoding = await problemOf(
      await fetch(`${stack.url}/api/data`, {
        headers: { "x-avl-api-key": stack.apiKey, "accept-encoding": "identity;q=0" },
      }),
    );
    assert.deepEqual(got, {
      wrongType: [415, "body_type_unsupported"],
      garbage: [400, "body_arrow_invalid"],
      truncated: [400, "body_arrow_invalid"],
      tooLarge: [413, "body_too_large"],
      truncatedGzip: [400, "body_arrow_invalid"],
      notAcceptable: [406, "not_acceptable"],
      noCoding: [406, "not_acceptable"],
    });
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});
