import assert from "node:assert/strict";
import { float16ToNumber, numberToFloat16 } from "./column.ts";
import { seeded } from "./extensions/_test_random.ts";
import { python } from "./_test_python.ts";

/** Every half, the exact midpoints between neighbours and their float64 neighbours, random
 * doubles at every binade of the half range, subnormals, overflow edges, NaN and infinities. */
function probes(): Float64Array {
  const out: number[] = [];
  const f = new Float64Array(1), bits = new BigUint64Array(f.buffer);
  const next = (x: number, dir: 1n | -1n) => {
    f[0] = x;
    bits[0] += dir;
    return f[0];
  };
  for (let h = 0; h < 0x7c00; h++) {
    const a = float16ToNumber(h), b = float16ToNumber(h + 1);
    const mid = (a + b) / 2; // exact in float64
    for (const s of [1, -1]) {
      out.push(s * a, s * mid, s * next(mid, 1n), s * next(mid, -1n));
      // just above and below the midpoint by less than float32 can tell apart
      out.push(s * (mid + mid * 2 ** -30), s * (mid - mid * 2 ** -30));
    }
  }
  const r = seeded(16);
  for (let i = 0; i < 60_000; i++) {
    const e = Math.floor(r() * 44) - 28; // 2^-28 .. 2^16
    out.push((r() < 0.5 ? -1 : 1) * (1 + r()) * 2 ** e);
  }
  out.push(
    65504,
    65519.99,
    65520,
    65536,
    1e300,
    -1e300,
    2 ** -24,
    2 ** -25,
    2 ** -26,
    3 * 2 ** -26,
  );
  out.push(NaN, -NaN, Infinity, -Infinity, 0, -0, 5e-324, Number.MIN_VALUE, Number.MAX_VALUE);
  return Float64Array.from(out);
}

Deno.test("float16 conversion matches numpy on every half, every midpoint and its neighbours", async () => {
  const xs = probes();
  const ref = await python(
    `import sys, numpy as np
x = np.frombuffer(sys.stdin.buffer.read(), dtype="<f8")
with np.errstate(over="ignore"):
    sys.stdout.buffer.write(x.astype("<f2").view("<u2").tobytes())`,
    new Uint8Array(xs.buffer),
  );
  const want = new Uint16Array(ref.buffer, ref.byteOffset, ref.length / 2);
  assert.equal(want.length, xs.length);
  let wrong = 0;
  const first: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const got = numberToFloat16(xs[i]);
    if (got !== want[i]) {
      wrong++;
      if (first.length < 5) {
        first.push(`${xs[i]}: ${got.toString(16)} vs numpy ${want[i].toString(16)}`);
      }
    }
  }
  assert.equal(wrong, 0, `${wrong} of ${xs.length} differ from numpy: ${first.join("; ")}`);
});
