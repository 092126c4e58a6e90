import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import { decompressAutoFrame } from "../auto/mod.ts";
import { compressColumnar, decompressColumnar, type ElementType } from "./mod.ts";
import { rng } from "../_test_rng.ts";

const r = rng(2024);
const LIMIT = 1 << 20;

function onlyTyped(frame: Uint8Array, original: Uint8Array | null, what: string): void {
  try {
    const out = decompressColumnar(frame, { maxOutputSize: LIMIT });
    // A mutation the checksum cannot see must still decode to the original.
    if (original) assert.deepEqual(out, original, `${what}: decoded to different data`);
  } catch (e) {
    if (!(e instanceof CompressError)) throw new Error(`${what}: ${e}`, { cause: e });
  }
}

function seeds(): { frame: Uint8Array; data: Uint8Array }[] {
  const out: { frame: Uint8Array; data: Uint8Array }[] = [];
  const n = 1500;
  const mk = (
    t: ElementType,
    a: ArrayBufferView,
    only?: { layout?: "bitpack" | "shuffle" | "plain" | "split"; predictor?: "none" },
  ) => {
    const data = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    out.push({ frame: compressColumnar(data, { elementType: t, only }), data });
  };
  const walk = Float64Array.from({ length: n }, (_, i) => Math.round(Math.sin(i / 30) * 1e4) / 100);
  walk[3] = NaN;
  mk("f64", walk);
  mk("f64", walk, { layout: "shuffle" });
  mk("f32", Float32Array.from({ length: n }, (_, i) => Math.cos(i / 9)));
  mk("i64", BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 1000n + BigInt(i % 7)));
  mk("i32", Int32Array.from({ length: n }, (_, i) => i * 3), { layout: "plain" });
  mk("u16", Uint16Array.from({ length: n }, (_, i) => (i * 13) % 4000));
  // Split payloads: decimal mapping with an exception, escapes (a gap), a wide K.
  mk("f64", walk, { layout: "split" });
  mk(
    "i64",
    BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 1000n + BigInt((i * 7919) % 97)),
    { layout: "split" },
  );
  const gaps = BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 1000n + BigInt(i % 5));
  for (let i = 700; i < n; i++) gaps[i] += 10n ** 12n;
  mk("i64", gaps, { layout: "split" });
  mk("f32", Float32Array.from({ length: n }, (_, i) => Math.cos(i / 9)), { layout: "split" });
  // Integers whose scale drifts: a K per block (split mode 2).
  const drift = BigInt64Array.from(
    { length: 3000 },
    (_, i) => BigInt(Math.floor(Math.sin(i * 7.1) * 2 ** (4 + (i >> 7)))),
  );
  mk("i64", drift, { layout: "split", predictor: "none" });
  // Skewed integers: log bins (split mode 3).
  const skewed = Int32Array.from(
    { length: n },
    (_, i) => Math.floor(Math.exp((i * 7919) % 97 / 7)),
  );
  mk("i32", skewed, { layout: "split", predictor: "none" });
  // Full-precision floats of a random walk: log bins on zigzag residuals (split mode 4).
  const fwalk = new Float64Array(n);
  for (let i = 1; i < n; i++) fwalk[i] = fwalk[i - 1] + Math.sin(i * 7.1) + Math.cos(i * 3.3);
  mk("f64", fwalk, { layout: "split" });
  return out;
}

Deno.test("fuzz: mutated columnar frames give only CompressError (or the original data)", () => {
  // Split modes 1 to 4 are among the seeds (byte 57 of a split frame without exceptions).
  const modes = new Set(seeds().filter((s) => s.frame[8] === 3).map((s) => s.frame[57]));
  assert.ok([1, 2, 3, 4].every((m) => modes.has(m)), [...modes].join());
  for (const { frame, data } of seeds()) {
    for (let k = 0; k < 700; k++) {
      const m = frame.slice();
      const flips = 1 + Math.floor(r() * 4);
      for (let j = 0; j < flips; j++) {
        // bias towards the header, where lengths and codes live
        const p = r() < 0.5 ? Math.floor(r() * 40) : Math.floor(r() * m.length);
        m[p] ^= 1 << Math.floor(r() * 8);
      }
      onlyTyped(m, data, `mutation ${k}`);
    }
  }
});

Deno.test("fuzz: truncated frames and random bytes give only CompressError", () => {
  for (const { frame } of seeds()) {
    for (let cut = 0; cut < frame.length; cut += Math.max(1, Math.floor(frame.length / 200))) {
      assert.throws(
        () => decompressColumnar(frame.subarray(0, cut)),
        (e) => e instanceof CompressError,
        `cut at ${cut}`,
      );
    }
  }
  for (let k = 0; k < 3000; k++) {
    const len = Math.floor(r() * 200);
    const b = new Uint8Array(len);
    for (let i = 0; i < len; i++) b[i] = Math.floor(r() * 256);
    if (len >= 5 && r() < 0.7) b.set([0xac, 0x43, 0x4f, 0x4c, 1]);
    onlyTyped(b, null, `random ${k}`);
    try {
      decompressAutoFrame(b, LIMIT);
    } catch (e) {
      assert.ok(e instanceof CompressError, String(e));
    }
  }
});

Deno.test("fuzz: huge declared lengths are refused before allocating", () => {
  const frame = compressColumnar(new Uint8Array(new Float64Array(100).buffer), {
    elementType: "f64",
  });
  const big = frame.slice();
  new DataView(big.buffer).setUint32(12, 0xffffffff, true); // count
  assert.throws(
    () => decompressColumnar(big, { maxOutputSize: LIMIT }),
    (e) => e instanceof CompressError && e.code === "limit",
  );
  const pay = frame.slice();
  new DataView(pay.buffer).setUint32(16, 0xfffffff0, true); // payload length
  assert.throws(
    () => decompressColumnar(pay),
    (e) => e instanceof CompressError && e.code === "corrupt",
  );
});
