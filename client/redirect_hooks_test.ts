// Redirects the client follows itself (requests with the API key or a bytes body) together with
// the `beforeRequest` hook.
import assert from "node:assert/strict";
import { Client } from "./mod.ts";

const KEY = "avl_test_0123456789abcdef";

// The hook's request is the one sent; the hops after a redirect were built from the request as it
// was before the hook, so what the hook added (a tenant, a signature, a token) was missing from
// them: a same-origin 307/308 met by a keyed request lost it.
Deno.test("redirects followed by the client keep what beforeRequest added to the request", async () => {
  const seen: Array<{ path: string; tenant: string | null; key: string | null; body: string }> = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    seen.push({
      path,
      tenant: req.headers.get("x-tenant"),
      key: req.headers.get("x-avl-api-key"),
      body: await req.text(),
    });
    if (path === "/here") return new Response("here");
    return new Response(null, { status: Number(path.slice(1)), headers: { location: "/here" } });
  });
  try {
    const client = Client.builder()
      .baseUrl(`http://127.0.0.1:${server.addr.port}`)
      .avlAuth(KEY)
      .retry({ attempts: 1 })
      .hooks({ beforeRequest: (req) => void req.headers.set("x-tenant", "lab-7") })
      .build();
    for (const status of [302, 307, 308]) {
      seen.length = 0;
      const res = await client.post(`/${status}`).json({ n: status }).idempotent().send();
      assert.equal(await res.text(), "here", String(status));
      assert.deepEqual(seen.map((s) => s.path), [`/${status}`, "/here"]);
      const hop = seen[1];
      assert.equal(hop.tenant, "lab-7", `${status}: the hook's header was lost on the redirect`);
      assert.equal(hop.key, KEY);
      assert.equal(hop.body, status === 302 ? "" : `{"n":${status}}`, String(status));
    }
  } finally {
    await server.shutdown();
  }
});
