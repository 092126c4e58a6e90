// Smoke test of the Deno Deploy entry point: `deno run --unstable-kv` as a subprocess on a free
// loopback port with a temporary KV file, checked over HTTP; the test then opens the same KV
// file itself and finds the state the server wrote (keys, counters, usage).

import assert from "node:assert/strict";
import { KvKeyStore } from "../../middleware/auth/mod.ts";
import { jsonListenLine, spawnServer } from "../_process.ts";
import { strain } from "../strain.ts";
import { adminUsage } from "../_test_usage.ts";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("deploy: main.ts with Deno KV stores, as a subprocess", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "avx_deploy_" });
  const kvPath = `${dir}/kv.sqlite3`;
  const admin = crypto.randomUUID();
  const server = await spawnServer(Deno.execPath(), [
    "run",
    "--quiet",
    "--unstable-kv",
    "--allow-net=127.0.0.1",
    "--allow-env",
    `--allow-read=${root},${dir}`,
    `--allow-write=${dir}`,
    "--config",
    `${root}deno.json`,
    `${root}examples/deploy/main.ts`,
  ], {
    env: {
      AVX_KV_PATH: kvPath,
      AVX_ADDR: "127.0.0.1:0",
      ADMIN_TOKEN: admin,
      RATE_LIMIT: "3/60",
      AVX_REGION: "test-1",
      DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    },
    listenLine: jsonListenLine,
    timeoutMs: 30_000,
  });
  try {
    const url = server.url;
    let key = "";
    let keyId = "";
    await t.step("health, and 401 on /api without a key", async () => {
      const health = await fetch(`${url}/healthz`);
      assert.deepEqual(await health.json(), { status: "ok" });
      const anon = await fetch(`${url}/api/strain/H1?n=4`);
      assert.equal(anon.status, 401);
      await anon.body?.cancel();
    });

    await t.step("admin issues a key into Deno KV; it works, compressed", async () => {
      const res = await fetch(`${url}/admin/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}` },
        body: JSON.stringify({ tenant: "initech", plan: "pro" }),
      });
      assert.equal(res.status, 201);
      ({ key, id: keyId } = await res.json());
      const data = await fetch(`${url}/api/strain/L1?start=100&n=2000`, {
        headers: { "x-avl-api-key": key },
      });
      assert.equal(data.status, 200);
      // Deno's fetch offers gzip/br and decodes them; the header shows the coding used.
      assert.match(data.headers.get("content-encoding") ?? "", /^(gzip|br|zstd)$/);
      assert.deepEqual((await data.json()).samples, [...strain("L1", 100, 2000)]);
    });

    await t.step("rate limit in Deno KV: 429 after 3 requests per minute", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${url}/api/strain/V1?n=2`, { headers: { "x-avl-api-key": key } });
        statuses.push(res.status);
        await res.body?.cancel();
      }
      assert.deepEqual(statuses, [200, 200, 429]);
    });

    await t.step("usage summed in the KV cost ledger, per region", async () => {
      const { rows, requests } = await adminUsage(url, "initech", admin);
      assert.equal(requests, 3, JSON.stringify(rows));
      assert.ok(rows.every((r) => r.region === "test-1"));
    });

    await t.step("the KV file holds the issued key (a second handle sees it)", async () => {
      const kv = await Deno.openKv(kvPath);
      try {
        const record = await new KvKeyStore(kv).findById(keyId);
        assert.equal(record?.tenant, "initech");
        assert.equal(record?.plan, "pro");
        assert.equal(record?.revokedAt, null);
      } finally {
        kv.close();
      }
    });

    await t.step("SIGTERM: graceful exit", async () => {
      const status = await server.stop();
      assert.equal(status.code, 0, server.logs());
    });
  } catch (e) {
    console.error(`deploy server output:\n${server.logs()}`);
    throw e;
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
