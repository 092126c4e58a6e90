// The recommended stack (server/_test_stack.ts) attacked at the seams between its layers, over a
// real socket, from independent clients. Each test is a defect found that way: it failed on the
// code before its fix.

import assert from "node:assert/strict";
import { Route } from "./route.ts";
import { startStack } from "./_test_stack.ts";

const enc = new TextEncoder();

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
