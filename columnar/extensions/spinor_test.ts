import assert from "node:assert/strict";
import { ArrowError } from "../errors.ts";
import { SpinorArray } from "./spinor.ts";
import { close, seeded, uniform } from "./_test_random.ts";

const N = 3000;

Deno.test("spinor: inner product is ⟨ψ|φ⟩ = Σ conj(ψk) φk, Hermitian, and ⟨ψ|ψ⟩ = ‖ψ‖²", () => {
  const rand = seeded(20);
  const psi = new SpinorArray(uniform(rand, N * 4));
  const phi = new SpinorArray(uniform(rand, N * 4));
  const ip = psi.inner(phi), ipRev = phi.inner(psi), self = psi.inner(psi);
  const norm = psi.norm();
  for (let i = 0; i < N; i++) {
    const p = psi.get(i)!, f = phi.get(i)!;
    // conj(a)·b computed on {re, im} objects, independently of the flat kernel
    const re = p.up.re * f.up.re + p.up.im * f.up.im + p.down.re * f.down.re +
      p.down.im * f.down.im;
    const im = p.up.re * f.up.im - p.up.im * f.up.re + p.down.re * f.down.im -
      p.down.im * f.down.re;
    assert.ok(close(ip.values[2 * i], re) && close(ip.values[2 * i + 1], im));
    assert.ok(close(ipRev.values[2 * i], re) && close(ipRev.values[2 * i + 1], -im));
    assert.ok(close(self.values[2 * i], norm[i] ** 2, 1e-14));
    assert.equal(self.values[2 * i + 1] + 0, 0);
    assert.ok(close(norm[i], Math.hypot(p.up.re, p.up.im, p.down.re, p.down.im), 1e-15));
  }
});

Deno.test("spinor: normalize and the Bloch vector (unit, matches spin states)", () => {
  const rand = seeded(21);
  const psi = new SpinorArray(uniform(rand, N * 4, -3, 3));
  const u = psi.normalize();
  const nu = u.norm(), bloch = psi.blochVector();
  for (let i = 0; i < N; i++) {
    assert.ok(close(nu[i], 1, 1e-14));
    assert.ok(close(Math.hypot(bloch[3 * i], bloch[3 * i + 1], bloch[3 * i + 2]), 1, 1e-13));
  }
  const h = Math.SQRT1_2;
  // +x, +y, -z eigenstates: (1,1)/√2, (1,i)/√2, (0,1)
  const s = new SpinorArray(new Float64Array([h, 0, h, 0, h, 0, 0, h, 0, 0, 1, 0]));
  const want = [1, 0, 0, 0, 1, 0, 0, 0, -1];
  s.blochVector().forEach((x, i) => assert.ok(close(x, want[i], 1e-15), `${i}: ${x}`));
});

Deno.test("spinor: nulls, from/get/set round trip, errors", () => {
  const s = SpinorArray.from([null, { up: { re: 1, im: 2 }, down: { re: 3, im: 4 } }]);
  assert.equal(s.get(0), null);
  assert.deepEqual(s.get(1), { up: { re: 1, im: 2 }, down: { re: 3, im: 4 } });
  s.set(1, { up: { re: 0, im: 0 }, down: { re: 0, im: 1 } });
  assert.deepEqual(Array.from(s.values.subarray(4)), [0, 0, 0, 1]);
  assert.deepEqual([...s.inner(s)].map((z) => z === null), [true, false]);
  assert.throws(() => s.inner(new SpinorArray(new Float64Array(4))), ArrowError);
  assert.throws(() => new SpinorArray(new Float64Array(6)), ArrowError);
});
