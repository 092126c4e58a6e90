import assert from "node:assert/strict";
import { compressSync } from "./compress.ts";
import { decompressAuto, decompressAutoSync, detect, registerFormat } from "./detect.ts";
import { CompressError } from "./errors.ts";
import { concat, runTool } from "./platform/_test_tools.ts";
import { Algorithm } from "./types.ts";

const text = new TextEncoder().encode("stored data that may or may not be compressed. ".repeat(40));

Deno.test("detect: every format with a magic number, from our encoders and the tools", async () => {
  const cases: [Uint8Array, string, Algorithm][] = [
    [compressSync(text, Algorithm.Lz4), "lz4", Algorithm.Lz4],
    [await runTool("lz4", ["-c"], text), "lz4", Algorithm.Lz4],
    [compressSync(text, Algorithm.Zstd), "zstd", Algorithm.Zstd],
    [await runTool("zstd", ["-c", "-q"], text), "zstd", Algorithm.Zstd],
    [compressSync(text, Algorithm.Gzip), "gzip", Algorithm.Gzip],
    [await runTool("gzip", ["-c"], text), "gzip", Algorithm.Gzip],
    [compressSync(text, Algorithm.Snappy), "snappy", Algorithm.Snappy],
    [compressSync(text, Algorithm.Deflate), "zlib", Algorithm.Deflate],
  ];
  for (const [bytes, name, algorithm] of cases) {
    const found = detect(bytes);
    assert.ok(found, `${name} detected`);
    assert.equal(found.name, name);
    assert.equal(found.algorithm, algorithm);
    assert.equal(found.certain, name !== "zlib");
  }
});

Deno.test("detect: skippable frames are looked through to the LZ4 or zstd frame behind them", () => {
  const skip = new Uint8Array([0x53, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 0xaa, 0xbb]);
  const lz4 = compressSync(text, Algorithm.Lz4);
  const zstd = compressSync(text, Algorithm.Zstd);
  assert.equal(detect(concat([skip, lz4]))?.name, "lz4");
  assert.equal(detect(concat([skip, skip, zstd]))?.name, "zstd");
  assert.equal(detect(skip)?.name, "skippable");
  assert.deepEqual(decompressAutoSync(concat([skip, lz4])), text);
  assert.deepEqual(decompressAutoSync(concat([skip, zstd])), text);
});

Deno.test("detect: plain data, brotli, raw formats and short inputs are null", () => {
  assert.equal(detect(text), null);
  assert.equal(detect(new TextEncoder().encode('{"id":1}')), null);
  assert.equal(detect(new Uint8Array(0)), null);
  assert.equal(detect(new Uint8Array([0x1f])), null);
  assert.equal(detect(new Uint8Array([0x1f, 0x8b, 0x07, 0x00])), null); // gzip, CM != 8
  assert.equal(detect(compressSync(text, Algorithm.Brotli)), null);
  assert.equal(detect(compressSync(text, Algorithm.SnappyRaw)), null);
});

Deno.test("registerFormat: registered formats win, can be removed, and are left as is", async () => {
  const magic = new Uint8Array([0x41, 0x56, 0x58, 0x43]); // "AVXC"
  const unregister = registerFormat({
    name: "avx-columnar",
    test: (b) => b.length >= 4 && magic.every((v, i) => b[i] === v),
  });
  try {
    const bytes = concat([magic, text]);
    assert.deepEqual(detect(bytes), { name: "avx-columnar", algorithm: null, certain: true });
    assert.equal(await decompressAuto(bytes), bytes);
  } finally {
    unregister();
  }
  assert.equal(detect(concat([magic, text])), null);
  assert.throws(() => registerFormat({ name: 1 } as never), TypeError);
});

Deno.test("decompressAuto: compressed data is decoded, anything else is returned unchanged", async () => {
  for (
    const a of [Algorithm.Lz4, Algorithm.Zstd, Algorithm.Gzip, Algorithm.Snappy, Algorithm.Deflate]
  ) {
    const packed = compressSync(text, a);
    assert.deepEqual(await decompressAuto(packed), text, a);
    assert.deepEqual(decompressAutoSync(packed), text, a);
  }
  assert.equal(await decompressAuto(text), text);
  // Text that happens to start like a zlib header ("x^") is a weak match: returned unchanged.
  const lookalike = new TextEncoder().encode("x^2 + y^2 = r^2");
  assert.equal(detect(lookalike)?.name, "zlib");
  assert.equal(await decompressAuto(lookalike), lookalike);
  // A certain magic with a broken body is an error, not a pass-through.
  const broken = compressSync(text, Algorithm.Zstd).subarray(0, 12);
  await assert.rejects(decompressAuto(broken), (e) => e instanceof CompressError);
  // Limits apply.
  const bomb = compressSync(new Uint8Array(1 << 20), Algorithm.Gzip);
  await assert.rejects(
    decompressAuto(bomb, { maxOutputSize: 1000 }),
    (e) => e instanceof CompressError && e.code === "limit",
  );
});
