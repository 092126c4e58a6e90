// The raw decoder's word-copy paths (short elements, size classes, overlapping copies, margins
// at the ends) on hand-built streams whose every element is chosen, checked against native
// snappy's decoder.
import assert from "node:assert/strict";
import snappy from "snappy";
import { CompressError } from "../errors.ts";
import { decompressRaw } from "./mod.ts";
import { firstDifference } from "./_test_data.ts";
import { rng } from "../_test_rng.ts";

type Element = { literal: number } | { copy: number; offset: number; form: 1 | 2 | 4 };

/** Encodes a preamble and elements (format_description.txt §1, §2); literals are random. */
function encode(elements: Element[], random: () => number): { stream: Uint8Array; size: number } {
  const body: number[] = [];
  let size = 0;
  for (const e of elements) {
    if ("literal" in e) {
      const n = e.literal - 1;
      if (n < 60) body.push(n << 2);
      else if (n < 256) body.push(60 << 2, n);
      else body.push(61 << 2, n & 255, n >>> 8);
      for (let i = 0; i < e.literal; i++) body.push(Math.floor(random() * 256));
      size += e.literal;
    } else if (e.form === 1) {
      body.push(1 | ((e.copy - 4) << 2) | ((e.offset >>> 8) << 5), e.offset & 255);
      size += e.copy;
    } else if (e.form === 2) {
      body.push(2 | ((e.copy - 1) << 2), e.offset & 255, e.offset >>> 8);
      size += e.copy;
    } else {
      body.push(3 | ((e.copy - 1) << 2), e.offset & 255, (e.offset >>> 8) & 255, 0, 0);
      size += e.copy;
    }
  }
  const pre: number[] = [];
  let v = size;
  while (v >= 128) {
    pre.push((v & 127) | 128);
    v >>>= 7;
  }
  pre.push(v);
  return { stream: Uint8Array.from([...pre, ...body]), size };
}

/** Random elements, copies reaching no further back than the output so far. */
function elements(
  random: () => number,
  count: number,
  literals: number[],
  copies: number[],
  offsets: number[],
): Element[] {
  const pick = (a: number[]) => a[Math.floor(random() * a.length)];
  const out: Element[] = [{ literal: 20 }];
  let produced = 20;
  for (let i = 0; i < count; i++) {
    const lit = pick(literals);
    if (lit > 0) {
      out.push({ literal: lit });
      produced += lit;
    }
    const copy = pick(copies);
    const offset = Math.min(pick(offsets), produced);
    const form = copy >= 4 && copy <= 11 && offset < 2048 && random() < 0.7
      ? 1
      : random() < 0.9
      ? 2
      : 4;
    out.push({ copy, offset, form });
    produced += copy;
  }
  return out;
}

