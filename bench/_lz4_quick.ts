/**
 * Quick LZ4 comparison (not part of `deno task bench`): our pure-TypeScript codec vs lz4js
 * (pure JS) and lz4-napi (native), on JSON rows and a 1 KiB payload.
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

function time(label: string, bytes: number, fn: () => unknown, minMs = 400): number {
  for (let i = 0; i < 5; i++) fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    fn();
    n++;
    t = performance.now();
  }
  const per = (t - t0) / n;
  const mbs = bytes / 1e6 / (per / 1000);
  console.log(
    `${label.padEnd(38)} ${(per * 1000).toFixed(1).padStart(9)} µs  ${
      mbs.toFixed(0).padStart(6)
    } MB/s`,
  );
  return mbs;
}

for (
  const [name, data] of [["JSON rows 630 KB", jsonRows(5000)], [
    "JSON 1 KiB",
    jsonRows(8).subarray(0, 1024),
  ]] as const
) {
  console.log(`\n== ${name} (${data.length} bytes)`);
  const ours = compressFrame(data);
  const oursBlock = compressBlock(data);
  const theirs = lz4js.compress(data) as Uint8Array;
  const buf = Buffer.from(data);
  const napi = compressSync(buf);
  console.log(
    `sizes: ours frame ${ours.length}, ours block ${oursBlock.length}, lz4js ${theirs.length}, lz4-napi ${napi.length}`,
  );
  time("compress   ours compressFrame L1", data.length, () => compressFrame(data));
  time("compress   ours compressBlock L1", data.length, () => compressBlock(data));
  time("compress   lz4js", data.length, () => lz4js.compress(data));
  time("compress   lz4-napi compressSync", data.length, () => compressSync(buf));
  time("decompress ours decompressFrame", data.length, () => decompressFrame(ours));
  time(
    "decompress ours decompressBlock",
    data.length,
    () => decompressBlock(oursBlock, data.length),
  );
  time("decompress lz4js", data.length, () => lz4js.decompress(theirs));
  time("decompress lz4-napi uncompressSync", data.length, () => uncompressSync(napi));
  if (data.length > 100000) {
    for (const level of [3, 9]) {
      time(
        `compress   ours compressFrame L${level}`,
        data.length,
        () => compressFrame(data, { level }),
      );
    }
  }
}
