import {
  compressFramed,
  compressRaw,
  decompressFramed,
  decompressRaw,
  SNAPPY_STREAM_IDENTIFIER,
  SnappyFrameDecoder,
} from "./mod.ts";
import { concat, jsonRows, mixed, randomBytes, seeded, text } from "./_test_data.ts";
import { MAX, mustBeTyped, mutate, streamedSize } from "../_test_fuzz.ts";

/** Edge bytes plus a literal tag whose length follows in one byte (format_description §2.1). */
const EDGE_BYTES = [0, 0xff, 0x7f, 0x80, 0xfe, 0x01, 0x3c << 2];

function seeds(rand: () => number): Uint8Array[] {
  return [
    new Uint8Array(0),
    Uint8Array.of(7),
    text(500, rand),
    jsonRows(3000, rand),
    mixed(80_000, rand),
    new Uint8Array(70_000),
    randomBytes(300, rand),
  ];
}

Deno.test("fuzz: raw decoder on random bytes and mutated streams", () => {
  const rand = seeded(101);
  for (let i = 0; i < 4000; i++) {
    const input = randomBytes((rand() * 64) | 0, rand);
    mustBeTyped(() => decompressRaw(input, { maxOutputSize: MAX }).length, `random ${i}`);
  }
  const valid = seeds(rand).map((s) => compressRaw(s));
  for (let i = 0; i < 3000; i++) {
    const input = mutate(valid[i % valid.length], rand, EDGE_BYTES);
    mustBeTyped(() => decompressRaw(input, { maxOutputSize: MAX }).length, `mutated ${i}`);
  }
});

Deno.test("fuzz: framed decoders on random bytes and mutated streams", () => {
  const rand = seeded(202);
  const valid = seeds(rand).map((s) => compressFramed(s));
  // Streams with every chunk kind, to mutate their headers too.
  valid.push(concat([
    SNAPPY_STREAM_IDENTIFIER,
    Uint8Array.of(0xfe, 2, 0, 0, 0, 0),
    compressFramed(text(2000, rand)).subarray(10),
    Uint8Array.of(0x85, 1, 0, 0, 9),
    compressFramed(randomBytes(100, rand)),
  ]));
  for (let i = 0; i < 4000; i++) {
    const input = i % 2 === 0
      ? concat([SNAPPY_STREAM_IDENTIFIER, randomBytes((rand() * 40) | 0, rand)])
      : mutate(valid[i % valid.length], rand, EDGE_BYTES);
    mustBeTyped(() => decompressFramed(input, { maxOutputSize: MAX }).length, `one-shot ${i}`);
    mustBeTyped(
      () => streamedSize(new SnappyFrameDecoder({ maxOutputSize: MAX }), input, rand, 5000),
      `streaming ${i}`,
    );
  }
});

Deno.test("fuzz: raw streams built from random valid-looking elements", () => {
  // Elements with plausible tags and lengths reach deeper than random bytes do.
  const rand = seeded(303);
  for (let i = 0; i < 3000; i++) {
    const parts: number[] = [];
    const declared = (rand() * 3000) | 0;
    let v = declared;
    while (v >= 0x80) {
      parts.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    parts.push(v);
    const elements = 1 + ((rand() * 30) | 0);
    for (let e = 0; e < elements; e++) {
      const kind = (rand() * 4) | 0;
      if (kind === 0) {
        const len = 1 + ((rand() * 70) | 0);
        if (len <= 60) parts.push((len - 1) << 2);
        else parts.push(60 << 2, len - 1);
        for (let k = 0; k < len; k++) parts.push((rand() * 256) | 0);
      } else if (kind === 1) {
        parts.push(1 | (((rand() * 8) | 0) << 2) | (((rand() * 8) | 0) << 5), (rand() * 256) | 0);
      } else if (kind === 2) {
        parts.push(2 | (((rand() * 64) | 0) << 2), (rand() * 200) | 0, 0);
      } else {
        parts.push(3 | (((rand() * 64) | 0) << 2), (rand() * 200) | 0, 0, 0, 0);
      }
    }
    const input = Uint8Array.from(parts);
    mustBeTyped(() => decompressRaw(input, { maxOutputSize: MAX }).length, `elements ${i}`);
  }
});
