import assert from "node:assert/strict";
import { Algorithm, Level } from "../types.ts";
import { compress, compressSync, decompress, decompressSync } from "../compress.ts";
import { detect } from "../detect.ts";
import { CompressError } from "../errors.ts";
import {
  type ColumnarArray,
  compressArray,
  compressColumnar,
  decompressArray,
  decompressColumnar,
  type ElementType,
  encodeColumnar,
  inspectColumnar,
} from "./mod.ts";
import { rng } from "../_test_rng.ts";

function bytesOf(a: ColumnarArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function roundTrip(a: ColumnarArray, msg: string, level?: Level): Uint8Array {
  const frame = compressArray(a, { level });
  const back = decompressArray(frame);
  assert.equal(back.constructor, a.constructor, msg);
  assert.deepEqual(bytesOf(back), bytesOf(a), msg);
  return frame;
}

const r = rng(7);
const LENGTHS = [0, 1, 2, 3, 1023, 1024, 1025, 5000];

Deno.test("every element type round-trips bit-exactly at every length and level", () => {
  const makers: [string, (n: number) => ColumnarArray][] = [
    ["f64", (n) => Float64Array.from({ length: n }, (_, i) => Math.round(i * 1.37 * 100) / 100)],
    ["f32", (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i / 40))],
    ["i64", (n) => BigInt64Array.from({ length: n }, (_, i) => 10n ** 18n + BigInt(i * 62500))],
    ["u64", (n) => BigUint64Array.from({ length: n }, () => BigInt(Math.floor(r() * 2 ** 52)))],
    ["i32", (n) => Int32Array.from({ length: n }, (_, i) => i * 7 - 100000)],
    ["u32", (n) => Uint32Array.from({ length: n }, () => Math.floor(r() * 2 ** 32))],
    ["i16", (n) => Int16Array.from({ length: n }, (_, i) => ((i * 31) % 60000) - 30000)],
    ["u16", (n) => Uint16Array.from({ length: n }, () => Math.floor(r() * 1000))],
    ["i8", (n) => Int8Array.from({ length: n }, (_, i) => (i % 256) - 128)],
    ["u8", (n) => Uint8Array.from({ length: n }, () => Math.floor(r() * 4))],
  ];
  for (const [name, make] of makers) {
    for (const n of LENGTHS) {
      const levels = n === 5000
        ? [Level.Fast, Level.Balanced, Level.Max]
        : [Level.Fast, Level.Balanced];
      for (const level of levels) roundTrip(make(n), `${name} n=${n} ${level}`, level);
    }
  }
});

Deno.test("special floats: NaN payloads, -0, infinities, subnormals survive every mapping", () => {
  const f64 = new Float64Array(3000);
  for (let i = 0; i < f64.length; i++) f64[i] = Math.round(r() * 10000) / 100; // decimal data
  const bits = new BigUint64Array(f64.buffer);
  bits[5] = 0x7ff8000000000001n; // quiet NaN with payload
  bits[6] = 0x7ff0000000000001n; // signalling NaN
  bits[7] = 0xfff8000000000000n; // negative NaN
  bits[8] = 0xfff00000deadbeefn;
  f64[9] = -0;
  f64[10] = Infinity;
  f64[11] = -Infinity;
  f64[12] = 5e-324; // smallest subnormal
  f64[13] = -2.2250738585072e-310;
  f64[14] = Number.MAX_VALUE;
  f64[2999] = -0;
  for (const layout of ["bitpack", "shuffle", "plain"] as const) {
    const frame = compressColumnar(bytesOf(f64), { elementType: "f64", only: { layout } });
    assert.deepEqual(decompressColumnar(frame), bytesOf(f64), layout);
  }
  const e = encodeColumnar(bytesOf(f64), { elementType: "f64" });
  assert.ok(e.info.transforms[0].startsWith("decimal"), e.info.transforms.join());
  assert.equal(e.info.exceptions, 11);
  const f32 = new Float32Array(2000).map((_, i) => Math.round(i * 0.7) / 10);
  const b32 = new Uint32Array(f32.buffer);
  b32[1] = 0x7fc00001;
  b32[2] = 0xff800001;
  b32[3] = 0x80000000; // -0
  b32[4] = 0x7f800000; // +inf
  b32[5] = 0x00000001; // subnormal
  roundTrip(f32, "f32 specials");
  const allNaN = new Float64Array(1500);
  const nb = new BigUint64Array(allNaN.buffer);
  for (let i = 0; i < nb.length; i++) nb[i] = 0x7ff0000000000000n | BigInt(i + 1);
  roundTrip(allNaN, "NaN payloads everywhere");
});

Deno.test("integer extremes and wrap-around deltas", () => {
  const i64 = new BigInt64Array([
    -(2n ** 63n),
    2n ** 63n - 1n,
    0n,
    -1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
    1n,
  ]);
  for (const predictor of ["none", "delta", "delta-of-delta"] as const) {
    const f = compressColumnar(bytesOf(i64), {
      elementType: "i64",
      only: { predictor, layout: "bitpack" },
    });
    assert.deepEqual(decompressColumnar(f), bytesOf(i64), predictor);
  }
  const u64 = new BigUint64Array([0n, 2n ** 64n - 1n, 1n, 2n ** 63n]);
  roundTrip(u64, "u64 extremes");
  const i32 = new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, -1, -(2 ** 31)]);
  for (const predictor of ["none", "delta", "delta-of-delta"] as const) {
    const f = compressColumnar(bytesOf(i32), { elementType: "i32", only: { predictor } });
    assert.deepEqual(decompressColumnar(f), bytesOf(i32), predictor);
  }
  roundTrip(new Int16Array([-32768, 32767, -32768]), "i16 extremes");
  roundTrip(new Uint16Array([0, 65535, 0, 65535]), "u16 extremes");
});

