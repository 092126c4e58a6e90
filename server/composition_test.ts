// The full recommended stack (server/_test_stack.ts) attacked over a real socket by independent
// clients. Each scenario is a defect found by attacking the stack from outside; each section is
// owned by the area it exercises.

import assert from "node:assert/strict";
import { ConfigurationError } from "../middleware/config_error.ts";
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

// --- idempotency, timeouts ---

// --- request bodies, load shedding ---

// --- responses, runtimes ---

/** An upstream on its own loopback socket, for routes that proxy with `fetch`. */
function upstreamServer(body: string): { url: string; close(): Promise<void> } {
  const up = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(body, { headers: { "content-type": "application/json", "x-up": "1" } }),
  );
  return { url: `http://127.0.0.1:${up.addr.port}/`, close: () => up.shutdown() };
}

Deno.test("composition: a proxied response (fetch upstream) passes every header-writing layer", async () => {
  const body = JSON.stringify({ rows: Array.from({ length: 300 }, (_, i) => ({ i })) });
  const up = upstreamServer(body);
  const stack = await startStack({
    cors: { origin: ["https://app.example"] },
    routes: (s) => s.route("/api/proxy", Route.get(() => fetch(up.url))),
  });
  try {
    for (const encoding of ["gzip", "identity"]) {
      const r = await fetch(`${stack.url}/api/proxy`, {
        headers: {
          "x-avl-api-key": stack.apiKey,
          "accept-encoding": encoding,
          origin: "https://app.example",
        },
      });
      assert.equal(r.status, 200, await r.clone().text());
      assert.equal(await r.text(), body);
      assert.equal(r.headers.get("x-up"), "1");
      assert.ok(r.headers.has("ratelimit"), "rate limit headers");
      assert.ok(r.headers.has("x-request-id"), "telemetry");
      assert.equal(r.headers.get("x-content-type-options"), "nosniff");
      assert.equal(r.headers.get("access-control-allow-origin"), "https://app.example");
      assert.equal(r.headers.get("content-encoding"), encoding === "gzip" ? "gzip" : null);
    }
  } finally {
    await stack.close();
    await up.close();
  }
  assert.deepEqual(stack.errors, []);
  const usage = await stack.ledger.query({ tenant: "acme", from: 0, to: Date.now() + 86_400_000 });
  assert.ok(usage.some((u) => u.route === "/api/proxy"), "the proxied requests were recorded");
});

Deno.test("composition: CORS credentials with any origin does not start; a list echoes only itself", async () => {
  await assert.rejects(
    () => startStack({ cors: { credentials: true } }),
    (e: unknown) => e instanceof ConfigurationError && e.code === "cors_credentials_any_origin",
  );
  const stack = await startStack({ cors: { origin: ["https://app.example"], credentials: true } });
  try {
    const ask = (origin: string) =>
      fetch(`${stack.url}/api/data`, { headers: { "x-avl-api-key": stack.apiKey, origin } });
    const evil = await ask("https://evil.example");
    await evil.body?.cancel();
    assert.equal(evil.headers.get("access-control-allow-origin"), null);
    const good = await ask("https://app.example");
    await good.body?.cancel();
    assert.equal(good.headers.get("access-control-allow-origin"), "https://app.example");
    assert.equal(good.headers.get("access-control-allow-credentials"), "true");
    assert.match(good.headers.get("vary") ?? "", /Origin/);
  } finally {
    await stack.close();
  }
});

Deno.test("composition: secure headers by default, and nosniff on problems over the wire", async () => {
  const stack = await startStack();
  try {
    const ok = await fetch(`${stack.url}/api/data`, { headers: { "x-avl-api-key": stack.apiKey } });
    await ok.body?.cancel();
    assert.equal(ok.headers.get("x-content-type-options"), "nosniff");
    assert.equal(ok.headers.get("x-frame-options"), "SAMEORIGIN");
    assert.ok(ok.headers.has("strict-transport-security"));
    const anon = await fetch(`${stack.url}/api/data`);
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get("content-type"), "application/problem+json");
    assert.equal(anon.headers.get("x-content-type-options"), "nosniff");
    await anon.body?.cancel();
  } finally {
    await stack.close();
  }
  const bare = await startStack({ server: { secureHeaders: false } });
  try {
    const res = await fetch(`${bare.url}/api/data`, { headers: { "x-avl-api-key": bare.apiKey } });
    await res.body?.cancel();
    assert.equal(res.headers.get("x-frame-options"), null);
    const missing = await fetch(`${bare.url}/nope`, { headers: { "x-avl-api-key": bare.apiKey } });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("x-content-type-options"), "nosniff");
    await missing.body?.cancel();
  } finally {
    await bare.close();
  }
});
