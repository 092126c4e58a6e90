import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { zstdCompressSync } from "node:zlib";
import {
  compress,
  compressSync,
  decompress,
  decompressSync,
  supportedAlgorithms,
} from "./compress.ts";
import { CompressError } from "./errors.ts";
import { Compressor } from "./compressor.ts";
import { decompressAuto, decompressAutoSync, registerFormat } from "./detect.ts";
import { decompressFrame } from "./lz4/mod.ts";
import { decompressBlock } from "./lz4/block_decode.ts";
import { concat, Rng, runTool, sampleData } from "./platform/_test_tools.ts";
import { Algorithm, Level } from "./types.ts";

const ALL = Object.values(Algorithm);
const rng = new Rng(42);
const data = sampleData(rng, 150_000);

function decodeOpts(a: Algorithm, size: number) {
  return a === Algorithm.Lz4Block ? { decompressedSize: size } : {};
}

async function rejectsWith(p: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    assert.ok(e instanceof CompressError, `expected CompressError, got ${e}`);
    assert.equal(e.code, code, e.message);
    return;
  }
  assert.fail(`expected CompressError("${code}")`);
}

Deno.test("supportedAlgorithms: every algorithm runs in Deno", () => {
  assert.deepEqual(supportedAlgorithms().sort(), [...ALL].sort());
});

Deno.test("round trip for every algorithm and level, sync and async give equal bytes", async () => {
  for (const a of ALL) {
    for (const level of [Level.Fast, Level.Balanced, Level.Max, undefined]) {
      const packedSync = compressSync(data, a, { level });
      const packedAsync = await compress(data, a, { level });
      assert.deepEqual(packedAsync, packedSync, `${a}/${level}: async == sync`);
      assert.ok(packedSync.length < data.length, `${a}/${level} compresses`);
      assert.deepEqual(decompressSync(packedSync, a, decodeOpts(a, data.length)), data);
      assert.deepEqual(await decompress(packedSync, a, decodeOpts(a, data.length)), data);
    }
    const empty = compressSync(new Uint8Array(0), a);
    assert.equal((await decompress(empty, a, decodeOpts(a, 0))).length, 0, `${a} empty`);
  }
});

Deno.test("levels: Max compresses at least as well as Fast; numeric levels are range-checked", async () => {
  for (const a of [Algorithm.Lz4, Algorithm.Zstd, Algorithm.Brotli, Algorithm.Gzip]) {
    const fast = compressSync(data, a, { level: Level.Fast }).length;
    const max = compressSync(data, a, { level: Level.Max }).length;
    assert.ok(max <= fast, `${a}: max ${max} <= fast ${fast}`);
  }
  const zstd7 = compressSync(data, Algorithm.Zstd, { level: 7 });
  assert.deepEqual(decompressSync(zstd7, Algorithm.Zstd), data);
  for (
    const [a, bad] of [
      [Algorithm.Zstd, 23],
      [Algorithm.Brotli, 12],
      [Algorithm.Gzip, 10],
      [Algorithm.Lz4, 13],
      [Algorithm.Zstd, 1.5],
    ] as const
  ) {
    await rejectsWith(compress(data, a, { level: bad }), "unsupported");
    await rejectsWith(() => compressSync(data, a, { level: bad }), "unsupported");
  }
  // Snappy has no levels: any level is accepted and gives the same bytes.
  assert.deepEqual(
    compressSync(data, Algorithm.Snappy, { level: Level.Max }),
    compressSync(data, Algorithm.Snappy, { level: Level.Fast }),
  );
});

Deno.test("large inputs (sliced async path) round trip and equal the sync bytes", async () => {
  const big = concat([data, data, data, data, data, data, data, data]); // 1.2 MB
  for (const a of [Algorithm.Zstd, Algorithm.Gzip, Algorithm.Brotli, Algorithm.DeflateRaw]) {
    const s = compressSync(big, a, { level: Level.Fast });
    assert.deepEqual(await compress(big, a, { level: Level.Fast }), s, a);
    assert.deepEqual(await decompress(s, a), big, a);
  }
});

