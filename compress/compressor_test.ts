import assert from "node:assert/strict";
import { Compressor } from "./compressor.ts";
import { compressSync } from "./compress.ts";
import { CompressError } from "./errors.ts";
import { Algorithm, Level } from "./types.ts";

const data = new TextEncoder().encode(JSON.stringify(
  Array.from({ length: 500 }, (_, i) => ({ id: i, sensor: `s-${i % 7}`, value: i * 0.25 })),
));

Deno.test("Compressor: builder settings map to native levels and reach the codec", async () => {
  const z = Compressor.new(Algorithm.Zstd).level(Level.Max).maxOutputSize(1 << 20).build();
  assert.equal(z.algorithm, "zstd");
  assert.equal(z.nativeLevel, 19);
  assert.equal(z.maxOutputSize, 1 << 20);
  assert.deepEqual(await z.compress(data), compressSync(data, Algorithm.Zstd, { level: 19 }));
  assert.deepEqual(await z.decompress(await z.compress(data)), data);
  assert.deepEqual(z.decompressSync(z.compressSync(data)), data);
  assert.equal(Compressor.new(Algorithm.Lz4).level(Level.Fast).build().nativeLevel, -3);
  assert.equal(Compressor.new(Algorithm.Lz4).build().nativeLevel, 1);
  assert.equal(Compressor.new(Algorithm.Brotli).build().nativeLevel, 5);
  assert.equal(Compressor.new(Algorithm.Gzip).level(Level.Max).build().nativeLevel, 9);
  const block = Compressor.new(Algorithm.Lz4Block).build();
  assert.deepEqual(
    await block.decompress(await block.compress(data), { decompressedSize: data.length }),
    data,
  );
});

Deno.test("Compressor: its limit applies to every decode path", async () => {
  const g = Compressor.new(Algorithm.Gzip).maxOutputSize(1000).build();
  const packed = g.compressSync(data);
  const isLimit = (e: unknown) => e instanceof CompressError && e.code === "limit";
  await assert.rejects(g.decompress(packed), isLimit);
  assert.throws(() => g.decompressSync(packed), isLimit);
  assert.throws(() => g.decoder().write(packed), isLimit);
});

Deno.test("Compressor: bad settings are CompressErrors at build time", () => {
  assert.throws(
    () => Compressor.new(Algorithm.Zstd).level(40).build(),
    (e) => e instanceof CompressError && e.code === "unsupported",
  );
  assert.throws(() => Compressor.new("xz" as never), CompressError);
  assert.throws(() => Compressor.new(Algorithm.Zstd).maxOutputSize(-5), CompressError);
});
