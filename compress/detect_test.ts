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
  assert.throws(() => registerFormat({ name: 1 } as never), CompressError);
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

Deno.test("detect: legacy LZ4 (lz4 -l) is detected and decompressAuto decodes it", async () => {
  // An 8 MiB legacy block and a bit: the block boundary of the legacy format is crossed.
  const big = new Uint8Array((8 << 20) + 1000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 27;
  for (const data of [text, new Uint8Array(0), big]) {
    const legacy = await runTool("lz4", ["-l", "-c"], data);
    const found = detect(legacy);
    assert.equal(found?.name, "lz4-legacy");
    assert.equal(found?.algorithm, Algorithm.Lz4);
    assert.deepEqual(await decompressAuto(legacy), data);
    assert.deepEqual(decompressAutoSync(legacy), data);
  }
  // Two legacy frames back to back, then a modern one: the lz4 tool reads them in order.
  const a = await runTool("lz4", ["-l", "-c"], text);
  const b = await runTool("lz4", ["-c"], text);
  assert.deepEqual(decompressAutoSync(concat([a, a, b])), concat([text, text, text]));
  // A legacy block cut short, and one over the limit, are typed errors.
  assert.throws(() => decompressAutoSync(a.subarray(0, a.length - 1)), isCorrupt);
  assert.throws(
    () => decompressAutoSync(a, { maxOutputSize: 100 }),
    (e: unknown) => e instanceof CompressError && e.code === "limit",
  );
});

const isCorrupt = (e: unknown) => e instanceof CompressError && e.code === "corrupt";

Deno.test("gzip: trailing zero padding (which gzip -d accepts) is ignored; other bytes are not", async () => {
  const gz = await runTool("gzip", ["-c"], text);
  const padded = concat([gz, new Uint8Array(512)]);
  assert.deepEqual(await runTool("gzip", ["-d", "-c", "-q"], padded), text);
  assert.deepEqual(await decompressAuto(padded), text);
  assert.deepEqual(decompressAutoSync(padded), text);
  // Streaming, with the padding in separate pieces.
  const { Compressor } = await import("./compressor.ts");
  const dec = Compressor.new(Algorithm.Gzip).build().decoder();
  const parts = [
    ...dec.write(gz),
    ...dec.write(new Uint8Array(7)),
    ...dec.write(new Uint8Array(9)),
  ];
  parts.push(...dec.end());
  assert.deepEqual(concat(parts), text);
  // Non-zero bytes after the member (or after the padding) stay an error.
  assert.throws(() => decompressAutoSync(concat([gz, new Uint8Array([0, 0, 7])])), isCorrupt);
  assert.throws(() => decompressAutoSync(concat([gz, Uint8Array.of(1)])), isCorrupt);
});
