// The full recommended stack (server/_test_stack.ts) attacked over a real socket by independent
// clients. Each scenario is a defect found by attacking the stack from outside; each section is
// owned by the area it exercises.

import assert from "node:assert/strict";
import { Client, ClientError } from "../client/mod.ts";
import { flakyProxy } from "../client/_test_flaky_proxy.ts";
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

// --- client over a bad network ---

Deno.test("composition: 500 keyed writes through a flaky proxy all land once, none twice", async () => {
  const stack = await startStack();
  // 20% of connections dropped, 10% of responses lost after the server ran, 5% cut mid-body,
  // 15% delayed; the fates are drawn from a seeded PRNG in accept order.
  const proxy = flakyProxy({
    target: stack.url,
    seed: 18,
    drop: 0.2,
    lose: 0.1,
    cut: 0.05,
    delay: 0.15,
  });
  const client = Client.builder().baseUrl(proxy.url).avlAuth(stack.apiKey).idempotent().build();
  const writes = 500;
  const ok: boolean[] = [];
  const failures = new Map<string, number>();
  const fail = (why: string) => failures.set(why, (failures.get(why) ?? 0) + 1);
  let next = 0;
  const worker = async () => {
    while (next < writes) {
      const i = next++;
      try {
        const res = await client.post("/api/items").json({ i }).idempotent(`w-${i}`).send();
        const body = await res.json<{ bytes: number }>();
        ok[i] = res.status === 201 && body.bytes === JSON.stringify({ i }).length;
        if (!ok[i]) fail(String(res.status));
      } catch (e) {
        fail(e instanceof ClientError ? e.code : String(e));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: 20 }, worker));
  } finally {
    await proxy.close();
    await stack.close();
  }
  const successes = ok.filter(Boolean).length;
  assert.ok(
    successes >= writes * 0.99,
    `${successes} of ${writes}; failed: ${JSON.stringify([...failures])}`,
  );
  for (let i = 0; i < writes; i++) {
    const runs = stack.runs.get(`"w-${i}"`) ?? 0;
    assert.ok(runs <= 1, `write ${i} ran ${runs} times`);
    if (ok[i]) assert.equal(runs, 1, `write ${i} reported successful but never ran`);
  }
  const f = proxy.fates;
  assert.ok(f.drop > 0 && f.lose > 0 && f.cut > 0 && f.delay > 0, JSON.stringify(f));
  assert.deepEqual(stack.errors, []);
});
