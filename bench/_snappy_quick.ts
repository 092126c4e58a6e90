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

/**
 * Median MB/s of each named function. Rounds interleave the functions (A B C A B C ...) so that
 * load from other processes on the machine affects all of them alike.
 */
function measureAll(bytes: number, fns: Record<string, () => unknown>, minMs = 25, rounds = 9) {
  const rates: Record<string, number[]> = {};
  for (const fn of Object.values(fns)) for (let i = 0; i < 5; i++) fn(); // warm up
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(fns)) {
      let iters = 0;
      const t0 = performance.now();
      let t1 = t0;
      do {
        fn();
        iters++;
        t1 = performance.now();
      } while (t1 - t0 < minMs);
      (rates[name] ??= []).push((bytes * iters) / ((t1 - t0) / 1000) / 1e6);
    }
  }
  const median: Record<string, number> = {};
  for (const [name, list] of Object.entries(rates)) {
    list.sort((x, y) => x - y);
    median[name] = list[list.length >> 1];
  }
  return median;
}

const inputs: [string, Uint8Array][] = [
  ["json 1 MiB", jsonRows(5600).slice(0, 1 << 20)],
  ["json 64 KiB", jsonRows(400).slice(0, 65536)],
  ["json 8 KiB", jsonRows(60).slice(0, 8192)],
  ["random 1 MiB", random(1 << 20)],
];

const fmt = (x: number) => x.toFixed(0).padStart(6);
const times = (x: number) => `${x.toFixed(2)}x`.padStart(6);
console.log(
  "input        | codec           | ratio | compress MB/s (vs snappyjs) | decompress MB/s (vs snappyjs)",
);
for (const [name, data] of inputs) {
  const raw = compressRaw(data);
  const framed = compressFramed(data);
  const js = new Uint8Array(SnappyJS.compress(data.slice().buffer));
  const native = snappy.compressSync(data);
  const c = measureAll(data.length, {
    "avx raw": () => compressRaw(data),
    "avx framed": () => compressFramed(data),
    "snappyjs": () => SnappyJS.compress(data),
    "snappy (native)": () => snappy.compressSync(data),
  });
  const d = measureAll(data.length, {
    "avx raw": () => decompressRaw(raw),
    "avx framed": () => decompressFramed(framed),
    "snappyjs": () => SnappyJS.uncompress(js),
    "snappy (native)": () => snappy.uncompressSync(native),
  });
  const sizes: Record<string, number> = {
    "avx raw": raw.length,
    "avx framed": framed.length,
    "snappyjs": js.length,
    "snappy (native)": native.length,
  };
  for (const codec of Object.keys(sizes)) {
    console.log(
      `${name.padEnd(12)} | ${codec.padEnd(15)} | ${(sizes[codec] / data.length).toFixed(3)} | ` +
        `${fmt(c[codec])} (${times(c[codec] / c.snappyjs)})          | ` +
        `${fmt(d[codec])} (${times(d[codec] / d.snappyjs)})`,
    );
  }
}
const big = random(1 << 20);
const crc = measureAll(big.length, { crc32c: () => crc32c(big) });
console.log(`crc32c 1 MiB: ${fmt(crc.crc32c)} MB/s`);
