// The full recommended stack (server/_test_stack.ts) attacked over a real socket by independent
// clients. Each scenario is a defect found by attacking the stack from outside; each section is
// owned by the area it exercises.

import assert from "node:assert/strict";
import { startStack } from "./_test_stack.ts";
import { Route } from "./route.ts";

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

/** GET `path` with no credentials (or with `headers`); the status, body consumed. */
async function statusOf(url: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(url, init);
  await res.body?.cancel();
  return res.status;
}

Deno.test("auth: withAuth leaves open only the endpoints the server serves (openapi: false)", async () => {
  const stack = await startStack({
    server: { openapi: false, metrics: false },
    routes: (s) =>
      s.route("/docs", Route.get((c) => c.text("user docs")))
        .route("/metrics", Route.get((c) => c.text("user metrics"))),
  });
  try {
    // The server serves no Swagger UI and no metrics: the user's routes there need credentials.
    assert.equal(await statusOf(`${stack.url}/docs`), 401);
    assert.equal(await statusOf(`${stack.url}/metrics`), 401);
    assert.equal(await statusOf(`${stack.url}/openapi.json`), 401);
    const h = { "x-avl-api-key": stack.apiKey };
    const docs = await fetch(`${stack.url}/docs`, { headers: h });
    assert.equal(await docs.text(), "user docs");
    // Health stays open, to GET only.
    assert.equal(await statusOf(`${stack.url}/healthz`), 200);
    assert.equal(await statusOf(`${stack.url}/healthz`, { method: "POST" }), 401);
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

Deno.test("auth: withAuth opens custom OpenAPI and docs paths, not the defaults", async () => {
  const stack = await startStack({
    server: { openapi: { path: "/spec/v1.json", docsPath: "/reference" }, health: false },
  });
  try {
    const spec = await fetch(`${stack.url}/spec/v1.json`);
    assert.equal(spec.status, 200);
    assert.equal((await spec.json()).openapi, "3.1.0");
    assert.equal(await statusOf(`${stack.url}/reference`), 200);
    assert.equal(await statusOf(`${stack.url}/openapi.json`), 401);
    assert.equal(await statusOf(`${stack.url}/docs`), 401);
    assert.equal(await statusOf(`${stack.url}/healthz`), 401);
    assert.equal(await statusOf(`${stack.url}/metrics`), 200);
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

// --- idempotency, timeouts ---

// --- request bodies, load shedding ---

// --- responses, runtimes ---
