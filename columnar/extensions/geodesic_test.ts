import assert from "node:assert/strict";
import { ArrowError } from "../errors.ts";
import { GeodesicArray, parseGeodesicMetadata } from "./geodesic.ts";
import { Tensor4dArray } from "./tensor4d.ts";
import { close, seeded, uniform } from "./_test_random.ts";

const N = 3000;
const metric = { metric: "schwarzschild", M: 1.989e30 };

Deno.test("geodesic: spherical → Cartesian matches the textbook formulas", () => {
  const rand = seeded(40);
  const flat = new Float64Array(N * 4);
  for (let i = 0; i < N; i++) {
    flat.set([100 * rand(), Math.PI * rand(), Math.PI * (2 * rand() - 1), rand()], 4 * i);
  }
  const g = new GeodesicArray(flat, metric);
  const c = g.toCartesian();
  for (let i = 0; i < N; i++) {
    const { r, theta, phi, t } = g.get(i)!;
    const p = c.get(i)!;
    assert.ok(close(p.x, r * Math.sin(theta) * Math.cos(phi)));
    assert.ok(close(p.y, r * Math.sin(theta) * Math.sin(phi)));
    assert.ok(close(p.z, r * Math.cos(theta)));
    assert.equal(p.t, t);
  }
});

Deno.test("geodesic: Cartesian → spherical → Cartesian round trip; angles in range", () => {
  const rand = seeded(41);
  const cart = new Tensor4dArray(uniform(rand, N * 4, -1e3, 1e3));
  const g = GeodesicArray.fromCartesian(cart, metric);
  assert.deepEqual(g.metric, metric);
  const back = g.toCartesian();
  for (let i = 0; i < N; i++) {
    const p = g.get(i)!;
    assert.ok(
      p.r >= 0 && p.theta >= 0 && p.theta <= Math.PI && p.phi > -Math.PI - 1e-15 &&
        p.phi <= Math.PI,
    );
    for (let k = 0; k < 4; k++) {
      assert.ok(close(back.values[4 * i + k], cart.values[4 * i + k], 1e-12));
    }
  }
  const origin = GeodesicArray.fromCartesian(new Tensor4dArray(new Float64Array(4)), metric);
  assert.deepEqual(origin.get(0), { r: 0, theta: 0, phi: 0, t: 0 });
});

Deno.test("geodesic: metric metadata is JSON with a name; bad metadata is a typed error", () => {
  const g = new GeodesicArray(new Float64Array(4), metric);
  assert.deepEqual(parseGeodesicMetadata(g.metadata()), metric);
  for (const bad of ["", "{", "[]", "null", '{"M":1}', '{"metric":""}', '{"metric":3}']) {
    assert.throws(
      () => parseGeodesicMetadata(bad),
      (e) => e instanceof ArrowError && e.code === "corrupt",
      bad,
    );
  }
  assert.throws(
    () => new GeodesicArray(new Float64Array(4), {} as unknown as { metric: string }),
    (e) => e instanceof ArrowError && e.code === "invalid",
  );
});
