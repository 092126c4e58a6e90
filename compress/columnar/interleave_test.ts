import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import { rng } from "../_test_rng.ts";
import { compressColumnar, decompressColumnar, type ElementType, inspectColumnar } from "./mod.ts";
import { HEADER_SIZE } from "./_format.ts";
import { ransDecode, RansDecoder, ransEncode } from "./_rans.ts";
import { INTERLEAVE_MIN } from "./_split.ts";

const bytesOf = (a: ArrayBufferView): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Offset of the split head's rANS state count in a columnar frame. */
const statesAt = (frame: Uint8Array): number =>
  HEADER_SIZE + (3 * inspectColumnar(frame).exceptions + 4) * 4 + 2;

function onlyCorrupt(f: () => unknown, what: string): void {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CompressError && e.code === "corrupt", `${what}: ${e}`);
  }
}

Deno.test("rANS: interleaved blocks round-trip at every state count, length and run size", () => {
  const r = rng(31);
  const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 1023, 1025, 5001];
  const shapes: ((i: number) => number)[] = [
    () => 7, // one symbol: no stream bytes beyond the states
    () => Math.floor(r() * 256), // 8 bits a symbol: 1 byte in, most symbols
    () => Math.min(255, Math.floor(-Math.log(r()) * 3)), // skewed: 0 bytes in, most symbols
  ];
  for (const states of [1, 2, 4]) {
    for (const n of lengths) {
      for (const shape of shapes) {
        const sym = Uint8Array.from({ length: n }, (_, i) => shape(i));
        const block = ransEncode(sym, states);
        const out = new Uint8Array(n);
        assert.equal(ransDecode(block, 0, block.length, out, states), block.length);
        assert.deepEqual(out, sym, `${states} states, ${n} symbols`);
        // In runs of odd sizes: the state that decodes next carries over between runs.
        for (const run of [1, 3, 5, 1000]) {
          const d = new RansDecoder(block, 0, block.length, states);
          const got = new Uint8Array(n);
          for (let i = 0; i < n; i += run) {
            const part = new Uint8Array(Math.min(run, n - i));
            d.fill(part, part.length);
            got.set(part, i);
          }
          assert.equal(d.finish(), block.length);
          assert.deepEqual(got, sym, `${states} states, ${n} symbols, runs of ${run}`);
        }
      }
    }
  }
  // Each extra state costs its 4 bytes of final state (and at most a byte of slack).
  const sym = Uint8Array.from({ length: 20000 }, () => Math.floor(r() * r() * 64));
  const one = ransEncode(sym, 1).length;
  const four = ransEncode(sym, 4).length;
  assert.ok(four >= one + 8 && four <= one + 16, `1 state ${one} bytes, 4 states ${four}`);
});

Deno.test("rANS: interleaved blocks mutated, cut or read with the wrong state count", () => {
  const r = rng(32);
  const sym = Uint8Array.from({ length: 3001 }, () => Math.floor(r() * r() * 90));
  for (const states of [2, 4]) {
    const block = ransEncode(sym, states);
    const out = new Uint8Array(sym.length);
    // Read with another state count, the block's stream does not end where it should.
    for (const other of [1, 2, 4].filter((s) => s !== states)) {
      assert.throws(
        () => ransDecode(block, 0, block.length, out, other),
        (e) => e instanceof CompressError && e.code === "corrupt",
      );
    }
    for (let k = 0; k < 1500; k++) {
      const m = block.slice();
      const p = Math.floor(r() * m.length);
      m[p] ^= 1 << Math.floor(r() * 8);
      const cut = r() < 0.2 ? Math.floor(r() * m.length) : m.length;
      onlyCorrupt(() => ransDecode(m, 0, cut, out, states), `${states} states, byte ${p}`);
    }
  }
  assert.throws(
    () => new RansDecoder(ransEncode(sym, 1), 0, 10, 3),
    (e) => e instanceof CompressError && e.code === "corrupt",
  );
});

