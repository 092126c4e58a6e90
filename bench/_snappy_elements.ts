/**
 * What the Snappy decoder sees on each benchmark corpus: the share of each element shape
 * (literal length; copy form, length and offset class) and of each pair of consecutive element
 * kinds, as written by our raw compressor. Decoder fast paths are shaped by these (int64
 * timestamps are "2-byte literal, 6-byte copy at offset 8" over and over; JSON and log text have
 * a fifth of their elements as 17..32-byte copies).
 *
 *   deno run -A bench/_snappy_elements.ts [corpus name filter]
 *
 * @module
 */

import { compressRaw, rawDecompressedLength } from "../compress/snappy/mod.ts";
import { corpora, jsonRows } from "./_corpus.ts";

const filter = Deno.args[0];

/** Offset class: the near offsets (< 12) get exact-size copies in the decoder. */
function offsetClass(offset: number): string {
  if (offset < 4) return "<4";
  if (offset < 12) return String(offset);
  return offset < 256 ? "12-255" : ">=256";
}

function lengthClass(len: number): string {
  if (len <= 16) return String(len);
  return len <= 32 ? "17-32" : ">32";
}

/** Counts of element shapes and of kind pairs in one raw Snappy stream. */
function census(
  stream: Uint8Array,
): { n: number; shapes: Map<string, number>; pairs: Map<string, number> } {
  const shapes = new Map<string, number>();
  const pairs = new Map<string, number>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let ip = 0;
  while (stream[ip++] & 0x80);
  let n = 0;
  let prev = "start";
  while (ip < stream.length) {
    const tag = stream[ip++];
    const kind = tag & 3;
    let shape: string;
    let k: string;
    if (kind === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        len = 0;
        for (let i = 0; i < extra; i++) len |= stream[ip + i] << (8 * i);
        len += 1;
        ip += extra;
      }
      ip += len;
      k = "literal";
      shape = `literal ${lengthClass(len)}`;
    } else if (kind === 1) {
      const len = ((tag >>> 2) & 7) + 4;
      const offset = ((tag >>> 5) << 8) | stream[ip++];
      k = "copy1";
      shape = `copy1 len ${len} off ${offsetClass(offset)}`;
    } else {
      const len = (tag >>> 2) + 1;
      const bytes = kind === 2 ? 2 : 4;
      let offset = 0;
      for (let i = 0; i < bytes; i++) offset += stream[ip + i] * 2 ** (8 * i);
      ip += bytes;
      k = kind === 2 ? "copy2" : "copy4";
      shape = `${k} len ${lengthClass(len)} off ${offsetClass(offset)}`;
    }
    add(shapes, shape);
    add(pairs, `${prev} -> ${k}`);
    prev = k;
    n++;
  }
  return { n, shapes, pairs };
}

const pct = (v: number, n: number) => `${((100 * v) / n).toFixed(1)}%`;
const top = (m: Map<string, number>, n: number, count: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, count).map(([k, v]) => `${k}: ${pct(v, n)}`);

for (const { name, data } of [...corpora(), { name: "JSON 8 KiB", data: jsonRows(8192) }]) {
  if (filter && !name.includes(filter)) continue;
  const stream = compressRaw(data);
  if (rawDecompressedLength(stream) !== data.length) throw new Error(`bad preamble on ${name}`);
  const { n, shapes, pairs } = census(stream);
  console.log(`== ${name}: ${n} elements, ${(data.length / n).toFixed(1)} output bytes each`);
  console.log("  shapes: " + top(shapes, n, 16).join(", "));
  console.log("  pairs:  " + top(pairs, n, 8).join(", "));
}