Deno.test("random data under every forced chain round-trips (block widths 0..64)", () => {
  const rr = rng(99);
  for (const t of ["f64", "f32", "i64", "i32", "u16"] as ElementType[]) {
    const w = { f64: 8, f32: 4, i64: 8, i32: 4, u16: 2 }[t as "f64"];
    for (const spread of [0, 1, 7, 31, 33, 63, 64]) {
      const n = 2500;
      const data = new Uint8Array(n * w);
      for (let i = 0; i < data.length; i++) {
        const bit = (i % w) * 8;
        data[i] = bit < spread ? Math.floor(rr() * 256) : 0x40;
      }
      for (const layout of ["bitpack", "shuffle", "plain", "split"] as const) {
        if ((layout === "bitpack" || layout === "split") && t === "f64" && spread === 0) {
          continue; // no mapping may fit
        }
        let frame: Uint8Array;
        try {
          frame = compressColumnar(data, { elementType: t, only: { layout } });
        } catch (e) {
          assert.ok(e instanceof CompressError && e.code === "unsupported", String(e));
          continue;
        }
        assert.deepEqual(decompressColumnar(frame), data, `${t} spread ${spread} ${layout}`);
      }
    }
  }
});

Deno.test("chain choice: jittered timestamps use delta, 2-decimal floats use decimal mapping", () => {
  const rr = rng(3);
  const ts = new BigInt64Array(20000);
  let t = 1_700_000_000_000_000_000n;
  for (let i = 0; i < ts.length; i++) {
    t += 62500n + BigInt(Math.floor(rr() * 40) - 20);
    ts[i] = t;
  }
  const e1 = encodeColumnar(bytesOf(ts), { elementType: "i64" });
  // Each step is 62500 plus independent jitter: delta leaves only the jitter (delta-of-delta
  // would double its spread), and the split layout codes it near its entropy (log2 40 bits).
  assert.deepEqual(e1.info.transforms, ["delta", "split"]);
  assert.ok(e1.frame.length < ts.byteLength / 11, `ratio ${ts.byteLength / e1.frame.length}`);
  const walk = new Float64Array(20000);
  let v = 100;
  for (let i = 0; i < walk.length; i++) {
    v = Math.round((v + (rr() - 0.5)) * 100) / 100;
    walk[i] = v;
  }
  const e2 = encodeColumnar(bytesOf(walk), { elementType: "f64" });
  assert.deepEqual(e2.info.transforms, ["decimal(e=2)", "delta", "split"]);
  assert.equal(e2.info.exceptions, 0);
  const adc = new Float64Array(20000);
  const lsb = 5e-3 / 32768;
  for (let i = 0; i < adc.length; i++) {
    adc[i] = Math.round(Math.sin(i / 300) * 20000 + rr() * 20) * lsb;
  }
  const e3 = encodeColumnar(bytesOf(adc), { elementType: "f64" });
  assert.ok(e3.info.transforms[0].startsWith("quantum"), e3.info.transforms.join());
  assert.deepEqual(decompressColumnar(e3.frame), bytesOf(adc));
  assert.deepEqual(inspectColumnar(e3.frame).transforms, e3.info.transforms);
});

Deno.test("through the API: compress/decompress, sync == async, detect, maxOutputSize", async () => {
  const v = Float64Array.from({ length: 4000 }, (_, i) => i / 8);
  const data = bytesOf(v);
  const a = await compress(data, Algorithm.Columnar, { elementType: "f64" });
  const s = compressSync(data, Algorithm.Columnar, { elementType: "f64" });
  assert.deepEqual(a, s);
  assert.equal(detect(a)?.name, "columnar");
  assert.equal(detect(a)?.algorithm, Algorithm.Columnar);
  assert.deepEqual(await decompress(a, Algorithm.Columnar), data);
  assert.deepEqual(decompressSync(a, Algorithm.Columnar), data);
  assert.throws(
    () => decompressSync(a, Algorithm.Columnar, { maxOutputSize: data.length - 1 }),
    (e) => e instanceof CompressError && e.code === "limit",
  );
  assert.throws(
    () => compressSync(data.subarray(0, 13), Algorithm.Columnar, { elementType: "f64" }),
    (e) => e instanceof CompressError && e.code === "corrupt",
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => compressSync(data, Algorithm.Columnar, { elementType: "f128" as any }),
    (e) => e instanceof CompressError && e.code === "unsupported",
  );
  // unaligned views are accepted
  const shifted = new Uint8Array(data.length + 3);
  shifted.set(data, 3);
  const f = compressSync(shifted.subarray(3), Algorithm.Columnar, { elementType: "f64" });
  assert.deepEqual(decompressSync(f, Algorithm.Columnar), data);
});
