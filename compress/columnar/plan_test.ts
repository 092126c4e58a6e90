import assert from "node:assert/strict";
import { encodeColumnar } from "./mod.ts";

Deno.test("plan choice: residuals with a pattern keep bit packing + zstd when it is smaller", () => {
  // A smooth float32 signal: delta-of-delta leaves a periodic term (the fastest sine) that an
  // order-0 coder (the split) cannot use and zstd over the bit-packed residuals can.
  const n = 1 << 17;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    v[i] = 21.5 + 3 * Math.sin(i / 5000) + 0.25 * Math.sin(i / 311 + 1) + 0.01 * Math.sin(i / 23);
  }
  const data = new Uint8Array(v.buffer);
  const chosen = encodeColumnar(data, { elementType: "f32" });
  const packed = encodeColumnar(data, { elementType: "f32", only: { layout: "bitpack" } });
  assert.equal(packed.info.inner, "zstd");
  assert.ok(
    chosen.frame.length <= packed.frame.length * 1.02,
    `${chosen.info.transforms.join(" + ")}: ${chosen.frame.length} bytes, ` +
      `bit packing + zstd: ${packed.frame.length}`,
  );
});
