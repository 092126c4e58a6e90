// The example app bundled for Node and run by the real `node` binary on a free loopback port:
// health, the codings Node's own zlib provides (zstd only from Node 22.15/23.8), a compressed
// JSON body decoded by the reference tool, an Arrow stream, and a graceful SIGTERM.

import assert from "node:assert/strict";
import { readIpcStream } from "../../columnar/mod.ts";
import { run } from "../../server/_test_util.ts";
import { jsonListenLine, spawnServer } from "../_process.ts";
import { rawGet } from "../_raw_http.ts";
import { subscribeStrain } from "../_test_ws.ts";
import { strain } from "../strain.ts";
import { buildNodeServer } from "./build.ts";

/** What this machine's Node offers in node:zlib, asked of node itself. */
async function nodeZlib(): Promise<{ version: string; zstd: boolean; brotli: boolean }> {
  const r = await run("node", [
    "-e",
    "const z=require('zlib');process.stdout.write(JSON.stringify({version:process.version," +
    "zstd:typeof z.createZstdCompress==='function'," +
    "brotli:typeof z.createBrotliCompress==='function'}))",
  ]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(new TextDecoder().decode(r.stdout));
}

/**
 * Node's V8 may round Math.pow/cos/log differently in the last bit from Deno's, so the synthetic
 * strain computed in node can differ from ours by an ulp or so: compare with a relative tolerance.
 */
function assertClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  // Relative to the block's amplitude, not each sample: near a zero crossing an ulp of the
  // terms is a large share of the (tiny) sample.
  const scale = Math.max(...expected.map(Math.abs), 1e-30);
  for (let i = 0; i < expected.length; i++) {
    const tol = 1e-12 * scale;
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `sample ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

Deno.test("node: the example app under real node via @hono/node-server", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "avx_node_" });
  const server = await spawnServer("node", [await buildNodeServer(dir)], {
    env: { PORT: "0", HOST: "127.0.0.1", HEADERS_TIMEOUT_MS: "1000" },
    listenLine: jsonListenLine,
  });
  try {
    await t.step("health", async () => {
      const res = await fetch(`${server.url}/healthz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: "ok" });
    });

    await t.step(
      "codings follow node's zlib; gzip and br decode with the reference tools",
      async () => {
        const zlib = await nodeZlib();
        const info = await (await fetch(`${server.url}/runtime`)).json();
        assert.equal(info.runtime, `Node.js/${zlib.version}`);
        assert.equal(info.algorithms.includes("zstd"), zlib.zstd, "zstd iff node:zlib has it");
        assert.equal(info.algorithms.includes("br"), zlib.brotli);

        const url = `${server.url}/api/strain/H1?start=1000&n=3000`;
        const expected = [...strain("H1", 1000, 3000)];
        const zstd = await rawGet(url, { "accept-encoding": "zstd, gzip;q=0.5" });
        const zstdBody = zstd.body;
        // Without zstd in node:zlib the server falls back to the client's next choice.
        assert.equal(zstd.headers.get("content-encoding"), zlib.zstd ? "zstd" : "gzip");
        const tool = zlib.zstd ? "zstd" : "gzip";
        const decoded = await run(tool, ["-d", "-c"], zstdBody);
        assert.equal(decoded.code, 0, decoded.stderr);
        assertClose(JSON.parse(new TextDecoder().decode(decoded.stdout)).samples, expected);

        const br = await rawGet(url, { "accept-encoding": "br" });
        assert.equal(br.headers.get("content-encoding"), "br");
        const brDecoded = await run("brotli", ["-d", "-c"], br.body);
        assert.equal(brDecoded.code, 0, brDecoded.stderr);
        assertClose(JSON.parse(new TextDecoder().decode(brDecoded.stdout)).samples, expected);
      },
    );

    await t.step("Arrow stream read back with our reader", async () => {
      const res = await rawGet(`${server.url}/api/strain/V1/arrow?start=5&n=100`, {
        accept: "application/vnd.apache.arrow.stream",
        "accept-encoding": "identity",
      });
      assert.equal(res.status, 200);
      const { batches } = readIpcStream(res.body);
      assertClose(
        batches.flatMap((b) => [...(b.column("strain").toArray() as Float64Array)]),
        [...strain("V1", 5, 100)],
      );
    });

    await t.step("a client that never finishes its headers is cut off", async () => {
      const { hostname, port } = new URL(server.url);
      const conn = await Deno.connect({ hostname, port: Number(port) });
      try {
        await conn.write(new TextEncoder().encode("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
        // Node answers 408 and closes after headersTimeout (1 s here); bounded wait of 10 s.
        let text = "";
        const buf = new Uint8Array(1024);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const expired = new Promise<"expired">((
          r,
        ) => (timer = setTimeout(() => r("expired"), 10_000)));
        for (let i = 0; i < 16; i++) {
          const n = await Promise.race([conn.read(buf).catch(() => null), expired]);
          if (n === "expired") throw new Error("the connection is still open after 10 s");
          if (n === null) break;
          text += new TextDecoder().decode(buf.subarray(0, n));
        }
        clearTimeout(timer);
        assert.match(text, /^HTTP\/1\.1 408/);
      } finally {
        try {
          conn.close();
        } catch { /* closed by the server */ }
      }
    });

    await t.step("WebSocket /ws through @hono/node-ws pushes strain blocks", async () => {
      const blocks = await subscribeStrain(server.url, "L1", 2);
      assert.equal(blocks[0].detector, "L1");
      assert.equal(blocks[1].start - blocks[0].start, blocks[0].samples.length);
      assertClose(blocks[0].samples, Array.from(strain("L1", blocks[0].start, 1024)));
      // A plain GET is refused with the 426 problem, not upgraded.
      const plain = await fetch(`${server.url}/ws`);
      assert.equal(plain.status, 426);
      await plain.body?.cancel();
    });

    await t.step("SIGTERM shuts down cleanly", async () => {
      const status = await server.stop();
      assert.equal(status.code, 0, server.logs());
    });
  } catch (e) {
    console.error(`node output:\n${server.logs()}`);
    throw e;
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
