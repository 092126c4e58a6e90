/**
 * Deterministic inputs and helpers shared by the Snappy tests (not published).
 *
 * @module
 */

import { rng as seeded } from "../_test_rng.ts";

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export { seeded };

/** `n` uniformly random bytes. */
export function randomBytes(n: number, rand: () => number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 256) | 0;
  return out;
}

const WORDS = (
  "the quick brown fox jumps over lazy dog snappy frame chunk stream edge region " +
  "request response header body cache latency compress decode encode checksum"
).split(" ");

/** English-like text of exactly `n` bytes. */
export function text(n: number, rand: () => number): Uint8Array {
  const parts: string[] = [];
  let size = 0;
  while (size < n) {
    const w = WORDS[(rand() * WORDS.length) | 0] + (rand() < 0.1 ? ".\n" : " ");
    parts.push(w);
    size += w.length;
  }
  return new TextEncoder().encode(parts.join("")).subarray(0, n);
}

/** JSON rows (an API response body) of exactly `n` bytes. */
export function jsonRows(n: number, rand: () => number): Uint8Array {
  const rows: string[] = [];
  let size = 0;
  for (let i = 0; size < n; i++) {
    const row = JSON.stringify({
      id: i,
      user: `user_${(rand() * 1000) | 0}`,
      region: ["eu-west-1", "us-east-1", "ap-south-1"][i % 3],
      score: Math.round(rand() * 1e6) / 100,
      active: rand() < 0.8,
      ts: new Date(1_700_000_000_000 + i * 997).toISOString(),
    });
    rows.push(row);
    size += row.length + 1;
  }
  return new TextEncoder().encode(`[${rows.join(",")}]`).subarray(0, n);
}

/** Bytes repeating a short pattern: long overlapping copies. */
export function repetitive(n: number, period: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i % period) * 37 + 1;
  return out;
}

/** Mostly random with repeated runs copied from far back (offsets up to the 64 KiB window). */
export function mixed(n: number, rand: () => number): Uint8Array {
  const out = randomBytes(n, rand);
  for (let i = 0; i < n;) {
    const len = 4 + ((rand() * 200) | 0);
    const back = 1 + ((rand() * 70000) | 0);
    if (rand() < 0.5 && back <= i) {
      for (let k = 0; k < len && i < n; k++, i++) out[i] = out[i - back];
    } else {
      i += len;
    }
  }
  return out;
}

/** Index of the first differing byte, or -1 when `a` and `b` are equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Concatenates buffers (the library's own `concatChunks`). */
export { concatChunks as concat } from "../concat.ts";

/** CRC-32C bit by bit from the definition (independent of the table-driven implementation). */
export function crc32cBitwise(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) {
    crc ^= data[i];
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Named inputs covering the shapes the codec must handle. */
export function shapes(seed: number): [string, Uint8Array][] {
  const rand = seeded(seed);
  const out: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["1 byte", new Uint8Array([0x42])],
  ];
  for (const n of [2, 3, 4, 5, 14, 15, 16, 17, 60, 61, 62, 255, 256, 257]) {
    out.push([`random ${n}`, randomBytes(n, rand)]);
    out.push([`zeros ${n}`, new Uint8Array(n)]);
  }
  for (const n of [65535, 65536, 65537, 131072, 131073]) {
    out.push([`random ${n}`, randomBytes(n, rand)]);
    out.push([`text ${n}`, text(n, rand)]);
    out.push([`json ${n}`, jsonRows(n, rand)]);
    out.push([`mixed ${n}`, mixed(n, rand)]);
  }
  for (const period of [1, 2, 3, 7, 64, 1000]) {
    out.push([`period ${period}`, repetitive(200_000 + period, period)]);
  }
  out.push(["json 3 MiB + 17", jsonRows(3 * 1024 * 1024 + 17, rand)]);
  out.push(["random 2 MiB", randomBytes(2 * 1024 * 1024, rand)]);
  out.push(["zeros 5 MiB", new Uint8Array(5 * 1024 * 1024)]);
  return out;
}
