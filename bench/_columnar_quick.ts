/**
 * Columnar decode speed on 32-bit and narrower bit-packed data, side by side with native zstd
 * -3 in the same run (ratios survive a shared machine better than MB/s).
 *
 * Run: `deno run -A bench/_columnar_quick.ts`
 *
 * @module
 */

import zlib from "node:zlib";
import { compressColumnar, decompressColumnar } from "../compress/columnar/mod.ts";
import type { ElementType } from "../compress/columnar/mod.ts";
import { scientificCorpora } from "./_corpus.ts";

/** Median ms per call over `reps` timed rounds after warm-up. */
function median(fn: () => unknown, reps = 15, calls = 20): number {
  for (let i = 0; i < calls * 2; i++) fn();
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const s = performance.now();
    for (let i = 0; i < calls; i++) fn();
    t.push((performance.now() - s) / calls);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

const u16 = Uint16Array.from(
  { length: 1 << 19 },
  (_, i) => 30000 + Math.round(900 * Math.sin(i / 700)),
);
const cases: { name: string; t: ElementType; data: Uint8Array }[] = [
  ...scientificCorpora()
    .filter((d) => d.elementType === "f32" || d.elementType === "i32")
    .map((d) => ({ name: d.name, t: d.elementType, data: d.data })),
  { name: "sine u16", t: "u16", data: new Uint8Array(u16.buffer) },
];
console.log("| dataset | columnar MB/s | zstd -3 MB/s | ratio |");
console.log("| --- | ---: | ---: | ---: |");
for (const { name, t, data } of cases) {
  const frame = compressColumnar(data, { elementType: t });
  const z = zlib.zstdCompressSync(data);
  const col = median(() => decompressColumnar(frame));
  const zs = median(() => zlib.zstdDecompressSync(z));
  const mb = data.length / 1e6;
  console.log(
    `| ${name} | ${(mb / (col / 1000)).toFixed(0)} | ${(mb / (zs / 1000)).toFixed(0)} | ${
      (zs / col).toFixed(2)
    }x |`,
  );
}
