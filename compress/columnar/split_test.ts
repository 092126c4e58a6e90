import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import { rng } from "../_test_rng.ts";
import { numericCorpus } from "../_test_numeric.ts";
import {
  compressColumnar,
  decompressColumnar,
  type ElementType,
  encodeColumnar,
  inspectColumnar,
} from "./mod.ts";
import { ransDecode, ransEncode } from "./_rans.ts";

const bytesOf = (a: ArrayBufferView): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

Deno.test("rANS: round-trips empty, constant, skewed and uniform byte streams", () => {
  const r = rng(7);
  const cases: Uint8Array[] = [
    new Uint8Array(0),
    new Uint8Array(1),
    new Uint8Array(5000).fill(200),
    Uint8Array.from({ length: 5000 }, () => (r() < 0.999 ? 3 : 254)),
    Uint8Array.from({ length: 70000 }, () => Math.floor(r() * 256)),
    Uint8Array.from({ length: 20000 }, () => Math.min(255, Math.floor(-Math.log(r()) * 10))),
  ];
  for (const sym of cases) {
    const block = ransEncode(sym);
    const out = new Uint8Array(sym.length);
    assert.equal(ransDecode(block, 0, block.length, out), block.length);
    assert.deepEqual(out, sym);
  }
  // Close to the entropy: 20000 geometric symbols of mean 10 carry about 4.9 bits each.
  const geo = ransEncode(cases[5]);
  assert.ok(geo.length < 20000 * 4.95 / 8, `${geo.length} bytes`);
});

Deno.test("rANS: mutated and truncated blocks give only CompressError", () => {
  const r = rng(8);
  const sym = Uint8Array.from({ length: 3000 }, () => Math.floor(r() * r() * 40));
  const block = ransEncode(sym);
  const out = new Uint8Array(sym.length);
  for (let k = 0; k < 2000; k++) {
    const m = block.slice();
    const p = Math.floor(r() * m.length);
    m[p] ^= 1 << Math.floor(r() * 8);
    const cut = r() < 0.2 ? Math.floor(r() * m.length) : m.length;
    try {
      ransDecode(m, 0, cut, out);
    } catch (e) {
      assert.ok(e instanceof CompressError && e.code === "corrupt", String(e));
    }
  }
});

Deno.test("split layout: every type and predictor round-trips, with escapes and wide bins", () => {
  const r = rng(11);
  const types: [ElementType, (n: number, f: (i: number) => number) => ArrayBufferView][] = [
    ["i64", (n, f) => BigInt64Array.from({ length: n }, (_, i) => BigInt(Math.round(f(i))))],
    ["u64", (n, f) => BigUint64Array.from({ length: n }, (_, i) => BigInt(Math.abs(f(i))))],
    ["i32", (n, f) => Int32Array.from({ length: n }, (_, i) => f(i))],
    ["u32", (n, f) => Uint32Array.from({ length: n }, (_, i) => f(i))],
    ["i16", (n, f) => Int16Array.from({ length: n }, (_, i) => f(i))],
    ["u16", (n, f) => Uint16Array.from({ length: n }, (_, i) => f(i))],
    ["f64", (n, f) => Float64Array.from({ length: n }, (_, i) => f(i) / 100)],
    ["f32", (n, f) => Float32Array.from({ length: n }, (_, i) => f(i) / 7)],
  ];
  const shapes: ((i: number) => number)[] = [
    (i) => i * 1000 + Math.floor(r() * 50), // jitter
    (i) => (r() < 0.01 ? 2 ** 40 : 0) + i, // gaps: escapes
    () => Math.floor((r() - 0.5) * 2 ** 40), // wide: K >= 32 for 64-bit types
    () => 5, // constant
    (i) => Math.floor((r() - 0.5) * 2 ** (4 + (i >> 7))), // drifting scale: a K per block
    () => Math.floor(Math.exp(r() * r() * 14)), // skewed: log bins
  ];
  let made = 0;
  for (const [t, make] of types) {
    for (const [s, shape] of shapes.entries()) {
      for (const n of [1, 2, 3, 1023, 1025, 3000]) {
        const data = bytesOf(make(n, shape));
        for (const predictor of ["none", "delta", "delta-of-delta"] as const) {
          let frame: Uint8Array;
          try {
            frame = compressColumnar(data, {
              elementType: t,
              only: { layout: "split", predictor },
            });
          } catch (e) {
            // Floats that no mapping fits have no split chain.
            assert.ok(e instanceof CompressError && e.code === "unsupported", String(e));
            continue;
          }
          assert.deepEqual(decompressColumnar(frame), data, `${t} shape ${s} n ${n} ${predictor}`);
          assert.equal(inspectColumnar(frame).transforms.at(-1), "split");
          made++;
        }
      }
    }
  }
  assert.ok(made > 400, `${made} split frames`);
});

/**
 * pcodec 0.4.2 at its default level 8 (`../shared/tools/pcodec/pcobench`) on the numeric
 * corpus of 2^17 elements: compressed bytes. Recorded, so that this test needs no pcodec.
 */
const PCODEC_BYTES: Record<string, number> = {
  "decimal 1 f64": 39607,
  "decimal 2 f64": 82658,
  "decimal 4 f64": 195795,
  "decimal 6 f64": 717165,
  "temperature f32": 81693,
  "accelerometer f32": 278062,
  "ADC steps f64": 140536,
  "timestamps i64 jitter+gaps": 277817,
  "counts i32": 63005,
  "random walk i64": 169236,
  "latitude f64": 455904,
  "uniform noise f64": 541916,
  "integer-valued f64": 138380,
  "strain f64 + noise": 849585,
  "random walk f64": 803008,
};

Deno.test("numeric corpus: at most pcodec's size on every array", () => {
  for (const d of numericCorpus()) {
    const e = encodeColumnar(d.data, { elementType: d.elementType });
    assert.deepEqual(decompressColumnar(e.frame), d.data, d.name);
    const pco = PCODEC_BYTES[d.name];
    if (pco === undefined) continue;
    assert.ok(
      e.frame.length <= pco,
      `${d.name}: ${e.frame.length} bytes, pcodec ${pco} (${e.info.transforms.join(" + ")})`,
    );
  }
});

Deno.test("float quant: values on a power-of-two grid map to integers", () => {
  const r = rng(12);
  const v = Float64Array.from({ length: 20000 }, () => r() * 2 - 1); // 32 random bits each
  const e = encodeColumnar(bytesOf(v), { elementType: "f64" });
  assert.equal(e.info.transforms[0], `quantum(q=${2 ** -31})`);
  assert.ok(e.frame.length < v.byteLength / 1.9, `${e.frame.length} bytes`);
  assert.deepEqual(decompressColumnar(e.frame), bytesOf(v));
  const f = Float32Array.from({ length: 20000 }, () => Math.floor(r() * 4096) / 256 - 8);
  const e32 = encodeColumnar(bytesOf(f), { elementType: "f32" });
  assert.ok(e32.frame.length < f.byteLength / 2.5, `${e32.frame.length} bytes f32`);
  assert.deepEqual(decompressColumnar(e32.frame), bytesOf(f));
});
