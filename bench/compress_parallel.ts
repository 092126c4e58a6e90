/**
 * Block-parallel compression: `compressParallel` on a pool of Web Workers against the same
 * blocks compressed on one thread (`compressBlocksSync`), 64 MiB of JSON rows, 1 MiB blocks.
 * The outputs are asserted identical. Run: `deno run -A bench/compress_parallel.ts`
 * (`SIZE_MIB`, `WORKERS`, `ROUNDS` override the defaults 64, 2, 2).
 */

import { Algorithm, Level } from "../compress/mod.ts";
import { compressBlocksSync } from "../compress/parallel/blocks.ts";
import { compressParallel } from "../compress/parallel/compress_parallel.ts";
import { CompressionPool } from "../compress/parallel/pool.ts";

const SIZE = Number(Deno.env.get("SIZE_MIB") ?? 64) * 1024 * 1024;
const WORKERS = Number(Deno.env.get("WORKERS") ?? 2);
const ROUNDS = Number(Deno.env.get("ROUNDS") ?? 2);
const BLOCK = 1024 * 1024;

function rows(size: number): Uint8Array {
  const enc = new TextEncoder();
  const out = new Uint8Array(size);
  let o = 0;
  for (let i = 0; o < size; i++) {
    const line = enc.encode(
      JSON.stringify({
        id: i,
        ts: 1_700_000_000_000 + i * 250,
        host: `edge-${i % 37}`,
        region: ["eu-west-1", "sa-east-1", "us-east-2"][i % 3],
        latencyMs: (i * 7919) % 1000 / 10,
        status: i % 97 === 0 ? 503 : 200,
      }) + "\n",
    );
    out.set(line.subarray(0, size - o), o);
    o += line.length;
  }
  return out;
}

function best(times: number[]): number {
  return Math.min(...times);
}

const data = rows(SIZE);
using pool = new CompressionPool({ workers: WORKERS });
console.log(
  `input ${SIZE / 1048576} MiB JSON rows, ${BLOCK / 1048576} MiB blocks, ${WORKERS} workers, ` +
    `best of ${ROUNDS}, ${navigator.hardwareConcurrency} logical CPUs`,
);
for (
  const [alg, level] of [
    [Algorithm.Lz4, Level.Balanced],
    [Algorithm.Zstd, Level.Balanced],
    [Algorithm.Gzip, Level.Fast],
  ] as const
) {
  const opts = { level, blockSize: BLOCK };
  await compressParallel(data.subarray(0, 16 * BLOCK), alg, { ...opts, pool }); // start, warm up JIT
  compressBlocksSync(data.subarray(0, 16 * BLOCK), alg, opts);
  const single: number[] = [];
  const parallel: number[] = [];
  let a: Uint8Array = new Uint8Array(0);
  let b: Uint8Array = new Uint8Array(0);
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    a = compressBlocksSync(data, alg, opts);
    single.push(performance.now() - t);
    t = performance.now();
    b = await compressParallel(data, alg, { ...opts, pool });
    parallel.push(performance.now() - t);
  }
  if (a.length !== b.length || !a.every((x, i) => x === b[i])) {
    throw new Error(`${alg}: parallel output differs from the single-threaded output`);
  }
  const s = best(single);
  const p = best(parallel);
  const mbs = (ms: number) => (SIZE / 1e6 / (ms / 1000)).toFixed(0);
  console.log(
    `${alg.padEnd(5)} ratio ${(SIZE / a.length).toFixed(2)}  1 thread ${s.toFixed(0)} ms ` +
      `(${mbs(s)} MB/s)  ${WORKERS} workers ${p.toFixed(0)} ms (${mbs(p)} MB/s)  ` +
      `speedup ${(s / p).toFixed(2)}x  identical`,
  );
}
