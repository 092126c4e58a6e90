import assert from "node:assert/strict";
import { concatChunks } from "./concat.ts";
import { Compressor } from "./compressor.ts";
import { compressSync } from "./compress.ts";
import { CompressError } from "./errors.ts";
import { Algorithm, Level } from "./types.ts";
import { Dictionary, DictionarySet } from "./dictionary/mod.ts";

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

Deno.test("Compressor.stats: calls, bytes, ratio, time, per algorithm, decode side and errors", async () => {
  const c = Compressor.new(Algorithm.Lz4).build();
  const empty = c.stats();
  assert.deepEqual([empty.calls, empty.bytesIn, empty.bytesOut, empty.ratio], [0, 0, 0, 0]);
  const a = await c.compress(data);
  const b = c.compressSync(data.subarray(0, 1000));
  await c.decompress(a);
  const s = c.stats();
  assert.equal(s.calls, 2);
  assert.equal(s.bytesIn, data.length + 1000);
  assert.equal(s.bytesOut, a.length + b.length);
  assert.equal(s.ratio, s.bytesIn / s.bytesOut);
  assert.ok(s.timeMs >= 0 && Number.isFinite(s.timeMs));
  assert.deepEqual(Object.keys(s.byAlgorithm), ["lz4"]);
  assert.equal(s.byAlgorithm.lz4.bytesOut, s.bytesOut);
  assert.deepEqual([s.decompress.calls, s.decompress.bytesIn, s.decompress.bytesOut], [
    1,
    a.length,
    data.length,
  ]);
  assert.equal(s.errors, 0);
  await assert.rejects(c.decompress(new Uint8Array([1, 2, 3])), CompressError);
  assert.throws(() => c.compressSync("x" as never), CompressError);
  assert.equal(c.stats().errors, 2);
  assert.equal(c.stats().calls, 2, "failures are not counted as calls");
  // Snapshots are copies.
  s.byAlgorithm.lz4.calls = 99;
  assert.equal(c.stats().byAlgorithm.lz4.calls, 2);
});

Deno.test("Compressor.stats: streams count their bytes and once per stream", () => {
  const c = Compressor.new(Algorithm.Zstd).level(Level.Fast).build();
  const enc = c.encoder();
  const parts = [
    ...enc.write(data.subarray(0, 5000)),
    ...enc.flush(),
    ...enc.write(data.subarray(5000)),
  ];
  parts.push(...enc.end());
  const packed = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) packed.set(p, (o += p.length) - p.length);
  const s = c.stats();
  assert.equal(s.calls, 1);
  assert.equal(s.bytesIn, data.length);
  assert.equal(s.bytesOut, packed.length);
  const dec = c.decoder();
  const back = [...dec.write(packed), ...dec.end()];
  assert.equal(back.reduce((n, p) => n + p.length, 0), data.length);
  assert.equal(c.stats().decompress.bytesOut, data.length);
  assert.equal(c.stats().decompress.calls, 1);
});

Deno.test("Compressor.forAvilaDB().autoDetectPattern(): Auto's choices are counted with reasons", async () => {
  const c = Compressor.forAvilaDB().autoDetectPattern().build();
  assert.equal(c.algorithm, Algorithm.Auto);
  const ts = new Float64Array(4096).map((_, i) => 1_700_000_000 + i * 0.5);
  const numbers = new Uint8Array(ts.buffer);
  const noise = crypto.getRandomValues(new Uint8Array(8192));
  for (const input of [data, data, numbers, noise]) {
    const packed = await c.compress(input);
    assert.deepEqual(await c.decompress(packed), input);
  }
  const s = c.stats();
  assert.equal(s.calls, 4);
  assert.equal(s.choices.reduce((n, x) => n + x.count, 0), 4);
  const text = s.choices.find((x) => x.algorithm === Algorithm.Zstd);
  assert.ok(text !== undefined && text.count === 2 && text.level === 3, JSON.stringify(s.choices));
  assert.ok(s.choices.some((x) => x.reason === "stored"), JSON.stringify(s.choices));
  assert.ok(s.lastChoice !== undefined && s.lastChoice.reason.length > 0);
  // Per-algorithm counters follow what Auto actually used.
  assert.equal(s.byAlgorithm.zstd.calls, 2);
  // A speed budget moves text to LZ4.
  const fast = Compressor.forAvilaDB().autoDetectPattern({ speedBudget: "fast" }).build();
  fast.compressSync(data);
  assert.equal(fast.stats().lastChoice?.algorithm, Algorithm.Lz4);
  assert.equal(Compressor.forAvilaDB().build().algorithm, Algorithm.Zstd);
});

Deno.test("Compressor: dictionary settings; bad parallel settings fail at build time", async () => {
  const samples = Array.from(
    { length: 400 },
    (_, i) =>
      new TextEncoder().encode(
        JSON.stringify({ id: i, sensor: `s-${i % 7}`, unit: "kPa", ok: i % 3 > 0 }),
      ),
  );
  const dict = Dictionary.train(samples, { size: 2048 });
  const c = Compressor.new(Algorithm.Lz4).dictionary(dict).build();
  const body = samples[5];
  const packed = await c.compress(body);
  assert.ok(packed.length < compressSync(body, Algorithm.Lz4).length);
  assert.deepEqual(c.decompressSync(packed), body);
  // Streaming with the dictionary: each frame carries the id.
  const enc = c.encoder();
  const frame = [...enc.write(body), ...enc.end()];
  const dec = Compressor.new(Algorithm.Lz4).dictionary(new DictionarySet([dict])).build().decoder();
  assert.deepEqual(concatChunks([...dec.write(concatChunks(frame)), ...dec.end()]), body);
  const isUnsupported = (e: unknown) => e instanceof CompressError && e.code === "unsupported";
  assert.throws(() => Compressor.new(Algorithm.Zstd).dictionary(dict).build(), isUnsupported);
  const decodeOnly = Compressor.new(Algorithm.Lz4).dictionary(new DictionarySet([dict])).build();
  await assert.rejects(decodeOnly.compress(body), isUnsupported);
  assert.deepEqual(await decodeOnly.decompress(packed), body);

  assert.throws(() => Compressor.new(Algorithm.Brotli).parallel().build(), isUnsupported);
  assert.throws(
    () => Compressor.new(Algorithm.Lz4).parallel({ blockSize: 131072 }).build(),
    isUnsupported,
  );
  assert.throws(
    () => Compressor.new(Algorithm.Zstd).parallel({ workers: 0 }).build(),
    isUnsupported,
  );
});
