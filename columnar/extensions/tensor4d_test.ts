import assert from "node:assert/strict";
import { ArrowError } from "../errors.ts";
import { Tensor4dArray } from "./tensor4d.ts";
import { close, seeded, uniform } from "./_test_random.ts";

const N = 3000;

Deno.test("tensor4d: Euclidean norm and Minkowski interval against direct formulas", () => {
  const rand = seeded(30);
  const flat = uniform(rand, N * 4, -50, 50);
  const e = new Tensor4dArray(flat);
  const eu = e.euclideanNorm(),
    mk = e.minkowskiInterval(),
    mk2 = e.minkowskiInterval({ signature: "+---" });
  const c = 299792458, mkc = e.minkowskiInterval({ c });
  for (let i = 0; i < N; i++) {
    const [x, y, z, t] = flat.subarray(4 * i, 4 * i + 4);
    assert.ok(close(eu[i], Math.hypot(x, y, z, t), 1e-14));
    const s2 = x * x + y * y + z * z - t * t;
    assert.ok(close(mk[i], s2, 1e-12));
    assert.equal(mk2[i], -mk[i]);
    assert.ok(close(mkc[i], x * x + y * y + z * z - c * c * t * t, 1e-12));
  }
});

Deno.test("tensor4d: the interval is invariant under a Lorentz boost", () => {
  const rand = seeded(31);
  const e = new Tensor4dArray(uniform(rand, N * 4, -10, 10));
  const beta = 0.6, gamma = 1 / Math.sqrt(1 - beta * beta);
  const boosted = new Float64Array(N * 4);
  for (let i = 0; i < N; i++) {
    const { x, y, z, t } = e.get(i)!;
    boosted.set([gamma * (x - beta * t), y, z, gamma * (t - beta * x)], 4 * i);
  }
  const a = e.minkowskiInterval(), b = new Tensor4dArray(boosted).minkowskiInterval();
  for (let i = 0; i < N; i++) assert.ok(close(a[i], b[i], 1e-11), `${a[i]} vs ${b[i]}`);
});

Deno.test("tensor4d: classification, options validation, nulls", () => {
  const e = new Tensor4dArray(new Float64Array([3, 4, 0, 5, 0, 0, 0, 1, 2, 0, 0, 1]));
  assert.deepEqual(Array.from(e.minkowskiInterval(), Math.sign), [0, -1, 1]);
  assert.throws(() => e.minkowskiInterval({ c: 0 }), ArrowError);
  assert.throws(() => e.minkowskiInterval({ c: Infinity }), ArrowError);
  assert.throws(() => e.minkowskiInterval({ signature: "++++" as unknown as "-+++" }), ArrowError);
  const n = Tensor4dArray.from([null, { x: 1, y: 2, z: 3, t: 4 }]);
  assert.equal(n.get(0), null);
  assert.deepEqual(n.get(1), { x: 1, y: 2, z: 3, t: 4 });
});
