import assert from "node:assert/strict";
import { ArrowError } from "../errors.ts";
import {
  FixedShapeTensorArray,
  fixedShapeTensorMetadata,
  parseFixedShapeTensorMetadata,
} from "./fixed_shape_tensor.ts";
import { close, seeded, uniform } from "./_test_random.ts";

Deno.test("fixed_shape_tensor: row-major indexing and zero-copy views", () => {
  const values = new Float64Array(2 * 3 * 4 * 5).map((_, i) => i);
  const t = new FixedShapeTensorArray(values, { shape: [3, 4, 5] });
  assert.equal(t.length, 2);
  assert.equal(t.size, 60);
  for (let i = 0; i < 2; i++) {
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 4; b++) {
        for (let c = 0; c < 5; c++) assert.equal(t.value(i, a, b, c), i * 60 + a * 20 + b * 5 + c);
      }
    }
  }
  const view = t.get(1)!;
  assert.equal(view.buffer, values.buffer);
  view[0] = -1;
  assert.equal(values[60], -1);
});

Deno.test("fixed_shape_tensor: permutation maps logical to physical indices", () => {
  // logical shape [2, 3, 4]; physical order (dims 2, 0, 1) → physical shape [4, 2, 3]
  const shape = [2, 3, 4], permutation = [2, 0, 1];
  const phys = new Int32Array(24);
  // fill physical storage so each number encodes its logical index a*100 + b*10 + c
  for (let c = 0; c < 4; c++) {
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 3; b++) phys[c * 6 + a * 3 + b] = a * 100 + b * 10 + c;
    }
  }
  const t = new FixedShapeTensorArray(phys, { shape, permutation });
  for (let a = 0; a < 2; a++) {
    for (let b = 0; b < 3; b++) {
      for (let c = 0; c < 4; c++) assert.equal(t.value(0, a, b, c), a * 100 + b * 10 + c);
    }
  }
  assert.throws(() => t.value(0, 2, 0, 0), ArrowError);
  assert.throws(() => t.value(0, 0, 0), ArrowError);
});

Deno.test("fixed_shape_tensor: metadata round trip uses the spec's field names", () => {
  const p = { shape: [2, 5], dimNames: ["C", "W"], permutation: [1, 0] };
  const json = fixedShapeTensorMetadata(p);
  assert.deepEqual(JSON.parse(json), { shape: [2, 5], dim_names: ["C", "W"], permutation: [1, 0] });
  assert.deepEqual(parseFixedShapeTensorMetadata(json), p);
  for (
    const bad of [
      "x",
      "[1]",
      "{}",
      '{"shape":[-1]}',
      '{"shape":[1.5]}',
      '{"shape":[65536, 65536]}',
      '{"shape":[2],"dim_names":["a","b"]}',
      '{"shape":[2,2],"permutation":[0,0]}',
      '{"shape":[2,2],"permutation":[0,2]}',
    ]
  ) {
    assert.throws(
      () => parseFixedShapeTensorMetadata(bad),
      (e) => e instanceof ArrowError && e.code === "corrupt",
      bad,
    );
  }
});

Deno.test("fixed_shape_tensor: Frobenius norm, storage checks, set", () => {
  const rand = seeded(50);
  const vals = uniform(rand, 100 * 9);
  const t = new FixedShapeTensorArray(vals, { shape: [3, 3] });
  const f = t.frobeniusNorm();
  for (let i = 0; i < 100; i++) {
    assert.ok(close(f[i], Math.hypot(...vals.subarray(9 * i, 9 * i + 9)), 1e-14));
  }
  assert.throws(
    () => new FixedShapeTensorArray(new Float64Array(10), { shape: [3, 3] }),
    ArrowError,
  );
  assert.throws(() => t.set(0, [1, 2]), ArrowError);
  t.set(0, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.equal(t.frobeniusNorm()[0], Math.sqrt(3));
});
