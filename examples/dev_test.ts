import assert from "node:assert/strict";
import { spawnServer } from "./_process.ts";
import { createExampleApp } from "./app.ts";
import { banner, devAddress } from "./dev.ts";
import { listenLocal } from "../server/_test_util.ts";

Deno.test("dev banner: dashboard, docs and metrics URLs and the demo key with a usable curl", () => {
  const text = banner("http://127.0.0.1:8000", "avl_test_abc", "dashboard disabled: x");
  for (const path of ["/", "/docs", "/metrics", "/healthz"]) {
    assert.ok(text.includes(`http://127.0.0.1:8000${path} `), path);
  }
  assert.ok(text.includes("ws://127.0.0.1:8000/ws"));
  assert.match(text, /curl -H 'X-AVL-API-Key: avl_test_abc' http:\/\/127\.0\.0\.1:8000\/api\//);
  assert.match(text, /dashboard disabled: x/);
  assert.doesNotMatch(banner("http://h:1", "k", ""), /disabled/);
});

Deno.test("dev server: listens on 127.0.0.1 unless AVX_ADDR says otherwise", async () => {
  assert.equal(devAddress(() => undefined), "127.0.0.1:8000");
  assert.equal(devAddress((n) => (n === "AVX_ADDR" ? "0.0.0.0:9000" : undefined)), "0.0.0.0:9000");
  // The real entry, without --allow-run (no dashboard bundling), on a free port.
  const server = await spawnServer(
    Deno.execPath(),
    [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      new URL("dev.ts", import.meta.url).pathname,
    ],
    {
      env: { PORT: "0", NO_COLOR: "1" },
      listenLine: (line) => line.match(/^(https?:\/\/\S+?)\/\s+dashboard/)?.[1],
    },
  );
  try {
    assert.equal(new URL(server.url).hostname, "127.0.0.1");
    const res = await fetch(`${server.url}/healthz`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    await server.stop();
  }
});

Deno.test("dev dashboard: the demo key is in the page for loopback clients only", async () => {
  const app = createExampleApp({
    webSocket: false,
    dashboard: { script: "export {};", devApiKey: "avl_test_demo" },
  });
  const html = { accept: "text/html" };
  // A real loopback client.
  const running = listenLocal(app).server;
  try {
    const res = await fetch(`${running.address.url}/`, { headers: html });
    const page = await res.text();
    assert.match(page, /avl_test_demo/);
    assert.equal(res.headers.get("cache-control"), "no-store");
  } finally {
    await running.shutdown({ timeoutMs: 1_000 });
    await running.finished;
  }
  // Remote peers, as Deno.serve reports them to the handler (Deno.ServeHandlerInfo).
  for (const hostname of ["192.0.2.7", "2001:db8::1", "10.0.0.5"]) {
    const info = { remoteAddr: { transport: "tcp", hostname, port: 40000 } };
    const res = await app.fetch(new Request("http://dev.example/", { headers: html }), info);
    const page = await res.text();
    assert.equal(res.status, 200);
    assert.doesNotMatch(page, /avl_test_demo/, hostname);
    assert.match(page, /id="chart"/);
  }
  // No peer known (in-process): no key either.
  const inProcess = await (await app.request("/", { headers: html })).text();
  assert.doesNotMatch(inProcess, /avl_test_demo/);
});
