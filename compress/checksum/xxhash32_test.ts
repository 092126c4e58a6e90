import assert from "node:assert/strict";
import { XxHash32, xxhash32, xxhash32Range, xxhash32WithView } from "./xxhash32.ts";
import { lz4Tool, Rng } from "../lz4/_test_lz4_tool.ts";

const PRIME32 = 2654435761;

/** The xxHash project's sanity-check buffer (cli/xsum_sanity_check.c, XSUM_fillTestBuffer). */
function sanityBuffer(len: number): Uint8Array {
  const out = new Uint8Array(len);
  let gen = BigInt(PRIME32);
  const prime64 = 11400714785074694797n;
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < len; i++) {
    out[i] = Number(gen >> 56n);
    gen = (gen * prime64) & mask;
  }
  return out;
}

// Expected values published by the xxHash project itself (XSUM_XXH32_testdata).
const VECTORS: [number, number, number][] = [
  [0, 0, 0x02cc5d05],
  [0, PRIME32, 0x36b78ae7],
  [1, 0, 0xcf65b03e],
  [1, PRIME32, 0xb4545aa4],
  [14, 0, 0x1208e7e2],
  [14, PRIME32, 0x6af1d1fe],
  [222, 0, 0x5bd11dbd],
  [222, PRIME32, 0x58803c5f],
];

Deno.test("xxhash32 matches the xxHash project's sanity vectors, one-shot and streamed", () => {
  const buf = sanityBuffer(222);
  for (const [len, seed, expected] of VECTORS) {
    const data = buf.subarray(0, len);
    assert.equal(xxhash32(data, seed), expected, `len ${len} seed ${seed}`);
    const whole = new XxHash32(seed).update(data).digest();
    assert.equal(whole, expected, `streamed whole, len ${len}`);
    const bytewise = new XxHash32(seed);
    for (let i = 0; i < len; i++) bytewise.update(data.subarray(i, i + 1));
    assert.equal(bytewise.digest(), expected, `byte by byte, len ${len}`);
  }
});

Deno.test("xxhash32Range hashes a range of a buffer as xxhash32 hashes its subarray", () => {
  const rng = new Rng(31);
  const buf = rng.bytes(300);
  // A view over a buffer that starts at an odd offset inside its ArrayBuffer.
  const data = buf.subarray(3, 290);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let k = 0; k < 300; k++) {
    const start = rng.int(data.length + 1);
    const end = start + rng.int(data.length - start + 1);
    const seed = rng.u32();
    const want = xxhash32(data.slice(start, end), seed);
    assert.equal(xxhash32Range(data, view, start, end, seed), want, `[${start}, ${end})`);
  }
});

Deno.test("xxhash32 equals the content checksum the lz4 tool writes", async () => {
  const rng = new Rng(7);
  for (const len of [0, 1, 3, 4, 5, 15, 16, 17, 31, 32, 33, 63, 64, 100, 1000, 65537]) {
    const data = rng.bytes(len);
    const frame = await lz4Tool(["-c"], data);
    // Content checksum (little endian) is the frame's last 4 bytes, xxh32(content, seed 0).
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const expected = view.getUint32(frame.length - 4, true);
    assert.equal(xxhash32(data), expected, `len ${len}`);
    // Header checksum: second byte of xxh32 over the frame descriptor (FLG, BD).
    assert.equal((xxhash32(frame.subarray(4, 6)) >>> 8) & 0xff, frame[6]);
  }
});

Deno.test("XxHash32 gives the same digest for any split of the input", () => {
  const rng = new Rng(99);
  for (let round = 0; round < 200; round++) {
    const data = rng.bytes(rng.int(300));
    const seed = rng.u32();
    const h = new XxHash32(seed);
    let i = 0;
    while (i < data.length) {
      const n = 1 + rng.int(40);
      h.update(data.subarray(i, i + n));
      i += n;
    }
    assert.equal(h.digest(), xxhash32(data, seed));
  }
});

Deno.test("XxHash32 digest does not consume state; reset starts over", () => {
  const h = new XxHash32();
  const a = new TextEncoder().encode("abcdefghijklmnopqrstuvwxyz");
  h.update(a.subarray(0, 20));
  assert.equal(h.digest(), xxhash32(a.subarray(0, 20)));
  h.update(a.subarray(20));
  assert.equal(h.digest(), xxhash32(a));
  h.reset();
  assert.equal(h.digest(), 0x02cc5d05);
});

Deno.test("xxhash32WithView equals xxhash32 for views at any offset and length", () => {
  const rng = new Rng(77);
  const backing = rng.bytes(4096);
  for (const n of [0, 1, 15, 16, 17, 31, 32, 33, 100, 1000, 4000]) {
    for (const offset of [0, 1, 3, 7]) {
      if (offset + n > backing.length) continue;
      const data = backing.subarray(offset, offset + n);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      assert.equal(xxhash32WithView(data, view), xxhash32(data), `${n} bytes at ${offset}`);
      assert.equal(xxhash32WithView(data, view, 99), xxhash32(data, 99), `seeded, ${n} bytes`);
      assert.equal(xxhash32WithView(data, null), xxhash32(data), `no view, ${n} bytes`);
    }
  }
});
