/**
 * Quick LZ4 comparison (not part of `deno task bench`): our pure-TypeScript codec vs lz4js
 * (pure JS) and lz4-napi (native) on the corpora of bench/compress.ts, both ways, plus the
 * 1 KiB payload and xxHash32. Cases of one corpus run interleaved, several rounds, and each
 * keeps its best round: a busy machine slows every case alike, and the best round is the one
 * least disturbed. Ratios ours/peer are what to compare between runs.
 *
 *   deno run -A bench/_lz4_quick.ts [--rounds=N] [--ms=N] [corpus name filter]
 *
 * @module
 */
import lz4js from "lz4js";
import * as lz4napi from "lz4-napi";
import { compressFrame, decompressFrame } from "../compress/lz4/mod.ts";
import { decompressBlock } from "../compress/lz4/block_decode.ts";
import { compressBlock } from "../compress/lz4/block_encode.ts";
import { xxhash32 } from "../compress/checksum/mod.ts";
import { corpora, jsonRows } from "./_corpus.ts";
import { bestRates as bestOf } from "./_best_rates.ts";

const arg = (name: string, dflt: number) =>
  Number(Deno.args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? dflt);
const ROUNDS = arg("rounds", 7);
const MS = arg("ms", 25);
const filter = Deno.args.find((a) => !a.startsWith("--"));

type Case = [label: string, fn: () => unknown];
/** Our frame without content checksum: like-for-like with lz4js and lz4-napi (none either). */
const NC = { contentChecksum: false };

/** Best MB/s of each case over interleaved rounds. */
function bestRates(bytes: number, cases: Case[]): number[] {
  return bestOf(bytes, cases.map(([, fn]) => fn), ROUNDS, MS);
}

const u8 = (b: ArrayLike<number>) => (b instanceof Uint8Array ? b : Uint8Array.from(b));
const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

for (const { name, data } of corpora()) {
  if (filter && !name.includes(filter)) continue;
  const ours = compressFrame(data);
  const oursNc = compressFrame(data, NC);
  const oursBlock = compressBlock(data);
  const js = u8(lz4js.compress(data));
  const napi = lz4napi.compressFrameSync(data as never);
  const napiBlock = lz4napi.compressSync(data as never);
  if (!eq(decompressFrame(ours), data) || !eq(decompressBlock(oursBlock, data.length), data)) {
    throw new Error(`round trip failed on ${name}`);
  }
  const c = bestRates(data.length, [
    ["frame", () => compressFrame(data)],
    ["block", () => compressBlock(data)],
    ["lz4js", () => lz4js.compress(data)],
    ["napi frame", () => lz4napi.compressFrameSync(data as never)],
    ["napi block", () => lz4napi.compressSync(data as never)],
    ["frame nc", () => compressFrame(data, NC)],
  ]);
  const d = bestRates(data.length, [
    ["frame", () => decompressFrame(ours)],
    ["block", () => decompressBlock(oursBlock, data.length)],
    ["lz4js", () => lz4js.decompress(js)],
    ["napi frame", () => lz4napi.decompressFrameSync(napi as never)],
    ["napi block", () => lz4napi.uncompressSync(napiBlock as never)],
    ["frame nc", () => decompressFrame(oursNc)],
  ]);
  const f = (x: number) => x.toFixed(0).padStart(5);
  const r = (a: number, b: number) => (a / b).toFixed(2).padStart(5);
  console.log(
    `${name.padEnd(17)} C frame ${f(c[0])} block ${f(c[1])} lz4js ${f(c[2])} napiF ${f(c[3])} ` +
      `napiB ${f(c[4])} | ours/lz4js ${r(c[0], c[2])} ours/napiF ${r(c[0], c[3])} ` +
      `blk/napiB ${r(c[1], c[4])} | no checksum ${f(c[5])}: /lz4js ${r(c[5], c[2])} ` +
      `/napiF ${r(c[5], c[3])}`,
  );
  console.log(
    `${"".padEnd(17)} D frame ${f(d[0])} block ${f(d[1])} lz4js ${f(d[2])} napiF ${f(d[3])} ` +
      `napiB ${f(d[4])} | ours/lz4js ${r(d[0], d[2])} ours/napiF ${r(d[0], d[3])} ` +
      `blk/napiB ${r(d[1], d[4])} | no checksum ${f(d[5])}: /lz4js ${r(d[5], d[2])} ` +
      `/napiF ${r(d[5], d[3])}  size ${ours.length} vs napi ${napi.length}`,
  );
}

if (!filter || filter === "1K") {
  const small = jsonRows(1024);
  const smallBuf = lz4napi.compressFrameSync(small as never);
  const us = bestRates(1, [
    ["frame", () => compressFrame(small)],
    ["block", () => compressBlock(small)],
    ["lz4js", () => lz4js.compress(small)],
    ["napi", () => lz4napi.compressFrameSync(small as never)],
    ["d frame", () => decompressFrame(compressFrame(small))],
    ["d napi", () => lz4napi.decompressFrameSync(smallBuf as never)],
    ["frame nc", () => compressFrame(small, NC)],
  ]).map((rate) => (1 / rate).toFixed(2));
  console.log(
    `1 KiB µs: frame ${us[0]} frame no checksum ${us[6]} block ${us[1]} lz4js ${us[2]} napi ${
      us[3]
    } | ` +
      `compress+decompress frame ${us[4]}, napi decompress ${us[5]}`,
  );
  const big = corpora()[0].data;
  console.log(
    `xxhash32 MB/s: ${bestRates(big.length, [["xxh", () => xxhash32(big)]])[0].toFixed(0)}`,
  );
}
