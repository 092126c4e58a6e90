// What the client's timers and body reads guarantee: the deadline bounds body reads and retry
// waits, a finished program exits at once, headers are checked where they are set, and every
// byte of every read path is counted exactly once.

import assert from "node:assert/strict";
import { Route, Server } from "../server/mod.ts";
import { listenLocal } from "../server/_test_util.ts";
import { Client, ClientError } from "./mod.ts";

const enc = new TextEncoder();

Deno.test("a program exits as soon as its requests are done (timers never hold it up)", async () => {
  const dir = await Deno.makeTempDir();
  const script = `${dir}/one_request.ts`;
  await Deno.writeTextFile(
    script,
    `import { Client } from ${JSON.stringify(import.meta.resolve("./mod.ts"))};
const srv = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => new Response("ok"));
// Default settings: 30 s per attempt, 120 s deadline.
const client = Client.builder().baseUrl("http://127.0.0.1:" + srv.addr.port).build();
const read = await client.get("/").send();
console.log(await read.text());
const unread = await client.get("/").send(); // its body deadline must not hold the process
console.log(unread.status);
await srv.shutdown();
`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", new URL("../deno.json", import.meta.url).pathname, script],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<"hung">((resolve) => timer = setTimeout(() => resolve("hung"), 20_000));
  const outcome = await Promise.race([child.output(), guard]);
  clearTimeout(timer);
  try {
    assert.notEqual(outcome, "hung", "the program was still running 20 s after its last request");
    const out = outcome as Deno.CommandOutput;
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(new TextDecoder().decode(out.stdout), "ok\n200\n");
  } finally {
    if (outcome === "hung") {
      child.kill();
      await child.status;
    }
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the deadline bounds a body that stalls after the headers; a fast body is unaffected", async () => {
  const app = new Server({ openapi: false })
    .route(
      "/stall",
      Route.get(() =>
        new Response(
          new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(enc.encode("first chunk")) }),
        )
      ),
    )
    .route("/fast", Route.get((c) => c.text("done")))
    .build();
  await using srv = listenLocal(app);
  const client = Client.builder().baseUrl(srv.url).deadline(300).build();
  const res = await client.get("/stall").send();
  assert.equal(res.status, 200);
  await assert.rejects(res.text(), (e) => {
    assert.ok(e instanceof ClientError);
    assert.equal(e.code, "deadline");
    return true;
  });
  // The chunk that did arrive was counted; the read never completed.
  assert.equal(res.metrics.bytesReceived, "first chunk".length);
  assert.equal(res.metrics.totalMs, null);
  // A body read well within the deadline completes, after the deadline of the first passed.
  const ok = await client.get("/fast").send();
  assert.equal(await ok.text(), "done");
  await new Promise((r) => setTimeout(r, 350));
  assert.equal(await ok.text(), "done");
});

Deno.test("a retry wait never outlives the deadline, even after a slow beforeRetry hook", async () => {
  let attempts = 0;
  const client = Client.builder().baseUrl("http://svc.invalid")
    .fetch(() => {
      attempts++;
      return Promise.resolve(new Response("busy", { status: 503 }));
    })
    .retry({ attempts: 5, baseMs: 100, capMs: 100 })
    .random(() => 0.9) // 90 ms wait: less than the time left when it is chosen
    .deadline(200)
    .hooks({ beforeRetry: () => new Promise((r) => setTimeout(r, 150)) })
    .build();
  const t0 = performance.now();
  await assert.rejects(client.get("/x").send(), (e) => {
    assert.ok(e instanceof ClientError);
    assert.equal(e.code, "deadline");
    return true;
  });
  // The second attempt was never sent: the wait was cut by the deadline.
  assert.equal(attempts, 1);
  assert.ok(performance.now() - t0 >= 195);
});

