import assert from "node:assert/strict";
import { ArrowError } from "../errors.ts";
import { type Quaternion, QuaternionArray } from "./quaternion.ts";
import { close, seeded, uniform } from "./_test_random.ts";

// Independent reference: the Hamilton product written from the i² = j² = k² = ijk = -1 table
// as a 4×4 matrix acting on b (left-multiplication matrix of a).
function hamilton(a: Quaternion, b: Quaternion): Quaternion {
  const L = [
    [a.w, -a.x, -a.y, -a.z],
    [a.x, a.w, -a.z, a.y],
    [a.y, a.z, a.w, -a.x],
    [a.z, -a.y, a.x, a.w],
  ];
  const v = [b.w, b.x, b.y, b.z];
  const r = L.map((row) => row.reduce((s, c, k) => s + c * v[k], 0));
  return { w: r[0], x: r[1], y: r[2], z: r[3] };
}

function assertQuatClose(a: Quaternion | null, b: Quaternion | null, tol = 1e-12): void {
  assert.ok(a && b);
  for (const k of ["w", "x", "y", "z"] as const) {
    assert.ok(close(a[k], b[k], tol), `${k}: ${a[k]} vs ${b[k]}`);
  }
}

const N = 2000;

Deno.test("quaternion: constructor wraps the storage without copying", () => {
  const flat = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const q = new QuaternionArray(flat);
  assert.equal(q.values, flat);
  assert.equal(q.length, 2);
  flat[4] = 50;
  assert.deepEqual(q.get(1), { w: 50, x: 6, y: 7, z: 8 });
  q.set(0, { w: -1, x: -2, y: -3, z: -4 });
  assert.deepEqual(Array.from(flat.subarray(0, 4)), [-1, -2, -3, -4]);
});

Deno.test("quaternion: bad storage, indices and operand lengths are typed errors", () => {
  assert.throws(
    () => new QuaternionArray(new Float64Array(5)),
    (e) => e instanceof ArrowError && e.code === "invalid",
  );
  assert.throws(() => new QuaternionArray(new Float64Array(80), new Uint8Array(2)), ArrowError);
  const q = QuaternionArray.allocate(2);
  for (const i of [-1, 2, 0.5, NaN]) assert.throws(() => q.get(i), ArrowError);
  assert.throws(() => q.multiply(QuaternionArray.allocate(3)), ArrowError);
  assert.throws(() => q.rotate(new Float64Array(9)), ArrowError);
  assert.throws(() => q.rotate(new Float64Array(7)), ArrowError);
  assert.throws(() => q.norm(new Float64Array(3)), ArrowError);
});

Deno.test("quaternion: unit table i j k", () => {
  const basis = [
    { w: 1, x: 0, y: 0, z: 0 },
    { w: 0, x: 1, y: 0, z: 0 },
    { w: 0, x: 0, y: 1, z: 0 },
    { w: 0, x: 0, y: 0, z: 1 },
  ];
  const [one, i, j, k] = basis;
  const neg = (q: Quaternion) => ({ w: -q.w, x: -q.x, y: -q.y, z: -q.z });
  const cases: [Quaternion, Quaternion, Quaternion][] = [
    [i, i, neg(one)],
    [j, j, neg(one)],
    [k, k, neg(one)],
    [i, j, k],
    [j, k, i],
    [k, i, j],
    [j, i, neg(k)],
    [k, j, neg(i)],
    [i, k, neg(j)],
  ];
  // x + 0 turns -0 into 0 so deepEqual compares values, not zero signs
  const plain = (q: Quaternion | null) => q && { w: q.w + 0, x: q.x + 0, y: q.y + 0, z: q.z + 0 };
  for (const [a, b, want] of cases) {
    assert.deepEqual(plain(QuaternionArray.from([a]).multiply(b).get(0)), plain(want));
    const arr = QuaternionArray.from([a]).multiply(QuaternionArray.from([b]));
    assert.deepEqual(plain(arr.get(0)), plain(want));
    assert.deepEqual(plain(QuaternionArray.from([b]).premultiply(a).get(0)), plain(want));
  }
});

Deno.test("quaternion: multiply matches the matrix form; |q1 q2| = |q1||q2|; associativity", () => {
  const rand = seeded(1);
  const a = new QuaternionArray(uniform(rand, N * 4, -10, 10));
  const b = new QuaternionArray(uniform(rand, N * 4, -10, 10));
  const c = new QuaternionArray(uniform(rand, N * 4, -10, 10));
  const ab = a.multiply(b);
  const na = a.norm(), nb = b.norm(), nab = ab.norm();
  const abc1 = ab.multiply(c), abc2 = a.multiply(b.multiply(c));
  for (let i = 0; i < N; i++) {
    assertQuatClose(ab.get(i), hamilton(a.get(i)!, b.get(i)!));
    assert.ok(close(nab[i], na[i] * nb[i], 1e-13));
    assertQuatClose(abc1.get(i), abc2.get(i), 1e-12);
  }
  const s = { w: 0.3, x: -1.2, y: 2, z: 0.7 };
  const as = a.multiply(s), sa = a.premultiply(s);
  for (let i = 0; i < N; i += 7) {
    assertQuatClose(as.get(i), hamilton(a.get(i)!, s));
    assertQuatClose(sa.get(i), hamilton(s, a.get(i)!));
  }
});

