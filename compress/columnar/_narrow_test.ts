import assert from "node:assert/strict";
import { packedWords, unpack } from "./_bitpack.ts";
import { BLOCK, Predictor } from "./_format.ts";
import { decodeNarrow } from "./_narrow.ts";
import type { PackedTables } from "./_payload.ts";
import { unpredict } from "./_predict.ts";
import { rng } from "../_test_rng.ts";

const r = rng(32);
const int32 = (): number => (r() * 4294967296) | 0;

/** Random tables: any widths 0..64, any minima (so sums carry into bit 32), random words. */
function randomTables(n: number, pickWidth: () => number, pickMin: () => number): PackedTables {
  const nb = Math.ceil(n / BLOCK);
  const widths = Uint8Array.from({ length: nb }, pickWidth);
  const mins = Int32Array.from({ length: 2 * nb }, pickMin);
  const words = Int32Array.from({ length: packedWords(widths, n) }, int32);
  return {
    seeds: { v0lo: int32(), v0hi: int32(), d0lo: int32(), d0hi: int32() },
    exPos: new Uint32Array(0),
    exBits: new Int32Array(0),
    widths,
    mins,
    words,
  };
}

/** The 64-bit reference: unpack and unpredict on lanes, keep the low words. */
function reference(t: PackedTables, n: number, predictor: number): Int32Array {
  const l = { lo: new Int32Array(n), hi: new Int32Array(n) };
  unpack(t.words, n, t.widths, t.mins, l);
  unpredict(l, n, predictor, true, t.seeds);
  return l.lo;
}

Deno.test("decodeNarrow gives the low 32 bits of the 64-bit path for any tables", () => {
  const widthPickers: [string, () => number][] = [
    ["any 0..64", () => Math.floor(r() * 65)],
    ["narrow 0..31", () => Math.floor(r() * 32)],
    ["edges", () => [0, 1, 31, 32, 33, 63, 64][Math.floor(r() * 7)]],
  ];
  const minPickers: [string, () => number][] = [
    ["any", int32],
    ["small", () => Math.floor(r() * 16)],
    ["near 2^32", () => -1 - Math.floor(r() * 64)],
  ];
  let compared = 0;
  for (const n of [0, 1, 2, 3, 1023, 1024, 1025, 2048 + 77, 5000]) {
    for (const [wn, pickWidth] of widthPickers) {
      for (const [mn, pickMin] of minPickers) {
        for (const predictor of [Predictor.None, Predictor.Delta, Predictor.DeltaOfDelta]) {
          const t = randomTables(n, pickWidth, pickMin);
          const out = new Int32Array(n);
          decodeNarrow(t, n, predictor, out);
          assert.deepEqual(out, reference(t, n, predictor), `n=${n} ${wn} ${mn} p=${predictor}`);
          compared += n;
        }
      }
    }
  }
  assert.ok(compared > 100_000);
});

Deno.test("decodeNarrow writes only out[0, n) of a longer output", () => {
  const n = 1500;
  const t = randomTables(n, () => 7, () => 3);
  const out = new Int32Array(n + 8).fill(0x5a5a5a5a);
  decodeNarrow(t, n, Predictor.DeltaOfDelta, out.subarray(0, n));
  assert.deepEqual(out.subarray(0, n), reference(t, n, Predictor.DeltaOfDelta));
  assert.ok(out.subarray(n).every((x) => x === 0x5a5a5a5a));
});
