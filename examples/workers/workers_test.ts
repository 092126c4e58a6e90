// The example Worker on REAL workerd: bundled with `deno bundle --platform browser`, served by
// the npm `workerd` binary (installed by tools/test_deps.ts; the test fails loudly without it), and checked
// over HTTP: health, every content coding the Worker's runtime offers (decoded by the reference
// tools), an Arrow stream read back with our reader.

import assert from "node:assert/strict";
import { readIpcStream } from "../../columnar/mod.ts";
import { run } from "../../server/_test_util.ts";
import { strain } from "../strain.ts";
import { adminUsage } from "../_test_usage.ts";
import { buildWorker } from "./build.ts";
import type { ServerProcess } from "../_process.ts";
import { rawGet } from "../_raw_http.ts";
import { subscribeStrain } from "../_test_ws.ts";
import { startWorkerd } from "./_workerd.ts";
import { PYTHON, SNAPPY_HARNESS } from "../../compress/snappy/_test_python.ts";

const ADMIN_TOKEN = crypto.randomUUID();

async function startWorker(): Promise<ServerProcess & { dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "avx_workers_" });
  const { config } = await buildWorker(dir);
  const w = await startWorkerd(config, {
    env: { AVX_ADMIN_TOKEN: ADMIN_TOKEN, AVX_RATE_LIMIT: "10/60" },
  });
  return Object.assign(w, { dir });
}

async function decodeWith(coding: string, body: Uint8Array): Promise<Uint8Array> {
  const tool = async (cmd: string, args: string[]) => {
    const r = await run(cmd, args, body);
    assert.equal(r.code, 0, `${cmd} failed to decode the ${coding} body: ${r.stderr}`);
    return r.stdout;
  };
  switch (coding) {
    case "zstd":
      return await tool("zstd", ["-d", "-c"]);
    case "br":
      return await tool("brotli", ["-d", "-c"]);
    case "gzip":
      return await tool("gzip", ["-d", "-c"]);
    case "lz4":
      return await tool("lz4", ["-d", "-c"]);
    case "x-snappy-framed":
      // python-snappy's framing reader (the harness gives it a working CRC-32C).
      return await tool(PYTHON, ["-c", SNAPPY_HARNESS, "decompress"]);
    case "deflate": // zlib format (RFC 9110 §8.4.1.2), as the browser's DecompressionStream reads it
      return new Uint8Array(
        await new Response(
          new Blob([body as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
            new DecompressionStream("deflate"),
          ),
        )
          .arrayBuffer(),
      );
    default:
      throw new Error(`no reference decoder for ${coding}`);
  }
}

/** Byte equality with a short message (deepEqual's diff of large arrays takes minutes). */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  if (i === actual.length && i === expected.length) return;
  const show = (b: Uint8Array) => JSON.stringify(new TextDecoder().decode(b.subarray(i, i + 32)));
  assert.fail(
    `${what}: ${actual.length} vs ${expected.length} bytes, first difference at ${i}: ` +
      `${show(actual)} vs ${show(expected)}`,
  );
}

const CODING_OF: Record<string, string> = {
  zstd: "zstd",
  br: "br",
  gzip: "gzip",
  deflate: "deflate",
  lz4: "lz4",
  snappy: "x-snappy-framed",
};