/** Split frames of at least INTERLEAVE_MIN elements, covering modes 0-4 of the split. */
function bigSplitFrames(): { frame: Uint8Array; data: Uint8Array; what: string }[] {
  const r = rng(33);
  const n = INTERLEAVE_MIN + 3; // not a whole number of rounds of 4
  const out: { frame: Uint8Array; data: Uint8Array; what: string }[] = [];
  const mk = (what: string, t: ElementType, a: ArrayBufferView, predictor?: "none" | "delta") => {
    const data = bytesOf(a);
    const frame = compressColumnar(data, { elementType: t, only: { layout: "split", predictor } });
    assert.equal(inspectColumnar(frame).transforms.at(-1), "split", what);
    out.push({ frame, data, what });
  };
  let v = 0;
  mk("noisy f64 bits", "f64", Float64Array.from({ length: n }, () => (v += r() - 0.5) * Math.PI));
  mk(
    "counts i32",
    "i32",
    Int32Array.from({ length: n }, () => Math.floor(Math.exp(r() * r() * 14))),
  );
  mk(
    "gaps i64",
    "i64",
    BigInt64Array.from({ length: n }, (_, i) => BigInt(i * 1000 + (r() < 0.01 ? 2 ** 40 : 0))),
  );
  mk(
    "drift i64",
    "i64",
    BigInt64Array.from(
      { length: n },
      (_, i) => BigInt(Math.floor((r() - 0.5) * 2 ** (4 + (i >> 8)))),
    ),
    "none",
  );
  // A reference per block, one K (mode 0).
  mk(
    "steps i64",
    "i64",
    BigInt64Array.from({ length: n }, (_, i) => BigInt((i >> 10) * 1e9 + Math.floor(r() * 1000))),
    "none",
  );
  mk(
    "jitter i64",
    "i64",
    BigInt64Array.from({ length: n }, (_, i) => BigInt(i * 1000 + Math.floor(r() * 50))),
    "delta",
  );
  // Log bins on the zigzag residuals (mode 4) with escapes, summed in the reader's pass:
  // into the output words (64-bit) and into the lanes (32-bit).
  const rj = rng(35);
  let w = 0n;
  const jumps = BigInt64Array.from(
    { length: n },
    () =>
      w += BigInt(rj() < 0.5 ? -1 : 1) *
        (rj() < 0.005
          ? 2n ** 50n + BigInt(Math.floor(rj() * 1e6))
          : BigInt(Math.floor(rj() * 200))),
  );
  mk("mode 4 escapes i64", "i64", jumps, "delta");
  mk("mode 4 i32", "i32", Int32Array.from(jumps, (x) => Number(BigInt.asIntN(32, x))), "delta");
  return out;
}

Deno.test("split layout: arrays from INTERLEAVE_MIN elements on get 4 rANS states", () => {
  const frames = bigSplitFrames();
  // The mode 4 frame has escapes (mode byte, then the escape count).
  const m4 = frames.find((f) => f.what === "mode 4 escapes i64")!.frame;
  assert.equal(m4[statesAt(m4) - 1], 4);
  assert.ok(new DataView(m4.buffer).getUint32(statesAt(m4) + 2, true) > 0);
  for (const { frame, data, what } of frames) {
    assert.equal(frame[statesAt(frame)], 4, what);
    assert.deepEqual(decompressColumnar(frame), data, what);
    // Another state count in the head: the high bytes no longer decode as written.
    for (const bad of [0, 1, 2, 3, 5, 255]) {
      const m = frame.slice();
      m[statesAt(frame)] = bad;
      assert.throws(
        () => decompressColumnar(m),
        (e) => e instanceof CompressError && (e.code === "corrupt" || e.code === "checksum"),
        `${what}: ${bad} states`,
      );
    }
  }
  // Below it, one state: as written before, and 12 bytes smaller.
  const small = compressColumnar(
    bytesOf(Int32Array.from({ length: 3000 }, (_, i) => i * 7 % 1000)),
    {
      elementType: "i32",
      only: { layout: "split" },
    },
  );
  assert.equal(small[statesAt(small)], 0);
});

Deno.test("split layout: mutated interleaved frames give only CompressError", () => {
  const r = rng(34);
  for (const { frame, data, what } of bigSplitFrames()) {
    assert.equal(frame[statesAt(frame)], 4, what);
    for (let k = 0; k < 300; k++) {
      const m = frame.slice();
      const flips = 1 + Math.floor(r() * 3);
      for (let f = 0; f < flips; f++) {
        // Half the flips in the head and tables, where the counts and the states are.
        const p = r() < 0.5 ? HEADER_SIZE + Math.floor(r() * 64) : Math.floor(r() * m.length);
        if (p < m.length) m[p] ^= 1 << Math.floor(r() * 8);
      }
      const cut = r() < 0.1 ? Math.floor(r() * m.length) : m.length;
      try {
        const out = decompressColumnar(m.subarray(0, cut), { maxOutputSize: 1 << 20 });
        assert.deepEqual(out, data, `${what}: decoded to different data`);
      } catch (e) {
        if (!(e instanceof CompressError)) throw new Error(`${what}: ${e}`, { cause: e });
      }
    }
  }
});

Deno.test("split layout: frames written before interleaving still decode", async () => {
  // Written by the encoder before the state count (one state each), modes 0-4 of the split,
  // every numeric corpus kind, escapes, wide bins and 0-5 elements.
  const url = new URL("./testdata/split_frames_v1.json", import.meta.url);
  const cases: { name: string; length: number; sha256: string; frame: string }[] = JSON.parse(
    await Deno.readTextFile(url),
  );
  assert.ok(cases.length >= 20);
  for (const c of cases) {
    const frame = Uint8Array.from(atob(c.frame), (ch) => ch.charCodeAt(0));
    const out = decompressColumnar(frame);
    assert.equal(out.length, c.length, c.name);
    const hash = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", out.slice())),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    assert.equal(hash, c.sha256, c.name);
  }
});
