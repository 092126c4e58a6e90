import assert from "node:assert/strict";
import { decompressSync } from "../compress.ts";
import { CompressError } from "../errors.ts";
import { decompressFrame } from "../lz4/frame_decode.ts";
import { compressFramed } from "../snappy/framing.ts";
import { Algorithm, Level } from "../types.ts";
import { runTool } from "../platform/_test_tools.ts";
import { compressBlocksSync, CompressionPool, compressParallel } from "./mod.ts";

/** Mixed data: repetitive text, numbers, and an incompressible run (stored LZ4 blocks). */
function sample(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0;
  const text = new TextEncoder().encode('{"sensor":"s-17","unit":"kPa","value":');
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const region = (i >>> 16) % 3;
    out[i] = region === 0 ? text[i % text.length] : region === 1 ? 48 + (x >>> 29) : x >>> 24;
  }
  return out;
}

const isUnsupported = (e: unknown) => e instanceof CompressError && e.code === "unsupported";

Deno.test("compressBlocksSync: every block algorithm yields a standard stream that decodes", () => {
  const data = sample(700_000);
  for (const alg of [Algorithm.Lz4, Algorithm.Zstd, Algorithm.Gzip, Algorithm.Snappy]) {
    for (const blockSize of [65536, 262144]) {
      const packed = compressBlocksSync(data, alg, { blockSize });
      assert.deepEqual(decompressSync(packed, alg), data, `${alg} ${blockSize}`);
    }
  }
  // Empty input is still a valid stream.
  for (const alg of [Algorithm.Lz4, Algorithm.Zstd, Algorithm.Gzip, Algorithm.Snappy]) {
    assert.equal(decompressSync(compressBlocksSync(new Uint8Array(0), alg), alg).length, 0);
  }
});

Deno.test("compressBlocksSync: Snappy equals compressFramed; LZ4 blocks are independent", () => {
  const data = sample(300_000, 7);
  assert.deepEqual(
    compressBlocksSync(data, Algorithm.Snappy, { blockSize: 131072 }),
    compressFramed(data),
  );
  const frame = compressBlocksSync(data, Algorithm.Lz4, { blockSize: 65536, level: Level.Max });
  assert.equal(frame[4] & 0x20, 0x20, "B.Indep set");
  assert.equal(frame[4] & 0x10, 0x10, "block checksums set");
  assert.deepEqual(decompressFrame(frame), data);
  // A flipped byte inside a block is caught by the block checksum.
  const bad = frame.slice();
  bad[200] ^= 0x55;
  assert.throws(() => decompressFrame(bad), (e) => e instanceof CompressError);
});

Deno.test("compressParallel: byte-identical to compressBlocksSync for 1..3 workers and levels", async () => {
  const data = sample(1_300_000, 3);
  const opts = { blockSize: 262144, level: Level.Fast };
  const expected = new Map(
    [Algorithm.Lz4, Algorithm.Zstd, Algorithm.Gzip, Algorithm.Snappy].map((a) => [
      a,
      compressBlocksSync(data, a, opts),
    ]),
  );
  // A pool made for the call (and closed by it), and the single-threaded shortcut.
  assert.deepEqual(
    await compressParallel(data, Algorithm.Lz4, { ...opts, workers: 2 }),
    expected.get(Algorithm.Lz4),
  );
  assert.deepEqual(
    await compressParallel(data, Algorithm.Zstd, { ...opts, workers: 1 }),
    expected.get(Algorithm.Zstd),
  );
  for (const workers of [2, 3]) {
    using pool = new CompressionPool({ workers });
    for (const [alg, want] of expected) {
      assert.deepEqual(
        await compressParallel(data, alg, { ...opts, pool }),
        want,
        `${alg} with ${workers} workers`,
      );
    }
  }
});

Deno.test("compressParallel: the lz4 and zstd tools read the output", async () => {
  const data = sample(900_000, 5);
  using pool = new CompressionPool({ workers: 2 });
  for (const [alg, tool] of [[Algorithm.Lz4, "lz4"], [Algorithm.Zstd, "zstd"]] as const) {
    const packed = await compressParallel(data, alg, { pool, blockSize: 262144 });
    assert.deepEqual(await runTool(tool, ["-d", "-c"], packed), data, `${tool} -d output`);
  }
});

Deno.test("CompressionPool: lazy start, reuse across calls, close rejects, no leaked workers", async () => {
  const pool = new CompressionPool({ workers: 2 });
  try {
    assert.equal(pool.started, 0);
    const a = sample(600_000, 11);
    const b = sample(400_000, 12);
    const [pa, pb] = await Promise.all([
      compressParallel(a, Algorithm.Lz4, { pool, blockSize: 65536 }),
      compressParallel(b, Algorithm.Zstd, { pool, blockSize: 65536, level: 5 }),
    ]);
    assert.equal(pool.started, 2);
    assert.deepEqual(pa, compressBlocksSync(a, Algorithm.Lz4, { blockSize: 65536 }));
    assert.deepEqual(pb, compressBlocksSync(b, Algorithm.Zstd, { blockSize: 65536, level: 5 }));
    // A typed error raised inside a worker comes back typed.
    await assert.rejects(pool.compressBlock("br" as Algorithm, 5, a), isUnsupported);
    // Close while work is queued: everything pending rejects, nothing hangs.
    const pending = compressParallel(sample(2_000_000, 13), Algorithm.Gzip, {
      pool,
      blockSize: 65536,
    });
    pool.close();
    await assert.rejects(pending, isUnsupported);
    await assert.rejects(pool.compressBlock(Algorithm.Lz4, 1, a), isUnsupported);
    assert.equal(pool.closed, true);
  } finally {
    pool.close();
  }
});

Deno.test("compressParallel: bad arguments are typed errors before any work", async () => {
  const data = sample(1000);
  await assert.rejects(compressParallel(data, Algorithm.Brotli), isUnsupported);
  await assert.rejects(compressParallel(data, Algorithm.Lz4Block), isUnsupported);
  await assert.rejects(compressParallel(data, Algorithm.Lz4, { blockSize: 131072 }), isUnsupported);
  await assert.rejects(compressParallel(data, Algorithm.Zstd, { blockSize: 1000 }), isUnsupported);
  await assert.rejects(compressParallel(data, Algorithm.Zstd, { level: 99 }), isUnsupported);
  await assert.rejects(compressParallel("x" as never, Algorithm.Zstd), isUnsupported);
  await assert.rejects(
    compressParallel(sample(300_000), Algorithm.Zstd, { workers: 0, blockSize: 65536 }),
    isUnsupported,
  );
  assert.throws(() => new CompressionPool({ workers: 65 }), isUnsupported);
});
