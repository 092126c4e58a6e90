// The full recommended stack (server/_test_stack.ts) attacked over a real socket by independent
// clients. Each scenario is a defect found by attacking the stack from outside; each section is
// owned by the area it exercises.

import assert from "node:assert/strict";
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

// --- responses, runtimes ---
