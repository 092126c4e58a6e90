// The client against hostile servers, found by a fresh-eyes attack pass.
import assert from "node:assert/strict";
import { Client, ClientError } from "./mod.ts";
import { bundle } from "../examples/_bundle.ts";
import { zstdArrowBomb } from "../columnar/ipc/_test_data.ts";

const KEY = "avl_test_0123456789abcdef";

type Seen = { method: string; path: string; key: string | null; auth: string | null; body: string };

/** Two local servers: `a` answers every request with the redirect its query asks for. */
function servers(): {
  a: string;
  b: string;
  seenA: Seen[];
  seenB: Seen[];
} & AsyncDisposable {
  const seenA: Seen[] = [], seenB: Seen[] = [];
  const record = async (req: Request, seen: Seen[]) =>
    seen.push({
      method: req.method,
      path: new URL(req.url).pathname,
      key: req.headers.get("x-avl-api-key"),
      auth: req.headers.get("authorization"),
      body: await req.text(),
    });
  const b = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await record(req, seenB);
    return new Response(`b ${req.method}`);
  });
  // the other origin: "localhost" and another port
  const bUrl = `http://localhost:${b.addr.port}`;
  const a = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await record(req, seenA);
    const url = new URL(req.url);
    if (url.pathname === "/here") return new Response(`a ${req.method}`);
    if (url.pathname === "/loop") {
      return new Response(null, { status: 302, headers: { location: "/loop" } });
    }
    const to = url.searchParams.get("to") === "a" ? "/here" : `${bUrl}/there`;
    return new Response(null, {
      status: Number(url.searchParams.get("status")),
      headers: { location: to },
    });
  });
  return {
    a: `http://127.0.0.1:${a.addr.port}`,
    b: bUrl,
    seenA,
    seenB,
    async [Symbol.asyncDispose]() {
      await a.shutdown();
      await b.shutdown();
    },
  };
}

// fetch drops only `Authorization` when a redirect leaves the origin; the client's own
// X-AVL-API-Key went along to whatever host the Location named.
Deno.test("a redirect to another origin never carries the API key; same-origin ones do", async () => {
  await using s = servers();
  const client = Client.builder().baseUrl(s.a).avlAuth(KEY).retry({ attempts: 1 }).build();
  for (const status of [301, 302, 303, 307, 308]) {
    const res = await client.post(`/r?status=${status}`).json({ n: status }).idempotent().send();
    const expected = status === 307 || status === 308 ? "POST" : "GET";
    assert.equal(await res.text(), `b ${expected}`, String(status));
    const there = s.seenB.at(-1)!;
    assert.equal(there.key, null, `${status}: the API key went to another origin`);
    assert.equal(there.body, expected === "POST" ? `{"n":${status}}` : "", String(status));
  }
  // the same origin keeps it (and a GET stays a GET)
  const res = await client.get("/r?status=302&to=a").send();
  assert.equal(await res.text(), "a GET");
  assert.equal(s.seenA.at(-1)!.key, KEY);
  assert.equal(s.seenA.at(-1)!.path, "/here");
  // followed here, a redirect loop still ends as fetch's does: a network error after 20 hops
  const before = s.seenA.length;
  await assert.rejects(client.get("/loop").send(), (e) => {
    assert.ok(e instanceof ClientError, String(e));
    assert.equal(e.code, "network");
    return true;
  });
  assert.equal(s.seenA.length - before, 21);
});

// `res.arrow()` read the server's bytes with the plain reader's defaults: 1 GiB of decoded
// buffers and no bound on values, whatever the body's size, so a response of a few KB could make
// the client allocate up to 1 GiB. It now has the budget `readArrowBody` gives a request body of
// the same size (16 MiB plus 16 times the body; 2^20 values plus 32 per byte).
Deno.test("res.arrow(): an IPC decompression bomb is a decode error within a budget from the body size", async () => {
  const bomb = zstdArrowBomb(1024, 8); // 32 MiB decoded
  assert.ok(bomb.length < 64 * 1024, `${bomb.length} bytes`);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response(bomb, { headers: { "content-type": "application/vnd.apache.arrow.stream" } }),
  );
  try {
    const client = Client.builder().baseUrl(`http://127.0.0.1:${server.addr.port}`).build();
    const res = await client.get("/bomb").send();
    await assert.rejects(res.arrow(), (e) => {
      assert.ok(e instanceof ClientError, String(e));
      assert.equal(e.code, "decode");
      assert.match(e.message, /maxOutputSize/);
      return true;
    });
    // a caller who expects large answers says so
    const big = await client.get("/bomb").send();
    const read = await big.arrow({ limits: { maxOutputSize: 64 * 1024 * 1024 } });
    assert.equal(read.batches.length, 8);
  } finally {
    await server.shutdown();
  }
});

// Node 20's fetch (undici) cannot follow a 307/308 redirect of a request whose body is bytes
// ("Cannot perform ArrayBuffer.prototype.slice on a detached ArrayBuffer"): every json() or
// bytes POST/PUT that met one failed as a network error. The client follows redirects itself for
// such requests (as it does for requests carrying the API key).
Deno.test("node: a POST with a bytes body follows 307 and 308 redirects", async () => {
  const dir = await Deno.makeTempDir({ prefix: "avx-client-node-" });
  try {
    const out = `${dir}/node_redirects.mjs`;
    await bundle(new URL("./testdata/node_redirects.ts", import.meta.url), out, "deno", {
      minify: false,
    });
    const run = await new Deno.Command("node", { args: [out], stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder().decode(run.stdout);
    assert.ok(run.success, text + new TextDecoder().decode(run.stderr));
    const result = JSON.parse(text.trim().split("\n").pop()!);
    assert.deepEqual(result.out, [
      'nokey 307: 200 b POST {"n":307}',
      'nokey 308: 200 b POST {"n":308}',
      'key 307: 200 b POST {"n":307}',
      'key 308: 200 b POST {"n":308}',
    ]);
    // the other origin's port differs from the first server's: the key stays behind
    for (const s of result.seen) assert.equal(s.key, null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
