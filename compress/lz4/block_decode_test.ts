// The block decoder's word-copy paths (short sequences, size classes, overlapping matches,
// margins at block ends) against a byte-at-a-time decoder written from lz4_Block_format.md,
// on hand-built blocks whose every sequence shape is chosen, not left to an encoder.
import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import { decompressBlock } from "./block_decode.ts";
import { decodeBlockInto } from "./block_decode.ts";
import { Rng } from "./_test_lz4_tool.ts";

interface Sequence {
  literals: Uint8Array;
  /** Match length (>= 4); 0 for the final literals-only sequence. */
  matchLength: number;
  offset: number;
}

/** Writes a length's 15-and-more form (the token nibble is 15, then 255-valued bytes). */
function pushLength(out: number[], rest: number): void {
  while (rest >= 255) {
    out.push(255);
    rest -= 255;
  }
  out.push(rest);
}

/** Encodes sequences as a block (lz4_Block_format.md, "Sequence"). */
function encodeSequences(seqs: Sequence[]): Uint8Array {
  const out: number[] = [];
  for (const s of seqs) {
    const lit = s.literals.length;
    const mlc = s.matchLength === 0 ? 0 : s.matchLength - 4;
    out.push((Math.min(lit, 15) << 4) | Math.min(mlc, 15));
    if (lit >= 15) pushLength(out, lit - 15);
    out.push(...s.literals);
    if (s.matchLength === 0) break;
    out.push(s.offset & 255, s.offset >>> 8);
    if (mlc >= 15) pushLength(out, mlc - 15);
  }
  return Uint8Array.from(out);
}

/** The reference: one byte at a time, straight from the format description. */
function referenceDecode(block: Uint8Array): Uint8Array {
  const out: number[] = [];
  let p = 0;
  for (;;) {
    const token = block[p++];
    let lit = token >>> 4;
    if (lit === 15) {
      let b;
      do lit += b = block[p++]; while (b === 255);
    }
    for (let i = 0; i < lit; i++) out.push(block[p++]);
    if (p === block.length) return Uint8Array.from(out);
    const offset = block[p] | (block[p + 1] << 8);
    p += 2;
    let ml = token & 15;
    if (ml === 15) {
      let b;
      do ml += b = block[p++]; while (b === 255);
    }
    ml += 4;
    const from = out.length - offset;
    for (let i = 0; i < ml; i++) out.push(out[from + i]);
  }
}

