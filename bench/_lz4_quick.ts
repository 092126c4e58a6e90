/**
 * Quick LZ4 comparison (not part of `deno task bench`): our pure-TypeScript codec vs lz4js
 * (pure JS) and lz4-napi (native), on JSON rows and a 1 KiB payload. Cases run interleaved and
 * the best of 6 rounds is kept, so a busy machine skews all of them alike.
 *
 *   deno run -A bench/_lz4_quick.ts
 */
import lz4js from "lz4js";
import { compressSync, uncompressSync } from "lz4-napi";
import { Buffer } from "node:buffer";
import {
  compressBlock,
  compressFrame,
  decompressBlock,
  decompressFrame,
} from "../compress/lz4/mod.ts";
import { jsonRows } from "../compress/lz4/_test_lz4_tool.ts";

const big = jsonRows(5000);
const small = jsonRows(8).subarray(0, 1024);
const bigFrame = compressFrame(big);
const bigBlock = compressBlock(big);
const bigLz4js = lz4js.compress(big) as Uint8Array;
const bigBuf = Buffer.from(big);
const bigNapi = compressSync(bigBuf);
const smallFrame = compressFrame(small);
const smallBlock = compressBlock(small);
const smallBuf = Buffer.from(small);
const smallNapi = compressSync(smallBuf);

console.log(`JSON rows: ${big.length} bytes`);
console.log(
  `  sizes: ours frame ${bigFrame.length}, ours block ${bigBlock.length}, ` +
    `lz4js ${bigLz4js.length}, lz4-napi ${bigNapi.length}, ` +
    `ours L3 ${compressFrame(big, { level: 3 }).length}, L9 ${
      compressFrame(big, { level: 9 }).length
    }`,
);

const cases: [string, number, () => unknown][] = [
  ["630K compress   ours frame", big.length, () => compressFrame(big)],
  ["630K compress   ours block", big.length, () => compressBlock(big)],
  ["630K compress   lz4js", big.length, () => lz4js.compress(big)],
  ["630K compress   lz4-napi", big.length, () => compressSync(bigBuf)],
  ["630K decompress ours frame", big.length, () => decompressFrame(bigFrame)],
  ["630K decompress ours block", big.length, () => decompressBlock(bigBlock, big.length)],
  ["630K decompress lz4js", big.length, () => lz4js.decompress(bigLz4js)],
  ["630K decompress lz4-napi", big.length, () => uncompressSync(bigNapi)],
  ["630K compress   ours frame L3", big.length, () => compressFrame(big, { level: 3 })],
  ["1K   compress   ours frame", small.length, () => compressFrame(small)],
  ["1K   compress   ours block", small.length, () => compressBlock(small)],
  ["1K   compress   lz4-napi", small.length, () => compressSync(smallBuf)],
  ["1K   decompress ours frame", small.length, () => decompressFrame(smallFrame)],
  ["1K   decompress ours block", small.length, () => decompressBlock(smallBlock, small.length)],
  ["1K   decompress lz4-napi", small.length, () => uncompressSync(smallNapi)],
];

const best = cases.map(() => Infinity);
for (let round = 0; round < 6; round++) {
  cases.forEach(([, , fn], i) => {
    for (let k = 0; k < 3; k++) fn();
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 60) {
      fn();
      n++;
    }
    best[i] = Math.min(best[i], (performance.now() - start) / n);
  });
}
cases.forEach(([label, bytes], i) => {
  const us = (best[i] * 1000).toFixed(2).padStart(10);
  const mbs = (bytes / best[i] / 1000).toFixed(0).padStart(6);
  console.log(`${label.padEnd(32)} ${us} µs ${mbs} MB/s`);
});
