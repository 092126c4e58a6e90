// XXH64 for the zstd content checksum: the WebAssembly stripe loop and the TypeScript one (the
// Workers fallback) against the zstd CLI's checksums, whole and fed in pieces, and the fallback
// under real workerd.
import assert from "node:assert/strict";
import { rng } from "../_test_rng.ts";
import { Xxh64, xxh64Backend, xxh64Low32 } from "./_xxh64.ts";
import { WASM_CHUNK } from "./_xxh64_wasm.ts";
import { sample, zstdCli } from "./_test_tools.ts";
import { bundle } from "../../examples/_bundle.ts";
import type { ServerProcess } from "../../examples/_process.ts";
import { startWorkerd } from "../../examples/workers/_workerd.ts";

function noise(size: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (r() * 256) | 0;
  return out;
}

/** The low 32 bits of XXH64 as the zstd CLI writes them: the last 4 bytes of a `--check` frame. */
async function cliChecksum(data: Uint8Array): Promise<number> {
  const f = await zstdCli(["-1", "--check"], data);
  const n = f.length;
  return (f[n - 4] | (f[n - 3] << 8) | (f[n - 2] << 16) | (f[n - 1] << 24)) >>> 0;
}

Deno.test("xxh64: long inputs take the WebAssembly loop where it compiles (Deno)", () => {
  assert.equal(xxh64Backend(), "webassembly");
});

Deno.test("xxh64: both loops give the zstd CLI's checksums, whole and in pieces", async () => {
  // Around the stripe (32), the WebAssembly threshold (512) and its chunk size.
  const sizes = [0, 1, 31, 32, 33, 100, 511, 512, 513, 544, 4099, WASM_CHUNK + 37, 300_001];
  const inputs = sizes.map((size, i) => noise(size, i + 1));
  const want = await Promise.all(inputs.map(cliChecksum));
  const r = rng(99);
  for (const [i, data] of inputs.entries()) {
    for (const wasm of [true, false]) {
      const how = `${data.length} bytes, ${wasm ? "WebAssembly" : "TypeScript"}`;
      assert.equal(xxh64Low32(data, wasm), want[i], how);
      // As the streaming decoder feeds it: block by block, at arbitrary cuts.
      const h = new Xxh64(wasm);
      for (let p = 0; p < data.length;) {
        const step = 1 + Math.floor(r() * (r() < 0.5 ? 40 : 5000));
        h.update(data, p, Math.min(p + step, data.length));
        p += step;
      }
      assert.equal(h.digestLow32(), want[i], `${how}, in pieces`);
    }
  }
});

Deno.test("xxh64: the two loops agree on random lengths and cuts", () => {
  const r = rng(7);
  for (let t = 0; t < 200; t++) {
    const data = noise(Math.floor(r() * 3000), 1000 + t);
    const a = new Xxh64(true), b = new Xxh64(false);
    for (let p = 0; p < data.length;) {
      const q = Math.min(data.length, p + 1 + Math.floor(r() * 1200));
      a.update(data, p, q);
      b.update(data, p, q);
      p = q;
    }
    assert.equal(a.digestLow32(), b.digestLow32(), `case ${t}`);
  }
});

Deno.test("xxh64: under real workerd (no run-time compilation) checksums take the TypeScript loop", async () => {
  const dir = await Deno.makeTempDir({ prefix: "avx_zstd_workerd_" });
  const testdata = new URL("./testdata/", import.meta.url);
  await bundle(new URL("worker_zstd.ts", testdata), `${dir}/worker_zstd.js`, "browser");
  await Deno.copyFile(new URL("worker_zstd.capnp", testdata), `${dir}/worker_zstd.capnp`);
  const data = sample(300_000);
  const frame = new Uint8Array(await zstdCli(["-3", "--check"], data));
  const bad = frame.slice();
  bad[bad.length - 1] ^= 1; // the stored checksum, off by one bit
  let server: ServerProcess | undefined;
  try {
    server = await startWorkerd(`${dir}/worker_zstd.capnp`);
    const res = await fetch(server.url, { method: "POST", body: frame });
    const body = new Uint8Array(await res.arrayBuffer());
    assert.equal(res.status, 200);
    assert.match(res.headers.get("x-wasm-compile")!, /disallowed/, "workerd refuses to compile");
    assert.equal(res.headers.get("x-xxh64"), "typescript");
    assert.ok(body.length === data.length && body.every((x, i) => x === data[i]));
    const refused = await fetch(server.url, { method: "POST", body: bad });
    assert.equal(refused.status, 422);
    assert.equal(await refused.text(), "checksum");
  } finally {
    await server?.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