/** Random sequences with lengths and offsets drawn from the given pools, ending validly. */
function randomSequences(
  rng: Rng,
  count: number,
  literalLengths: number[],
  matchLengths: number[],
  offsets: number[],
): Sequence[] {
  const seqs: Sequence[] = [];
  let produced = 0;
  // Start with 16 literals so that every offset up to 16 has history to reach.
  let first = true;
  for (let i = 0; i < count; i++) {
    const lit = first ? 16 : literalLengths[rng.int(literalLengths.length)];
    first = false;
    const ml = matchLengths[rng.int(matchLengths.length)];
    let offset = offsets[rng.int(offsets.length)];
    if (offset > produced + lit) offset = 1 + rng.int(produced + lit);
    seqs.push({ literals: rng.bytes(lit), matchLength: ml, offset });
    produced += lit + ml;
  }
  // The end rules: the last 5 bytes are literals, so a block ends with >= 5 of them.
  seqs.push({ literals: rng.bytes(5 + rng.int(20)), matchLength: 0, offset: 0 });
  return seqs;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

Deno.test("block decoder: every offset 1..20 with match lengths around each size class", () => {
  const rng = new Rng(31);
  // Size-class edges of the word copies: 4/8 (mlc 0..4), 8/12/16 (mlc 5..12), 17/18 (mlc 13,
  // 14), then the length-byte forms (19, 20, 64, 65, 270, 271, 300).
  const matchLengths = [...range(4, 21), 63, 64, 65, 270, 271, 300];
  for (let offset = 1; offset <= 20; offset++) {
    for (const literals of [[0], [1, 2, 3, 4], [5, 8, 9, 14], [15, 16, 30, 300]]) {
      const seqs = randomSequences(rng, 300, literals, matchLengths, [offset]);
      const block = encodeSequences(seqs);
      const want = referenceDecode(block);
      assert.deepEqual(
        decompressBlock(block, want.length),
        want,
        `offset ${offset}, literals ${literals}`,
      );
    }
  }
});

Deno.test("block decoder: mixed short sequences like binary columns (int64, float64 shapes)", () => {
  const rng = new Rng(32);
  const cases: [number[], number[], number[]][] = [
    [[2], [6], [8]], // int64 timestamps: 2 literals, 6-byte match at offset 8
    [[0, 1, 2], [5, 7, 10, 11], [8, 16, 24, 1000, 5000]], // float64 series
    [[0, 1, 2, 3, 4], range(4, 18), range(4, 40)],
    [range(0, 14), range(4, 18), [...range(1, 64), 65535]],
  ];
  for (const [lits, mls, offs] of cases) {
    for (let round = 0; round < 20; round++) {
      const seqs = randomSequences(rng, 50 + rng.int(2000), lits, mls, offs);
      const block = encodeSequences(seqs);
      const want = referenceDecode(block);
      assert.deepEqual(decompressBlock(block, want.length), want, `${lits} / ${mls}`);
    }
  }
});

Deno.test("block decoder: sequences at every distance from the input and output ends", () => {
  // The fast path stops 32 input / 48 output bytes before the ends; sequences that straddle
  // those margins take the checked path. Shift a fixed tail across them, and decode into an
  // output range that ends exactly at the content (no slack for wild copies) inside a larger
  // buffer whose bytes past the range must stay untouched.
  const rng = new Rng(33);
  for (let head = 0; head < 80; head++) {
    const seqs = randomSequences(rng, 1 + (head >> 2), [head % 5, 1, 2], [4, 6, 7, 12, 18], [
      4,
      5,
      8,
      9,
      16,
      17,
    ]);
    const block = encodeSequences(seqs);
    const want = referenceDecode(block);
    const dst = new Uint8Array(want.length + 64).fill(0xee);
    const end = decodeBlockInto(block, 0, block.length, dst, 0, want.length, 0, null);
    assert.equal(end, want.length, `head ${head}`);
    assert.deepEqual(dst.subarray(0, end), want, `head ${head}`);
    assert.ok(dst.subarray(end).every((b) => b === 0xee), `wrote past the range, head ${head}`);
    // The block inside a larger input, with unrelated bytes after it that it must not read.
    const padded = new Uint8Array(block.length + 40).fill(0x0f);
    padded.set(block, 7);
    const out = new Uint8Array(want.length);
    assert.equal(decodeBlockInto(padded, 7, 7 + block.length, out, 0, out.length, 0, null), end);
    assert.deepEqual(out, want);
  }
});

Deno.test("block decoder: a match reaching before the window is corrupt, also in the fast path", () => {
  const rng = new Rng(34);
  const seqs = randomSequences(rng, 200, [2], [6], [8]);
  const block = encodeSequences(seqs);
  // Sequence 100's offset (after token and 2 literals) now reaches before the output start;
  // the first sequence is token, one length byte, 16 literals and an offset.
  let p = 0;
  for (let i = 0; i < 100; i++) p += i === 0 ? 1 + 1 + 16 + 2 : 1 + 2 + 2;
  block[p + 3] = 0xff;
  block[p + 4] = 0x7f;
  assert.throws(() => decompressBlock(block, 100_000), CompressError);
  // Offset 0 is never valid.
  block[p + 3] = 0;
  block[p + 4] = 0;
  assert.throws(() => decompressBlock(block, 100_000), (e) => e instanceof CompressError);
});