async function issueKey(base: string, tenant: string): Promise<string> {
  const res = await fetch(`${base}/admin/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ tenant }),
  });
  assert.equal(res.status, 201);
  return (await res.json()).key;
}

Deno.test("workers: the example Worker on real workerd", async (t) => {
  const w = await startWorker();
  try {
    await t.step("health and readiness", async () => {
      const res = await fetch(`${w.url}/healthz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: "ok" });
      const ready = await fetch(`${w.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal((await ready.json()).status, "ready");
      const missing = await fetch(`${w.url}/nope`);
      assert.equal(missing.status, 404);
      assert.match(missing.headers.get("content-type") ?? "", /application\/problem\+json/);
      await missing.body?.cancel();
    });

    await t.step(
      "every coding the runtime offers is served and decodes with the reference tool",
      async () => {
        const info = await (await fetch(`${w.url}/runtime`)).json();
        assert.equal(info.runtime, "Cloudflare-Workers", "the app runs inside workerd");
        const algorithms: string[] = info.algorithms;
        // The pure-TypeScript codecs exist everywhere; the rest come from workerd's node:zlib.
        for (const a of ["lz4", "snappy", "gzip", "deflate"]) assert.ok(algorithms.includes(a), a);

        const url = `${w.url}/api/strain/V1?start=60000&n=3000`;
        const apiKey = await issueKey(w.url, "codings");
        const plain = await rawGet(url, { "accept-encoding": "identity", "x-avl-api-key": apiKey });
        assert.equal(plain.headers.get("content-encoding"), null);
        const identity = plain.body;
        assert.deepEqual(JSON.parse(new TextDecoder().decode(identity)).samples, [
          ...strain("V1", 60000, 3000),
        ]);

        const checked: string[] = [];
        for (const [algorithm, coding] of Object.entries(CODING_OF)) {
          const res = await rawGet(url, { "accept-encoding": coding, "x-avl-api-key": apiKey });
          const body = res.body;
          if (!algorithms.includes(algorithm)) {
            // Not in this runtime: the middleware must not claim it.
            assert.notEqual(res.headers.get("content-encoding"), coding, coding);
            continue;
          }
          assert.equal(res.status, 200);
          assert.equal(res.headers.get("content-encoding"), coding, `${coding} served`);
          assert.match(res.headers.get("vary") ?? "", /accept-encoding/i);
          assert.ok(
            body.length < identity.length * 0.9,
            `${coding} compresses (${body.length} bytes)`,
          );
          assertSameBytes(await decodeWith(coding, body), identity, `${coding} round-trips`);
          checked.push(coding);
        }
        assert.ok(checked.length >= 4, `checked ${checked.join(", ")}`);
      },
    );

    await t.step("Arrow stream, zstd-coded, read back with our reader", async () => {
      const res = await rawGet(`${w.url}/api/strain/L1/arrow?start=65000&n=2048`, {
        accept: "application/vnd.apache.arrow.stream",
        "accept-encoding": "zstd",
        "x-avl-api-key": await issueKey(w.url, "arrow"),
      });
      assert.equal(res.status, 200);
      assert.match(
        res.headers.get("content-type") ?? "",
        /^application\/vnd\.apache\.arrow\.stream/,
      );
      assert.equal(res.headers.get("content-encoding"), "zstd");
      const bytes = await decodeWith("zstd", res.body);
      const { schema, batches } = readIpcStream(bytes);
      assert.deepEqual(schema.names, ["t", "strain"]);
      const rows = batches.reduce((n, b) => n + b.numRows, 0);
      assert.equal(rows, 2048);
      const got = batches.flatMap((b) => [...(b.column("strain").toArray() as Float64Array)]);
      assert.deepEqual(got, [...strain("L1", 65000, 2048)]);
      assert.equal(batches[0].column("t").get(0), 65000 / 4096);
    });

    let key = "";
    await t.step(
      "auth: 401 without a key, admin issues one into Workers KV, 200 with it",
      async () => {
        const anonymous = await fetch(`${w.url}/api/strain/H1?n=4`);
        assert.equal(anonymous.status, 401);
        assert.match(anonymous.headers.get("www-authenticate") ?? "", /ApiKey/);
        await anonymous.body?.cancel();
        const forged = await fetch(`${w.url}/admin/keys`, {
          method: "POST",
          headers: { authorization: "Bearer not-the-token" },
          body: JSON.stringify({ tenant: "acme" }),
        });
        assert.equal(forged.status, 401);
        await forged.body?.cancel();

        const issued = await fetch(`${w.url}/admin/keys`, {
          method: "POST",
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ tenant: "acme", plan: "pro" }),
        });
        assert.equal(issued.status, 201);
        const body = await issued.json();
        assert.match(body.key, /^avl_test_/);
        key = body.key;

        const ok = await fetch(`${w.url}/api/strain/H1?n=4`, { headers: { "x-avl-api-key": key } });
        assert.equal(ok.status, 200);
        assert.deepEqual((await ok.json()).samples, [...strain("H1", 16 * 4096 - 2048, 4)]);
        const wrong = await fetch(`${w.url}/api/strain/H1?n=4`, {
          headers: { "x-avl-api-key": key.slice(0, -1) + (key.endsWith("A") ? "B" : "A") },
        });
        assert.equal(wrong.status, 401);
        await wrong.body?.cancel();
      },
    );

    await t.step(
      "rate limit (Durable Object): 429 after 10 requests per key per minute",
      async () => {
        // One request already spent in the previous step.
        const statuses: number[] = [];
        for (let i = 0; i < 10; i++) {
          const res = await fetch(`${w.url}/api/strain/L1?n=2`, {
            headers: { "x-avl-api-key": key },
          });
          statuses.push(res.status);
          if (res.status === 429) {
            assert.match(res.headers.get("content-type") ?? "", /problem\+json/);
            assert.ok(Number(res.headers.get("retry-after")) >= 1);
          }
          await res.body?.cancel();
        }
        assert.deepEqual(statuses, [...Array(9).fill(200), 429]);
      },
    );

    await t.step(
      "rate limit is atomic: 24 concurrent requests on a fresh key admit exactly 10",
      async () => {
        const issued = await fetch(`${w.url}/admin/keys`, {
          method: "POST",
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          body: JSON.stringify({ tenant: "globex" }),
        });
        const fresh = (await issued.json()).key;
        const statuses = await Promise.all(
          Array.from({ length: 24 }, async () => {
            const res = await fetch(`${w.url}/api/strain/V1?n=2`, {
              headers: { "x-avl-api-key": fresh },
            });
            await res.body?.cancel();
            return res.status;
          }),
        );
        assert.equal(statuses.filter((s) => s === 200).length, 10, statuses.join(","));
        assert.equal(statuses.filter((s) => s === 429).length, 14, statuses.join(","));
      },
    );

    await t.step("WebSocket /ws (WebSocketPair) pushes strain blocks", async () => {
      const blocks = await subscribeStrain(w.url, "V1", 2);
      assert.equal(blocks[0].detector, "V1");
      assert.equal(blocks[1].start - blocks[0].start, blocks[0].samples.length);
      assert.deepEqual(blocks[0].samples, Array.from(strain("V1", blocks[0].start, 1024)));
      const plain = await fetch(`${w.url}/ws`);
      assert.equal(plain.status, 426);
      await plain.body?.cancel();
    });

    await t.step("cost ledger (Durable Object) summed the tenant's requests", async () => {
      const { rows, requests } = await adminUsage(w.url, "acme", ADMIN_TOKEN);
      // 1 + 9 admitted requests with acme's key (the rate limiter answers 429s before cost
      // tracking runs, so they are not billed).
      assert.equal(requests, 10, JSON.stringify(rows));
      assert.ok(rows.every((r) => r.tenant === "acme"));
      assert.ok(rows.some((r) => r.bytesOut > 0));
    });
  } catch (e) {
    console.error(`workerd output:\n${w.logs()}`);
    throw e;
  } finally {
    await w.stop();
    await Deno.remove(w.dir, { recursive: true });
  }
});
