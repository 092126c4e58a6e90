import assert from "node:assert/strict";
import { Algorithm } from "../types.ts";
import { compress, compressSync, decompress, decompressSync } from "../compress.ts";
import { CompressError } from "../errors.ts";
import { compressColumnar } from "../columnar/mod.ts";
import { chooseAlgorithm, compressAuto, decompressAutoFrame } from "./mod.ts";
import { rng } from "../_test_rng.ts";
import { runTool } from "../platform/_test_tools.ts";

const r = rng(11);
const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

Deno.test("auto: text goes to zstd (balanced) or lz4 (fast), with a reason", async () => {
  const text = new TextEncoder().encode(
    Array.from({ length: 3000 }, (_, i) => `{"id":${i},"ok":${i % 3 === 0}}`).join("\n"),
  );
  const bal = compressAuto(text);
  assert.equal(bal.choice.algorithm, Algorithm.Zstd);
  assert.match(bal.choice.reason, /text-like/);
  const fast = compressAuto(text, { speedBudget: "fast" });
  assert.equal(fast.choice.algorithm, Algorithm.Lz4);
  assert.equal(compressAuto(text, { speedBudget: 500 }).choice.algorithm, Algorithm.Lz4);
  for (const out of [bal.data, fast.data]) {
    assert.deepEqual(await decompress(out, Algorithm.Auto), text);
    assert.deepEqual(decompressSync(out, Algorithm.Auto), text);
  }
});

Deno.test("auto: numbers go columnar without being told the type; random bytes are stored", () => {
  const ts = new BigInt64Array(30000);
  let t = 1_700_000_000_000n;
  for (let i = 0; i < ts.length; i++) ts[i] = t += 1000n + BigInt(Math.floor(r() * 8));
  const a = compressAuto(bytes(ts));
  assert.equal(a.choice.algorithm, Algorithm.Columnar);
  assert.equal(a.choice.elementType, "i64");
  // Steps of 1000 plus independent jitter: delta leaves just the jitter.
  assert.ok(a.choice.transforms!.includes("delta"), a.choice.transforms!.join());
  assert.deepEqual(decompressAutoFrame(a.data), bytes(ts));
  const noise = new Uint8Array(200_000);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(r() * 256);
  const s = compressAuto(noise);
  assert.equal(s.choice.stored, true);
  assert.match(s.choice.reason, /incompressible/);
  assert.ok(s.data.length <= noise.length + 40);
  assert.deepEqual(decompressAutoFrame(s.data), noise);
  const empty = compressAuto(new Uint8Array(0));
  assert.equal(decompressAutoFrame(empty.data).length, 0);
});

Deno.test("auto notices that byte shuffle hurts data with many exact repeats", () => {
  // 12 distinct full-precision values in random order: repeats that LZ matching finds in the
  // plain bytes, but which shuffling scatters across 8 planes.
  const palette = Array.from({ length: 12 }, () => r() * 1000);
  const v = Float64Array.from({ length: 40000 }, () => palette[Math.floor(r() * palette.length)]);
  const data = bytes(v);
  const c = chooseAlgorithm(data, { elementType: "f64" });
  assert.ok(!c.transforms!.includes("shuffle"), `chose ${c.transforms}`);
  assert.match(c.reason, /shuffle would hurt/);
  const chosen = compressAuto(data, { elementType: "f64" }).data.length;
  const shuffled =
    compressColumnar(data, { elementType: "f64", only: { layout: "shuffle" } }).length;
  assert.ok(chosen < shuffled, `auto ${chosen} < forced shuffle ${shuffled}`);
  // and on smooth data shuffle (or a numeric transform) does pay
  const smooth = Float64Array.from({ length: 40000 }, (_, i) => Math.sin(i / 1000) + r() * 1e-6);
  const s = chooseAlgorithm(bytes(smooth), { elementType: "f64" });
  assert.doesNotMatch(s.reason, /shuffle would hurt/);
});

Deno.test("auto through the API, and bad options", async () => {
  const v = bytes(Float32Array.from({ length: 8000 }, (_, i) => Math.round(i * 0.3) / 4));
  const a = await compress(v, Algorithm.Auto, { elementType: "f32", speedBudget: "max" });
  assert.deepEqual(a, compressSync(v, Algorithm.Auto, { elementType: "f32", speedBudget: "max" }));
  assert.deepEqual(await decompress(a, Algorithm.Auto), v);
  // Unrecognised bytes come back as they are, as from decompressAuto.
  const plain = new TextEncoder().encode("plain");
  assert.deepEqual(decompressSync(plain, Algorithm.Auto), plain);
  assert.throws(
    () => chooseAlgorithm(v, { speedBudget: -1 }),
    (e) => e instanceof CompressError && e.code === "unsupported",
  );
  assert.throws(
    () => decompressSync(a, Algorithm.Auto, { maxOutputSize: 100 }),
    (e) => e instanceof CompressError && e.code === "limit",
  );
});

/** `zstd`/`lz4` CLI output size for `data` (the reference the ratios are held to). */
async function toolSize(cmd: string, args: string[], data: Uint8Array): Promise<number> {
  return (await runTool(cmd, args, data)).length;
}

/** float64 noise over 40 binary orders of magnitude: only exponent bytes are compressible. */
function wideNoise(n: number): Uint8Array {
  const next = rng(5);
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = (next() - 0.5) * 2 ** (next() * 40 - 20);
  return bytes(f);
}

Deno.test("columnar/auto: a losing plan falls back to the next plan, not to stored", async () => {
  const data = wideNoise(100_000);
  const zstd3 = data.length / await toolSize("zstd", ["-3", "-c", "-q"], data);
  assert.ok(zstd3 > 1, `zstd -3 compresses it (${zstd3})`);
  const col = compressSync(data, Algorithm.Columnar, { elementType: "f64" });
  const auto = compressAuto(data, { elementType: "f64" });
  for (const [name, frame] of [["columnar", col], ["auto", auto.data]] as const) {
    const ratio = data.length / frame.length;
    assert.ok(ratio >= zstd3, `${name} ${ratio.toFixed(3)}x vs zstd -3 ${zstd3.toFixed(3)}x`);
    assert.deepEqual(
      decompressSync(frame, name === "auto" ? Algorithm.Auto : Algorithm.Columnar),
      data,
    );
  }
  assert.equal(auto.choice.stored, undefined, auto.choice.reason);
});

Deno.test("auto fast: an ELF binary gets at least what lz4 gives, not a worse columnar guess", async () => {
  // Shared libraries read as i32/i64 on a 64 KiB sample, where LZ4 has little history.
  const path = await Deno.realPath("/usr/lib/x86_64-linux-gnu/libstdc++.so.6");
  const elf = await Deno.readFile(path);
  assert.deepEqual([...elf.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46], "ELF magic");
  const lz4 = elf.length / await toolSize("lz4", ["-1", "-c", "-q"], elf);
  const fast = compressAuto(elf, { speedBudget: "fast" });
  const ratio = elf.length / fast.data.length;
  assert.ok(ratio >= lz4 * 0.97, `auto fast ${ratio.toFixed(3)}x vs lz4 -1 ${lz4.toFixed(3)}x`);
  assert.deepEqual(decompressAutoFrame(fast.data), elf);
});