Deno.test("bad arguments: unknown algorithm, non-bytes input, lz4-block without a size", async () => {
  // deno-lint-ignore no-explicit-any
  await rejectsWith(compress(data, "lzma" as any), "unsupported");
  // deno-lint-ignore no-explicit-any
  await rejectsWith(decompress("text" as any, Algorithm.Zstd), "unsupported");
  const block = compressSync(data, Algorithm.Lz4Block);
  await rejectsWith(decompress(block, Algorithm.Lz4Block), "unsupported");
  // A size that is too small is corrupt, not an overflow.
  await rejectsWith(
    decompress(block, Algorithm.Lz4Block, { decompressedSize: 100 }),
    "corrupt",
  );
  await rejectsWith(decompress(data, Algorithm.Zstd, { maxOutputSize: -1 }), "unsupported");
});

Deno.test("bombs: 100 MiB of zeros stops at maxOutputSize = 1 MiB for every algorithm", async () => {
  const zeros = new Uint8Array(100 * 1024 * 1024);
  for (const a of ALL) {
    const level = a === Algorithm.Brotli ? 5 : Level.Fast;
    const bomb = a === Algorithm.Zstd ? zstdCompressSync(zeros) : compressSync(zeros, a, { level });
    // Snappy's format caps the ratio near 21:1; the others shrink zeros far more.
    assert.ok(bomb.length < zeros.length / 16, `${a} bomb is small: ${bomb.length}`);
    const opts = { maxOutputSize: 1 << 20, ...decodeOpts(a, zeros.length) };
    await rejectsWith(decompress(bomb, a, opts), "limit");
    await rejectsWith(() => decompressSync(bomb, a, opts), "limit");
  }
});

Deno.test("corrupt platform inputs are CompressError(corrupt), never a zlib error", async () => {
  const text = new TextEncoder().encode("definitely not compressed data, just text");
  for (const a of [Algorithm.Zstd, Algorithm.Brotli, Algorithm.Gzip, Algorithm.Deflate]) {
    await rejectsWith(decompress(text, a), "corrupt");
  }
  await rejectsWith(decompress(new Uint8Array(0), Algorithm.Gzip), "corrupt");
  await rejectsWith(decompress(new Uint8Array(0), Algorithm.Zstd), "corrupt");
  const gz = compressSync(data, Algorithm.Gzip).slice();
  gz[gz.length - 6] ^= 0x55; // CRC32 field (RFC 1952 §2.3.1)
  await rejectsWith(decompress(gz, Algorithm.Gzip), "checksum");
  for (const a of [Algorithm.Zstd, Algorithm.Brotli, Algorithm.Gzip, Algorithm.DeflateRaw]) {
    const p = compressSync(data, a);
    await rejectsWith(decompress(p.subarray(0, p.length >> 1), a), "corrupt");
  }
});

Deno.test("interop: LZ4 through the API against the lz4 tool, both ways", async () => {
  for (const level of [Level.Fast, Level.Balanced, Level.Max]) {
    const ours = await compress(data, Algorithm.Lz4, { level });
    assert.deepEqual(await runTool("lz4", ["-d", "-c"], ours), data, `lz4 -d reads ${level}`);
  }
  for (
    const args of [["-1"], ["-9"], ["--fast=5"], ["-BD", "--content-size"], [
      "-B4",
      "--no-frame-crc",
    ]]
  ) {
    const theirs = await runTool("lz4", [...args, "-c"], data);
    assert.deepEqual(await decompress(theirs, Algorithm.Lz4), data, `ours reads lz4 ${args}`);
  }
});

Deno.test("interop: zstd, gzip and brotli through the API against their tools", async () => {
  const cases: [Algorithm, string, string[], string[]][] = [
    [Algorithm.Zstd, "zstd", ["-c", "-q", "-19"], ["-d", "-c", "-q"]],
    [Algorithm.Gzip, "gzip", ["-c", "-9"], ["-d", "-c"]],
    [Algorithm.Brotli, "brotli", ["-c", "-q", "4"], ["-d", "-c"]],
  ];
  for (const [a, tool, cArgs, dArgs] of cases) {
    const theirs = await runTool(tool, cArgs, data);
    assert.deepEqual(await decompress(theirs, a), data, `ours reads ${tool}`);
    for (const level of [Level.Fast, Level.Max]) {
      const ours = await compress(data, a, { level });
      assert.deepEqual(await runTool(tool, dArgs, ours), data, `${tool} reads ours (${level})`);
    }
  }
});

