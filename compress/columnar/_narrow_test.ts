import assert from "node:assert/strict";
import { packedWords, unpack } from "./_bitpack.ts";
import { BLOCK, Predictor } from "./_format.ts";
import { decodeNarrow, decodeNarrowExact } from "./_narrow.ts";
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
  return reference64(t, n, predictor).lo;
}

function reference64(t: PackedTables, n: number, predictor: number) {
  const l = { lo: new Int32Array(n), hi: new Int32Array(n) };
  unpack(t.words, n, t.widths, t.mins, l);
  unpredict(l, n, predictor, true, t.seeds);
  return l;
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

Deno.test("decodeNarrowExact: when it says yes, the values are the 64-bit path's, and fit", () => {
  const taken = { yes: 0, no: 0 };
  for (let k = 0; k < 600; k++) {
    const n = [1, 2, 3, 700, 1025, 3000][k % 6];
    // Small residuals around seeds near 0 or near the int32 edges: sums that stay inside and
    // sums that cross.
    const w = [0, 3, 12, 20, 31, 32][Math.floor(r() * 6)];
    const t = randomTables(n, () => w, () => (w === 32 ? 0 : Math.floor(r() * 64)));
    for (let b = 1; b < t.mins.length; b += 2) t.mins[b] = r() < 0.02 ? 1 : 0;
    const edge = [0, 2 ** 31 - 1 - Math.floor(r() * 5000), -(2 ** 31) + Math.floor(r() * 5000)];
    t.seeds.v0lo = edge[k % 3] | 0;
    t.seeds.v0hi = r() < 0.05 ? 1 : t.seeds.v0lo >> 31;
    t.seeds.d0lo = Math.floor((r() - 0.5) * 200);
    t.seeds.d0hi = t.seeds.d0lo >> 31;
    for (const predictor of [Predictor.Delta, Predictor.DeltaOfDelta]) {
      const out = new Int32Array(n);
      if (!decodeNarrowExact(t, n, predictor, out)) {
        taken.no++;
        continue;
      }
      taken.yes++;
      const l = reference64(t, n, predictor);
      assert.deepEqual(out, l.lo, `k=${k} p=${predictor}`);
      assert.ok(
        l.hi.every((h, i) => h === l.lo[i] >> 31),
        `k=${k} p=${predictor}: a value > 32 bits`,
      );
    }
  }
  // Both ways are exercised.
  assert.ok(taken.yes > 100 && taken.no > 100, JSON.stringify(taken));
});
