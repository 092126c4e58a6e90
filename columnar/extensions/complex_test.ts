import assert from "node:assert/strict";
import { ArrowError } from "../errors.ts";
import { Complex128Array, Complex64Array } from "./complex.ts";
import { close, seeded, uniform } from "./_test_random.ts";

const N = 5000;

Deno.test("complex128: abs and phase against Math.hypot / Math.atan2", () => {
  const rand = seeded(10);
  const flat = uniform(rand, N * 2, -100, 100);
  const z = new Complex128Array(flat);
  const abs = z.abs(), arg = z.phase();
  for (let i = 0; i < N; i++) {
    assert.ok(close(abs[i], Math.hypot(flat[2 * i], flat[2 * i + 1]), 1e-15));
    assert.equal(arg[i], Math.atan2(flat[2 * i + 1], flat[2 * i]));
  }
});

Deno.test("complex128: abs does not overflow or underflow", () => {
  const z = new Complex128Array(
    new Float64Array([1e300, 1e300, 3e-320, 4e-320, 0, 0, Infinity, NaN, -0, -5]),
  );
  const abs = z.abs();
  assert.ok(close(abs[0], Math.SQRT2 * 1e300, 1e-15));
  assert.equal(abs[1], Math.hypot(3e-320, 4e-320));
  assert.equal(abs[2], 0);
  assert.equal(abs[3], Infinity);
  assert.equal(abs[4], 5);
});

Deno.test("complex128: multiply against the polar form; conjugate identities", () => {
  const rand = seeded(11);
  const a = new Complex128Array(uniform(rand, N * 2, -10, 10));
  const b = new Complex128Array(uniform(rand, N * 2, -10, 10));
  const ab = a.multiply(b);
  const absA = a.abs(), absB = b.abs(), argA = a.phase(), argB = b.phase();
  const zz = a.multiply(a.conjugate());
  for (let i = 0; i < N; i++) {
    const r = absA[i] * absB[i], t = argA[i] + argB[i];
    assert.ok(close(ab.values[2 * i], r * Math.cos(t), 1e-12));
    assert.ok(close(ab.values[2 * i + 1], r * Math.sin(t), 1e-12));
    assert.ok(close(zz.values[2 * i], absA[i] * absA[i], 1e-13));
    assert.equal(zz.values[2 * i + 1] + 0, 0);
  }
  const byI = a.multiply({ re: 0, im: 1 });
  for (let i = 0; i < N; i += 13) {
    assert.equal(byI.values[2 * i], -a.values[2 * i + 1]);
    assert.equal(byI.values[2 * i + 1], a.values[2 * i]);
  }
});

Deno.test("complex64: float32 storage and results, same math", () => {
  const rand = seeded(12);
  const flat = Float32Array.from(uniform(rand, N * 2, -10, 10));
  const z = new Complex64Array(flat);
  assert.equal(z.values, flat);
  const abs = z.abs();
  assert.ok(abs instanceof Float32Array);
  for (let i = 0; i < N; i++) {
    assert.equal(abs[i], Math.fround(Math.hypot(flat[2 * i], flat[2 * i + 1])));
  }
  const ph = z.phase();
  assert.ok(close(ph[7], Math.atan2(flat[15], flat[14]), 1e-6));
  const p = z.multiply(z.conjugate());
  assert.ok(close(p.values[0], abs[0] * abs[0], 1e-5));
});

Deno.test("complex: nulls, bounds and lengths", () => {
  const a = Complex128Array.from([{ re: 1, im: 1 }, null]);
  const b = Complex128Array.from([null, { re: 1, im: 1 }]);
  assert.deepEqual([...a.multiply(b)], [null, null]);
  assert.deepEqual([...a.multiply({ re: 2, im: 0 })], [{ re: 2, im: 2 }, null]);
  assert.throws(() => new Complex64Array(new Float32Array(3)), ArrowError);
  assert.throws(() => a.multiply(Complex128Array.from([null])), ArrowError);
  assert.throws(() => a.get(2), ArrowError);
  assert.throws(() => a.abs(new Float64Array(1)), ArrowError);
});