Deno.test("platform codecs: results are exact-size, never views on a larger buffer", async () => {
  // 16-64 KiB results were views on the 64 KiB output buffer (20,000 of them pinned 1,250 MiB
  // for 343 MiB of data).
  const noise = new Uint8Array(40_000);
  const r = new Rng(7);
  for (let i = 0; i < noise.length; i++) noise[i] = r.next() * 256;
  const platform = [
    Algorithm.Zstd,
    Algorithm.Brotli,
    Algorithm.Gzip,
    Algorithm.Deflate,
    Algorithm.DeflateRaw,
  ];
  for (const a of platform) {
    for (const input of [noise, concat([noise, noise.subarray(0, 10_000)])]) {
      for (const packed of [compressSync(input, a), await compress(input, a)]) {
        assert.equal(packed.buffer.byteLength, packed.byteLength, `${a} compress`);
        for (const back of [decompressSync(packed, a), await decompress(packed, a)]) {
          assert.equal(back.buffer.byteLength, back.byteLength, `${a} decompress`);
          assert.equal(back.length, input.length);
        }
      }
    }
  }
});

/** Byte equality in native code (assert.deepEqual walks 32 MiB element by element). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(
    Buffer.from(b.buffer, b.byteOffset, b.length),
  );
}

/**
 * Whether the event loop turned while `work` ran: a timer chain counts the turns. A call that
 * finished within a few yield intervals (a fast machine, a warm codec) owes no turn, so such a
 * call counts as turning. A call is tried up to three times: on a loaded machine the thread can
 * be descheduled in the tail after the last yield (the final copy), which stretches the wall time
 * with no work to yield for; a call that never yields fails every try.
 */
async function ticksDuring(work: () => Promise<unknown>): Promise<number> {
  for (let attempt = 0; attempt < 3; attempt++) {
    let ticks = 0;
    let running = true;
    const tick = () => {
      if (!running) return;
      ticks++;
      setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const started = performance.now();
    try {
      await work();
    } finally {
      running = false;
    }
    if (ticks > 0 || performance.now() - started < 12) return Math.max(ticks, 1);
  }
  return 0;
}

Deno.test("async LZ4/Snappy/Auto on 16 MiB let other work run (the event loop turns)", async () => {
  const line = new TextEncoder().encode(
    "2024-05-01T12:00:00Z GET /api/v1/items?id=12345 200 17ms\n",
  );
  const big = new Uint8Array(16 << 20); // 32 MiB stalled 25-67 ms; 16 MiB keeps the test quick
  for (let o = 0; o < big.length; o += line.length) big.set(line.subarray(0, big.length - o), o);
  for (let i = 0; i < big.length; i += 4099) big[i] = i & 0xff; // not one repeated line
  for (const a of [Algorithm.Lz4, Algorithm.Snappy]) {
    let packed: Uint8Array = new Uint8Array(0);
    const up = await ticksDuring(async () => packed = await compress(big, a));
    assert.ok(up > 0, `${a} compress: no timer ran during the call`);
    assert.ok(sameBytes(packed, compressSync(big, a)), `${a}: same bytes as compressSync`);
    let back: Uint8Array = new Uint8Array(0);
    const down = await ticksDuring(async () => back = await decompress(packed, a));
    assert.ok(down > 0, `${a} decompress: no timer ran during the call`);
    assert.ok(sameBytes(back, big), `${a} round trip`);
    const auto = await ticksDuring(() => decompress(packed, Algorithm.Auto));
    assert.ok(auto > 0, `${a} through Auto: no timer ran during the call`);
  }
  // Auto compression choosing LZ4 ("fast") or zstd (balanced) for text.
  for (const speedBudget of ["fast", "balanced"] as const) {
    let packed: Uint8Array = new Uint8Array(0);
    const up = await ticksDuring(async () =>
      packed = await compress(big, Algorithm.Auto, { speedBudget })
    );
    assert.ok(up > 0, `auto ${speedBudget} compress: no timer ran during the call`);
    const sync = compressSync(big, Algorithm.Auto, { speedBudget });
    assert.ok(sameBytes(packed, sync), `auto ${speedBudget}: same bytes as compressSync`);
  }
});

Deno.test("API: ArrayBuffer, DataView and other views are accepted wherever bytes are", async () => {
  const text = new TextEncoder().encode("bytes in any BufferSource ".repeat(50));
  const f64 = new Float64Array(text.buffer.slice(0, 1296));
  for (const a of [Algorithm.Lz4, Algorithm.Snappy, Algorithm.Zstd, Algorithm.Gzip]) {
    const packed = compressSync(text, a);
    for (const input of [text.buffer, new DataView(text.buffer), f64]) {
      const want = input === f64 ? text.subarray(0, 1296) : text;
      assert.deepEqual(decompressSync(compressSync(input, a), a), want, `${a} sync`);
      assert.deepEqual(await decompress(await compress(input, a), a), want, `${a} async`);
    }
    assert.deepEqual(
      decompressSync(packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.length), a),
      text,
    );
    assert.deepEqual(
      await decompress(new DataView(packed.buffer, packed.byteOffset, packed.length), a),
      text,
    );
    // Streams take BufferSource chunks, as CompressionStream does.
    const c = Compressor.new(a).build();
    const chunks = [
      text.buffer.slice(0, 100),
      new DataView(text.buffer, 100, 200),
      text.subarray(300),
    ];
    const encoded = ReadableStream.from(chunks).pipeThrough(
      c.transform() as TransformStream<BufferSource, Uint8Array>,
    );
    const bytesBack = new Uint8Array(
      await new Response(encoded.pipeThrough(c.decompressTransform())).arrayBuffer(),
    );
    assert.deepEqual(bytesBack, text, `${a} streams`);
    assert.deepEqual(await c.decompress(await c.compress(text.buffer)), text);
  }
  assert.throws(() => compressSync("text" as never, Algorithm.Lz4), isUnsupported);
});

