/**
 * Quick Snappy comparison (not part of `deno task bench`): our pure-TypeScript raw codec vs
 * snappyjs (pure JS) and the native `snappy` package on the five corpora of bench/compress.ts,
 * both ways, plus 64 KiB / 8 KiB JSON, random data and CRC-32C. Cases of one input run
 * interleaved, several rounds, and each keeps its best round: a busy machine slows every case
 * alike, and the best round is the one least disturbed. Ratios ours/peer are what to compare
 * between runs.
 *
 *   deno run -A bench/_snappy_quick.ts [--rounds=N] [--ms=N] [input name filter]
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
import { corpora, jsonRows } from "./_corpus.ts";
import { bestRates as bestOf } from "./_best_rates.ts";
import { rng } from "../compress/_test_rng.ts";

const arg = (name: string, dflt: number) =>
  Number(Deno.args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? dflt);
const ROUNDS = arg("rounds", 7);
const MS = arg("ms", 25);
const filter = Deno.args.find((a) => !a.startsWith("--"));

/** Best MB/s of each function over interleaved rounds. */
function bestRates(bytes: number, fns: (() => unknown)[]): number[] {
  return bestOf(bytes, fns, ROUNDS, MS);
}

function random(n: number): Uint8Array {
  const r = rng(9);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

const inputs = [
  ...corpora(),
  { name: "JSON 64 KiB", data: jsonRows(65536) },
  { name: "JSON 8 KiB", data: jsonRows(8192) },
  { name: "random 1 MiB", data: random(1 << 20) },
];
const f = (x: number) => x.toFixed(0).padStart(5);
const r = (a: number, b: number) => (a / b).toFixed(2).padStart(5);
for (const { name, data } of inputs) {
  if (filter && !name.includes(filter)) continue;
  const raw = compressRaw(data);
  const framed = compressFramed(data);
  const js = new Uint8Array(SnappyJS.compress(data));
  const native = snappy.compressSync(data as never);
  if (!eq(decompressRaw(raw), data) || !eq(decompressFramed(framed), data)) {
    throw new Error(`round trip failed on ${name}`);
  }
  const c = bestRates(data.length, [
    () => compressRaw(data),
    () => compressFramed(data),
    () => SnappyJS.compress(data),
    () => snappy.compressSync(data as never),
  ]);
  const d = bestRates(data.length, [
    () => decompressRaw(raw),
    () => decompressFramed(framed),
    () => SnappyJS.uncompress(js),
    () => snappy.uncompressSync(native as never),
  ]);
  console.log(
    `${name.padEnd(17)} C raw ${f(c[0])} framed ${f(c[1])} snappyjs ${f(c[2])} native ${f(c[3])}` +
      ` | raw/js ${r(c[0], c[2])} raw/native ${r(c[0], c[3])}`,
  );
  console.log(
    `${"".padEnd(17)} D raw ${f(d[0])} framed ${f(d[1])} snappyjs ${f(d[2])} native ${f(d[3])}` +
      ` | raw/js ${r(d[0], d[2])} raw/native ${
        r(d[0], d[3])
      }  size ${raw.length} vs js ${js.length}` +
      ` native ${native.length}`,
  );
}
if (!filter) {
  const big = random(1 << 20);
  console.log(`crc32c 1 MiB: ${f(bestRates(big.length, [() => crc32c(big)])[0])} MB/s`);
}