function check(stream: Uint8Array, what: string): void {
  const want = new Uint8Array(snappy.uncompressSync(stream as never) as Uint8Array);
  const got = decompressRaw(stream);
  assert.equal(got.length, want.length, what);
  assert.equal(firstDifference(got, want), -1, what);
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

Deno.test("raw decoder: every offset 1..20 with copy lengths around each size class", () => {
  const random = rng(41);
  // Word-copy edges: 4 (one word), 8, 12 (three words), 13..16 (four), then 17..64 (general).
  const copies = [...range(1, 20), 31, 32, 33, 63, 64];
  for (let offset = 1; offset <= 20; offset++) {
    for (const literals of [[0], [1, 2, 3, 4], [5, 8, 9, 12, 13, 16], [17, 60, 61, 256, 300]]) {
      const { stream } = encode(elements(random, 300, literals, copies, [offset]), random);
      check(stream, `offset ${offset}, literals ${literals}`);
    }
  }
});

Deno.test("raw decoder: mixed short elements like binary columns (int64, float64 shapes)", () => {
  const random = rng(42);
  const cases: [number[], number[], number[]][] = [
    [[2], [6], [8]], // int64 timestamps: 2 literals, then a 6-byte copy at offset 8
    [[0, 1, 2], [5, 7, 10, 11], [8, 16, 24, 1000, 5000]], // float64 series
    [[0, 1, 2, 3, 4], range(4, 16), range(4, 40)],
    [range(0, 16), range(1, 64), [...range(1, 64), 2047, 2048, 65535]],
  ];
  for (const [lits, copies, offs] of cases) {
    for (let round = 0; round < 20; round++) {
      const count = 50 + Math.floor(random() * 2000);
      const { stream } = encode(elements(random, count, lits, copies, offs), random);
      check(stream, `${lits} / ${copies}`);
    }
  }
});

Deno.test("raw decoder: elements at every distance from the input and output ends", () => {
  // The fast path stops 17 input / 16 output bytes before the ends; shift short elements across
  // those margins. The output is exactly the declared size, so a wild copy past the end would
  // be a RangeError (or a wrong length), not silently absorbed.
  const random = rng(43);
  for (let n = 0; n < 60; n++) {
    const es = elements(random, 1 + (n >> 2), [n % 5, 1, 2], [4, 5, 6, 11, 12, 16], [
      4,
      5,
      8,
      9,
      16,
      17,
    ]);
    es.push({ literal: 1 + (n % 7) });
    const { stream, size } = encode(es, random);
    check(stream, `n ${n}`);
    assert.equal(decompressRaw(stream).length, size);
  }
});

Deno.test("raw decoder: a copy reaching before the output is corrupt, also in the fast path", () => {
  const random = rng(44);
  for (const form of [1, 2] as const) {
    const es = elements(random, 200, [2], [6], [8]);
    // One copy in the middle now reaches 1 byte before the start of the output.
    let produced = 0;
    for (let i = 0; i < 150; i++) {
      const e = es[i];
      produced += "literal" in e ? e.literal : e.copy;
    }
    es.splice(150, 0, { copy: 6, offset: form === 1 ? 2047 : produced + 1, form });
    const { stream } = encode(es, random);
    if (form === 1) assert.ok(produced < 2047);
    assert.throws(() => decompressRaw(stream), (e) => e instanceof CompressError);
    assert.throws(() => snappy.uncompressSync(stream as never));
  }
});

Deno.test("raw decoder: every 1-byte-offset copy of 4..11 bytes at offsets 4..11, after literals of 0..4 bytes", () => {
  // Near copies are copied to their exact length, in word, 2-byte and 1-byte pieces chosen by
  // the length's bits; each (offset, length) pair is repeated so the pieces land at every
  // alignment and later near copies read them back.
  const random = rng(45);
  for (let offset = 4; offset <= 11; offset++) {
    for (let copy = 4; copy <= 11; copy++) {
      for (let literal = 0; literal <= 4; literal++) {
        const es: Element[] = [{ literal: 16 }];
        for (let i = 0; i < 24; i++) {
          if (literal > 0) es.push({ literal });
          es.push({ copy, offset, form: 1 });
          // A differently sized near copy in between, so pieces of both shapes are read back.
          if (i % 3 === 2) es.push({ copy: 4 + ((copy + i) & 7), offset: 4 + (i & 7), form: 1 });
        }
        es.push({ literal: 20 });
        const { stream } = encode(es, random);
        check(stream, `offset ${offset}, copy ${copy}, literal ${literal}`);
      }
    }
  }
});

Deno.test("raw decoder: 2-byte-offset copies of 17..33 bytes at offsets 4..40 and at every distance from the output end", () => {
  // Copies of 17..32 bytes stay in the fast path as eight words (32 bytes written) while 32
  // bytes of output room remain; 33 and longer, and those near the end, take the general loop.
  const random = rng(46);
  for (let offset = 4; offset <= 40; offset++) {
    for (let copy = 17; copy <= 33; copy++) {
      const es: Element[] = [{ literal: 40 }];
      for (let i = 0; i < 6; i++) {
        es.push({ literal: 1 + (i % 4) }, { copy, offset, form: 2 });
        es.push({ copy: 4 + (i % 8), offset: 4 + i, form: 1 });
      }
      es.push({ literal: 1 });
      const { stream } = encode(es, random);
      check(stream, `offset ${offset}, copy ${copy}`);
    }
  }
  // The last long copy ends 0..40 bytes before the output end.
  for (let tail = 0; tail <= 40; tail++) {
    for (const copy of [17, 20, 24, 31, 32]) {
      const es: Element[] = [{ literal: 48 }, { copy, offset: 40, form: 2 }];
      if (tail > 0) es.push({ literal: tail });
      const { stream, size } = encode(es, random);
      check(stream, `tail ${tail}, copy ${copy}`);
      assert.equal(decompressRaw(stream).length, size);
    }
  }
});