const isUnsupported = (e: unknown) => e instanceof CompressError && e.code === "unsupported";

Deno.test("API: bad options are one error (CompressError unsupported) everywhere", async () => {
  const packed = compressSync(data, Algorithm.Lz4);
  const bad: [string, () => unknown][] = [
    ["maxOutputSize -1", () => decompressSync(packed, Algorithm.Lz4, { maxOutputSize: -1 })],
    ["maxOutputSize NaN", () => decompressSync(packed, Algorithm.Zstd, { maxOutputSize: NaN })],
    ["lz4 frame maxOutputSize", () => decompressFrame(packed, { maxOutputSize: -5 })],
    ["lz4 block size", () => decompressBlock(new Uint8Array([0]), -1)],
    ["lz4 dictionary type", () => decompressFrame(packed, { dictionary: "x" as never })],
    ["level", () => compressSync(data, Algorithm.Zstd, { level: 99 })],
    ["algorithm", () => compressSync(data, "lzma" as never)],
    ["builder maxOutputSize", () => Compressor.new(Algorithm.Gzip).maxOutputSize(-1)],
    ["registerFormat", () => registerFormat({ name: 1 } as never)],
  ];
  for (const [name, f] of bad) assert.throws(f, isUnsupported, name);
  await assert.rejects(
    () => decompress(packed, Algorithm.Lz4, { maxOutputSize: -1 }),
    isUnsupported,
  );
});

Deno.test("API: decompress(x, Auto) is decompressAuto(x) for every detectable format and plain bytes", async () => {
  const text = new TextEncoder().encode("the same answer both ways ".repeat(30));
  const inputs = [
    text,
    compressSync(text, Algorithm.Gzip),
    compressSync(text, Algorithm.Lz4),
    compressSync(text, Algorithm.Snappy),
    compressSync(text, Algorithm.Zstd),
    compressSync(text, Algorithm.Deflate),
    compressSync(text, Algorithm.Auto),
    await runTool("gzip", ["-c"], text),
    await runTool("zstd", ["-c", "-q"], text),
  ];
  for (const x of inputs) {
    assert.deepEqual(await decompress(x, Algorithm.Auto), await decompressAuto(x));
    assert.deepEqual(decompressSync(x, Algorithm.Auto), decompressAutoSync(x));
    assert.deepEqual(decompressSync(x, Algorithm.Auto), text);
  }
});
