import { ConfigurationError } from "../http/config_error.ts";
import assert from "node:assert/strict";
import { Route, Server, sse } from "./mod.ts";
import { parseAddress } from "./listen.ts";
import { serve } from "./listen.ts";
import { listenLocal, run } from "./_test_util.ts";
import { KvCostLedger } from "../middleware/cost/mod.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("parseAddress understands host:port, :port, port and [v6]:port", () => {
  assert.deepEqual(parseAddress("0.0.0.0:3000"), { hostname: "0.0.0.0", port: 3000 });
  assert.deepEqual(parseAddress(":8080"), { port: 8080 });
  assert.deepEqual(parseAddress("8080"), { port: 8080 });
  assert.deepEqual(parseAddress("[::1]:9000"), { hostname: "::1", port: 9000 });
  assert.deepEqual(parseAddress("localhost"), { hostname: "localhost" });
  assert.throws(() => parseAddress("host:99999"), ConfigurationError);
  assert.throws(() => parseAddress("host:abc"), ConfigurationError);
});

Deno.test("listen honours PORT over the address string, and an explicit port over PORT", async () => {
  // Find a free port, then ask for it through PORT.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const free = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const app = new Server().build();
  const prev = Deno.env.get("PORT");
  Deno.env.set("PORT", String(free));
  try {
    const s = app.listen("127.0.0.1:1", { handleSignals: false, onListen: () => {} });
    assert.equal(s.address.port, free);
    const res = await fetch(`http://127.0.0.1:${free}/healthz`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
    await s.shutdown();
    const explicit = app.listen({
      hostname: "127.0.0.1",
      port: 0,
      handleSignals: false,
      onListen: () => {},
    });
    assert.notEqual(explicit.address.port, free);
    await explicit.shutdown();
  } finally {
    if (prev === undefined) Deno.env.delete("PORT");
    else Deno.env.set("PORT", prev);
  }
});

Deno.test("graceful shutdown drains in-flight requests and refuses new connections", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const app = new Server().route(
    "/work",
    Route.get(async (c) => {
      await gate;
      return c.text("done");
    }),
  ).build();
  const srv = listenLocal(app);
  const inflight = fetch(srv.url + "/work");
  await sleep(50);
  const shutdown = srv.server.shutdown({ timeoutMs: 5000 });
  await sleep(50);
  release();
  const res = await inflight;
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "done");
  assert.equal(await shutdown, "drained");
  await assert.rejects(fetch(srv.url + "/healthz"));
});

Deno.test("shutdown ends SSE streams instead of waiting on them, and reports the deadline when a handler hangs", async () => {
  const app = new Server()
    .route(
      "/live",
      Route.get((c) =>
        sse(c, async (s) => {
          while (!s.signal.aborted) {
            await s.send({ data: "tick" });
            await sleep(20);
          }
        }, { heartbeatMs: 0 })
      ),
    )
    .route("/hang", Route.get(() => new Promise<Response>(() => {})))
    .build();
  const srv = listenLocal(app);
  const live = await fetch(srv.url + "/live");
  const reader = live.body!.getReader();
  await reader.read();
  const done = (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  assert.equal(await srv.server.shutdown({ timeoutMs: 3000 }), "drained");
  await done; // the stream ended cleanly

  const app2 = new Server().route("/hang", Route.get(() => new Promise<Response>(() => {})))
    .build();
  const srv2 = listenLocal(app2);
  const hung = fetch(srv2.url + "/hang").catch(() => null);
  await sleep(50);
  assert.equal(await srv2.server.shutdown({ timeoutMs: 100 }), "deadline");
  void hung;
});

Deno.test("SIGTERM drains the in-flight request, then the process exits 0", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      new URL("./testdata/slow_server.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!/PORT=(\d+)/.test(out)) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  const port = Number(/PORT=(\d+)/.exec(out)![1]);
  const inflight = fetch(`http://127.0.0.1:${port}/slow`);
  // Signal once the request is inside the handler (a fixed sleep raced it on a loaded machine).
  while (!out.includes("STARTED")) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  child.kill("SIGTERM");
  const res = await inflight;
  assert.equal(await res.text(), "finished");
  const status = await child.status;
  assert.equal(status.code, 0);
  reader.releaseLock();
  await child.stdout.cancel().catch(() => {});
  await child.stderr.cancel();
});

Deno.test("SIGTERM: usage of the requests that finish during the drain is written before exit", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/usage.kv`;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--unstable-kv",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-write",
        new URL("./testdata/ledger_drain_server.ts", import.meta.url).pathname,
        path,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    const readUntil = async (done: () => boolean) => {
      while (!done()) {
        const chunk = await reader.read();
        if (chunk.done) break;
        out += chunk.value;
      }
    };
    await readUntil(() => /PORT=(\d+)/.test(out));
    const port = Number(/PORT=(\d+)/.exec(out)![1]);
    const inflight = Array.from(
      { length: 20 },
      () =>
        fetch(`http://127.0.0.1:${port}/work`, { method: "POST", body: "x" }).then(async (r) => {
          await r.body?.cancel();
          return r.status;
        }),
    );
    await readUntil(() => (out.match(/IN/g) ?? []).length >= 20);
    child.kill("SIGTERM");
    assert.deepEqual(await Promise.all(inflight), inflight.map(() => 201));
    assert.equal((await child.status).code, 0);
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel();
    const kv = await Deno.openKv(path);
    try {
      const rows = await new KvCostLedger(kv).query({ from: 0, to: Date.now() + 86_400_000 });
      assert.equal(rows.reduce((n, r) => n + r.requests, 0), 20);
    } finally {
      kv.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with a TLS cert and key the server speaks HTTP/2 (curl --http2)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const gen = await run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-keyout",
      `${dir}/key.pem`,
      "-out",
      `${dir}/cert.pem`,
    ]);
    assert.equal(gen.code, 0, gen.stderr);
    const app = new Server().route("/hi", Route.get((c) => c.json({ hi: true }))).build();
    await using srv = listenLocal(app, {
      cert: await Deno.readTextFile(`${dir}/cert.pem`),
      key: await Deno.readTextFile(`${dir}/key.pem`),
    });
    assert.match(srv.url, /^https:/);
    const res = await run("curl", [
      "-sk",
      "--http2",
      "-o",
      "-",
      "-w",
      "\n%{http_version}",
      srv.url + "/hi",
    ]);
    assert.equal(res.code, 0, res.stderr);
    const [body, version] = new TextDecoder().decode(res.stdout).split("\n");
    assert.equal(version, "2");
    assert.deepEqual(JSON.parse(body), { hi: true });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shutdown: the app stops after late work drains, never before", async () => {
  // Work a handler still does after its response went out (a write a timeout answered for) is
  // drained first; only then do the stop hooks (a ledger's close) run.
  const order: string[] = [];
  const running = serve({
    fetch: () => new Response("ok"),
    async drained() {
      order.push("drain-start");
      await new Promise((r) => setTimeout(r, 200));
      order.push("drain-end");
    },
    stop() {
      order.push("stop");
      return Promise.resolve();
    },
  }, { hostname: "127.0.0.1", port: 0, handleSignals: false, onListen: () => {} });
  assert.equal(await running.shutdown({ timeoutMs: 2_000 }), "drained");
  await running.finished;
  assert.deepEqual(order, ["drain-start", "drain-end", "stop"]);
});
