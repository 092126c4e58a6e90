/**
 * Quick local micro-benchmark: pure-TS Snappy (raw and framed) vs `snappyjs` (pure JS) and the
 * native `snappy` package, on JSON rows, text-like and random data. Short by design; run with
 * `deno run -A bench/_snappy_quick.ts`.
 *
 * @module
 */

import SnappyJS from "snappyjs";
import snappy from "snappy";
import {
  compressFramed,
  compressRaw,
  decompressFramed,
  decompressRaw,
} from "../compress/snappy/mod.ts";
import { crc32c } from "../compress/checksum/mod.ts";

function jsonRows(n: number): Uint8Array {
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push({
      id: i,
      user: `user_${i % 977}`,
      email: `user${i % 977}@example.com`,
      region: ["eu-west-1", "us-east-1", "ap-south-1"][i % 3],
      score: Math.round(Math.sin(i) * 10000) / 100,
      active: i % 7 !== 0,
      tags: ["alpha", "beta", "gamma"].slice(0, 1 + (i % 3)),
      ts: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    });
  }
  return new TextEncoder().encode(JSON.stringify(rows));
}

function random(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** Median MB/s of `fn` over `rounds` timed rounds of at least ~`minMs` each. */
function measure(bytes: number, fn: () => unknown, minMs = 60, rounds = 7): number {
  for (let i = 0; i < 5; i++) fn(); // warm up
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let iters = 0;
    const t0 = performance.now();
    let t1 = t0;
    do {
      fn();
      iters++;
      t1 = performance.now();
    } while (t1 - t0 < minMs);
    rates.push((bytes * iters) / ((t1 - t0) / 1000) / 1e6);
  }
  rates.sort((a, b) => a - b);
  return rates[rounds >> 1];
}

const inputs: [string, Uint8Array][] = [
  ["json 1 MiB", jsonRows(5600).subarray(0, 1 << 20)],
  ["json 8 KiB", jsonRows(60).subarray(0, 8192)],
  ["random 1 MiB", random(1 << 20)],
];

const fmt = (x: number) => x.toFixed(0).padStart(7);
console.log(
  "input          | codec            | ratio  | compress MB/s | decompress MB/s",
);
for (const [name, data] of inputs) {
  const ours = compressRaw(data);
  const theirsJs = new Uint8Array(SnappyJS.compress(data.slice().buffer));
  const native = snappy.compressSync(data);
  const framed = compressFramed(data);
  const rows: [string, number, number, number][] = [
    [
      "avx raw",
      ours.length,
      measure(data.length, () => compressRaw(data)),
      measure(data.length, () => decompressRaw(ours)),
    ],
    [
      "avx framed",
      framed.length,
      measure(data.length, () => compressFramed(data)),
      measure(data.length, () => decompressFramed(framed)),
    ],
    [
      "snappyjs",
      theirsJs.length,
      measure(data.length, () => SnappyJS.compress(data)),
      measure(data.length, () => SnappyJS.uncompress(theirsJs)),
    ],
    [
      "snappy (native)",
      native.length,
      measure(data.length, () => snappy.compressSync(data)),
      measure(data.length, () => snappy.uncompressSync(native)),
    ],
  ];
  for (const [codec, size, c, d] of rows) {
    console.log(
      `${name.padEnd(14)} | ${codec.padEnd(16)} | ${(size / data.length).toFixed(3)} | ` +
        `${fmt(c)}       | ${fmt(d)}`,
    );
  }
}
const big = random(1 << 20);
console.log(`crc32c 1 MiB: ${fmt(measure(big.length, () => crc32c(big)))} MB/s`);
