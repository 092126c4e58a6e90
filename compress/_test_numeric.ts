/**
 * The numeric corpus: the kinds of arrays a numeric codec meets, generated deterministically
 * (seeded), for `bench/numeric.ts` and the columnar tests. Each array is 2^17 elements unless
 * `n` says otherwise.
 *
 * @module
 */

import { rng } from "./_test_rng.ts";

/** One numeric dataset: little-endian elements of `elementType`. */
export interface NumericDataset {
  name: string;
  elementType: "f64" | "f32" | "i64" | "i32";
  data: Uint8Array;
}

/** Standard normal deviate from two uniforms (Box–Muller). */
function gauss(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

const bytesOf = (a: ArrayBufferView): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Every dataset of the numeric corpus, `n` elements each. */
export function numericCorpus(n = 1 << 17): NumericDataset[] {
  const out: NumericDataset[] = [];
  const add = (name: string, elementType: NumericDataset["elementType"], a: ArrayBufferView) =>
    out.push({ name, elementType, data: bytesOf(a) });

  {
    // Strain-like: two tones and white noise, full float64 precision.
    const r = rng(101);
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = 1.2e-21 * Math.sin(i / 800) + 3e-22 * Math.sin(i / 57 + 1) + 4e-23 * gauss(r);
    }
    add("strain f64 + noise", "f64", a);
  }
  for (const d of [1, 2, 4, 6]) {
    // Decimal-quantised: a price-like random walk printed with d decimals.
    const r = rng(200 + d);
    const a = new Float64Array(n);
    const p = 10 ** d;
    let v = 100;
    for (let i = 0; i < n; i++) {
      v += gauss(r) * 0.05;
      a[i] = Math.round(v * p) / p;
    }
    add(`decimal ${d} f64`, "f64", a);
  }
  {
    // Integer-valued floats: per-item quantities, skewed.
    const r = rng(301);
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = Math.floor(Math.exp(gauss(r) * 1.5 + 4));
    add("integer-valued f64", "f64", a);
  }
  {
    // Float32 temperature sensor with 0.01 °C resolution.
    const r = rng(401);
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = 21.5 + 3 * Math.sin(i / 5000) + 0.2 * Math.sin(i / 97) + gauss(r) * 0.03;
      a[i] = Math.round(t * 100) / 100;
    }
    add("temperature f32", "f32", a);
  }
  {
    // Float32 sensor at full precision (accelerometer).
    const r = rng(402);
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = 9.81 + 0.3 * Math.sin(i / 40) + gauss(r) * 0.02;
    add("accelerometer f32", "f32", a);
  }
  {
    // ADC steps: a 16-bit converter's codes times its least significant bit.
    const r = rng(501);
    const a = new Float64Array(n);
    const lsb = 2.5e-3 / 32768;
    for (let i = 0; i < n; i++) {
      const s = 1.2e-3 * Math.sin(i / 800) + 3e-4 * Math.sin(i / 57) + gauss(r) * 4e-6;
      a[i] = Math.max(-32768, Math.min(32767, Math.round(s / lsb))) * lsb;
    }
    add("ADC steps f64", "f64", a);
  }
  {
    // Nanosecond timestamps at 1 kHz, ±20 µs jitter, a gap in one of 2000 samples.
    const r = rng(601);
    const a = new BigInt64Array(n);
    let base = 1_700_000_000_000_000_000n;
    for (let i = 0; i < n; i++) {
      if (r() < 0.0005) base += BigInt(Math.floor(r() * 5e9));
      base += 1_000_000n;
      a[i] = base + BigInt(Math.round(gauss(r) * 20_000));
    }
    add("timestamps i64 jitter+gaps", "i64", a);
  }
  {
    // Counts: events per interval (Poisson-like, mean 12).
    const r = rng(701);
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let k = 0;
      let p = Math.exp(-12);
      let s = p;
      const u = r();
      while (u > s && k < 200) {
        k++;
        p *= 12 / k;
        s += p;
      }
      a[i] = k;
    }
    add("counts i32", "i32", a);
  }
  {
    // Random walks: full-precision float64, and an integer one.
    const r = rng(801);
    const a = new Float64Array(n);
    let v = 0;
    for (let i = 0; i < n; i++) {
      v += gauss(r);
      a[i] = v;
    }
    add("random walk f64", "f64", a);
    const b = new BigInt64Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      k += Math.round(gauss(r) * 300);
      b[i] = BigInt(k);
    }
    add("random walk i64", "i64", b);
  }
  {
    // Latitude of a GPS track, 7 decimals (~1 cm), one fix per second.
    const r = rng(901);
    const a = new Float64Array(n);
    let lat = 48.8566;
    let heading = 0;
    for (let i = 0; i < n; i++) {
      heading += gauss(r) * 0.1;
      lat += Math.cos(heading) * 1e-4 + gauss(r) * 2e-6;
      a[i] = Math.round(lat * 1e7) / 1e7;
    }
    add("latitude f64", "f64", a);
  }
  {
    const r = rng(1001);
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
    add("uniform noise f64", "f64", a);
  }
  return out;
}