Deno.test("quaternion: conjugate, q q* = |q|², (pq)* = q* p*", () => {
  const rand = seeded(2);
  const p = new QuaternionArray(uniform(rand, N * 4));
  const q = new QuaternionArray(uniform(rand, N * 4));
  const qq = q.multiply(q.conjugate());
  const n = q.norm();
  const lhs = p.multiply(q).conjugate(), rhs = q.conjugate().multiply(p.conjugate());
  for (let i = 0; i < N; i++) {
    assertQuatClose(qq.get(i), { w: n[i] * n[i], x: 0, y: 0, z: 0 });
    assertQuatClose(lhs.get(i), rhs.get(i));
  }
});

Deno.test("quaternion: normalize gives unit norm, same direction; in place works", () => {
  const rand = seeded(3);
  const flat = uniform(rand, N * 4, -1e3, 1e3);
  const q = new QuaternionArray(flat.slice());
  const u = q.normalize();
  const norms = u.norm(), orig = q.norm();
  for (let i = 0; i < N; i++) {
    assert.ok(close(norms[i], 1, 1e-14));
    for (let k = 0; k < 4; k++) {
      assert.ok(close(u.values[4 * i + k] * orig[i], flat[4 * i + k], 1e-12));
    }
  }
  const inPlace = q.normalize(q.values);
  assert.equal(inPlace.values, q.values);
  assert.deepEqual(inPlace.values, u.values);
  const zero = QuaternionArray.allocate(1).normalize();
  assert.ok(Number.isNaN(zero.values[0]));
});

Deno.test("quaternion: rotate equals q v q⁻¹ by Hamilton products and preserves length", () => {
  const rand = seeded(4);
  const q = new QuaternionArray(uniform(rand, N * 4, -3, 3));
  const v = uniform(rand, N * 3, -5, 5);
  const r = q.rotate(v);
  const n = q.norm();
  for (let i = 0; i < N; i++) {
    const qi = q.get(i)!;
    const inv = {
      w: qi.w / n[i] ** 2,
      x: -qi.x / n[i] ** 2,
      y: -qi.y / n[i] ** 2,
      z: -qi.z / n[i] ** 2,
    };
    const want = hamilton(
      hamilton(qi, { w: 0, x: v[3 * i], y: v[3 * i + 1], z: v[3 * i + 2] }),
      inv,
    );
    assert.ok(close(want.w, 0, 1e-12));
    assert.ok(
      close(r[3 * i], want.x, 1e-12) && close(r[3 * i + 1], want.y, 1e-12) &&
        close(r[3 * i + 2], want.z, 1e-12),
    );
    const before = Math.hypot(v[3 * i], v[3 * i + 1], v[3 * i + 2]);
    const after = Math.hypot(r[3 * i], r[3 * i + 1], r[3 * i + 2]);
    assert.ok(close(before, after, 1e-13));
  }
  // broadcast: one quaternion rotates every vector; axis-angle 120° about (1,1,1) cycles x→y→z
  const a = (2 * Math.PI) / 3, s = Math.sin(a / 2) / Math.sqrt(3);
  const one = new QuaternionArray(new Float64Array([Math.cos(a / 2), s, s, s]));
  const out = one.rotate(new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]));
  const want = [0, 1, 0, 0, 0, 1, 1, 0, 0];
  out.forEach((x, i) => assert.ok(close(x, want[i], 1e-15), `${i}: ${x}`));
});

Deno.test("quaternion: nulls propagate through binary operations", () => {
  const a = QuaternionArray.from([{ w: 1, x: 0, y: 0, z: 0 }, null, { w: 2, x: 0, y: 0, z: 0 }]);
  const b = QuaternionArray.from([null, { w: 1, x: 0, y: 0, z: 0 }, { w: 3, x: 0, y: 0, z: 0 }]);
  const ab = a.multiply(b);
  assert.deepEqual([...ab], [null, null, { w: 6, x: 0, y: 0, z: 0 }]);
  assert.deepEqual([...a.conjugate()].map((q) => q === null), [false, true, false]);
  assert.equal(a.isValid(1), false);
});