Deno.test("headers are checked where they are set; repeats combine; request headers win", async () => {
  assert.throws(
    () => Client.builder().header("bad name", "x"),
    (e) => e instanceof ClientError && e.code === "invalid",
  );
  const client = Client.builder().baseUrl("http://svc.invalid").header("X-Tenant", "a")
    .header("x-pad", " \t padded\t ").build();
  for (
    const bad of [
      () => client.get("/").header("x-a", "line\nbreak"),
      () => client.get("/").header("x-a", "nul\0"),
      () => client.get("/").header("x-a", "euro \u20ac"),
      () => client.get("/").header("", "v"),
      () => client.get("/").headers({ "a:b": "v" }),
      () => client.get("/").headers([["x-a"]] as unknown as [string, string][]),
    ]
  ) assert.throws(bad, (e) => e instanceof ClientError && e.code === "invalid");

  let seen: Headers | undefined;
  const echo = Client.builder().baseUrl("http://svc.invalid").header("X-Tenant", "a")
    .header("x-pad", " \t padded\t ")
    .fetch((_input, init) => {
      seen = new Headers(init?.headers);
      return Promise.resolve(new Response(null, { status: 204 }));
    }).build();
  await echo.get("/").header("x-tenant", "b").headers([["x-m", "1"], ["X-M", "2"]]).send();
  assert.ok(seen);
  assert.equal(seen.get("x-tenant"), "b");
  assert.equal(seen.get("x-m"), "1, 2");
  assert.equal(seen.get("x-pad"), "padded");
  assert.match(seen.get("traceparent") ?? "", /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  // A later request of the same builder chain does not see this one's headers.
  await echo.get("/").send();
  assert.equal(seen.get("x-tenant"), "a");
  assert.equal(seen.get("x-m"), null);
});

Deno.test("every read path counts each body byte exactly once, per request and per client", async () => {
  const chunks = [enc.encode("a".repeat(1000)), enc.encode("b".repeat(2345))];
  const total = 3345;
  const app = new Server({ openapi: false })
    .route("/chunked", Route.get(() => new Response(ReadableStream.from(chunks))))
    .route("/sized", Route.get((c) => c.text("c".repeat(777))))
    .build();
  await using srv = listenLocal(app);
  const client = Client.builder().baseUrl(srv.url).build();

  const viaText = await client.get("/chunked").send();
  assert.equal(viaText.headers.get("content-length"), null);
  assert.equal((await viaText.text()).length, total);
  const viaBytes = await client.get("/sized").send();
  assert.equal((await viaBytes.bytes()).byteLength, 777);
  const viaStream = await client.get("/chunked").send();
  let streamed = 0;
  for await (const c of viaStream.body!) streamed += c.byteLength;
  assert.equal(streamed, total);
  const viaResponse = await client.get("/chunked").send();
  assert.equal((await viaResponse.toResponse().arrayBuffer()).byteLength, total);
  const head = await client.head("/sized").send();
  assert.equal((await head.bytes()).byteLength, 0);

  const all = [viaText, viaBytes, viaStream, viaResponse, head];
  assert.deepEqual(all.map((r) => r.metrics.bytesReceived), [total, 777, total, total, 0]);
  for (const r of all) {
    assert.equal(r.metrics.bytesReceivedWire, r.metrics.bytesReceived);
    assert.ok(r.metrics.totalMs !== null && r.metrics.totalMs >= r.metrics.headersMs);
  }
  // Reading again serves the cached body and counts nothing more.
  assert.equal((await viaText.text()).length, total);
  assert.equal(viaText.metrics.bytesReceived, total);
  const s = client.stats();
  assert.equal(s.bytesReceived, 3 * total + 777);
  assert.equal(s.bytesReceivedWire, 3 * total + 777);
  assert.equal(s.requests, 5);
  assert.equal(s.failures, 0);
});

Deno.test("relative targets resolve under the base path, with or without query, many times over", async () => {
  const urls: string[] = [];
  const client = Client.builder().baseUrl("http://svc.invalid/api")
    .fetch((input) => {
      urls.push(String(input));
      return Promise.resolve(new Response(null, { status: 204 }));
    }).build();
  await client.get("/a").send();
  await client.get("/a").query({ q: "1 2" }).send();
  await client.get("a").send();
  await client.get("//a/../b?x=1").send();
  assert.deepEqual(urls, [
    "http://svc.invalid/api/a",
    "http://svc.invalid/api/a?q=1+2",
    "http://svc.invalid/api/a",
    "http://svc.invalid/api/b?x=1",
  ]);
  // Far more distinct paths than any cache holds: every one still resolves to itself.
  for (let i = 0; i < 1200; i++) {
    urls.length = 0;
    await client.get(`/p/${i % 700}`).send();
    assert.deepEqual(urls, [`http://svc.invalid/api/p/${i % 700}`]);
  }
  urls.length = 0;
  await client.get("/a").send();
  await client.get("http://other.invalid/x").send();
  assert.deepEqual(urls, ["http://svc.invalid/api/a", "http://other.invalid/x"]);
});
