import assert from "node:assert/strict";
import snappy from "snappy";
import { CompressError } from "../errors.ts";
import { compressRaw, decompressRaw, maxCompressedLength, rawDecompressedLength } from "./mod.ts";
import { firstDifference, seeded, shapes } from "./_test_data.ts";

const SHAPES = shapes(1);

function expectError(fn: () => unknown, code: string, label = ""): CompressError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CompressError, `${label}: expected CompressError, got ${e}`);
    assert.equal(e.code, code, `${label}: ${e.message}`);
    return e;
  }
  assert.fail(`${label}: expected a CompressError "${code}"`);
}

Deno.test("raw: native snappy decodes our output, for every shape", () => {
  for (const [name, data] of SHAPES) {
    const ours = compressRaw(data);
    assert.ok(ours.length <= maxCompressedLength(data.length), name);
    const back = new Uint8Array(snappy.uncompressSync(ours) as Uint8Array);
    assert.equal(back.length, data.length, name);
    assert.equal(firstDifference(back, data), -1, name);
  }
});

Deno.test("raw: we decode native snappy's output, for every shape", () => {
  for (const [name, data] of SHAPES) {
    const native = new Uint8Array(snappy.compressSync(data));
    const back = decompressRaw(native);
    assert.equal(back.length, data.length, name);
    assert.equal(firstDifference(back, data), -1, name);
    assert.equal(rawDecompressedLength(native), data.length, name);
  }
});

Deno.test("raw: compression ratio is on par with the reference compressor", () => {
  for (const [name, data] of SHAPES) {
    if (data.length < 1000) continue;
    const ours = compressRaw(data).length;
    const native = snappy.compressSync(data).length;
    // Same algorithm family; allow 2% slack for heuristics that differ between versions.
    assert.ok(ours <= native * 1.02 + 16, `${name}: ours ${ours}, native ${native}`);
  }
});

Deno.test("raw: incompressible data grows by at most the bound and compressible data shrinks", () => {
  for (const [name, data] of SHAPES) {
    const c = compressRaw(data);
    if (name.startsWith("zeros") && data.length >= 100) assert.ok(c.length < data.length / 10);
    if (name.startsWith("period") || name.startsWith("json")) assert.ok(c.length < data.length);
  }
});

Deno.test("raw: compressRaw does not alias its reusable buffer between calls", () => {
  const a = compressRaw(new TextEncoder().encode("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
  const copy = a.slice();
  compressRaw(new TextEncoder().encode("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
  assert.deepEqual(a, copy);
});

Deno.test("raw: subarray inputs with a byteOffset compress and decompress correctly", () => {
  const rand = seeded(5);
  const big = new Uint8Array(70_000);
  for (let i = 0; i < big.length; i++) big[i] = rand() < 0.7 ? 65 + (i % 13) : (rand() * 256) | 0;
  const part = big.subarray(3, 69_999);
  const c = compressRaw(part);
  const padded = new Uint8Array(c.length + 10);
  padded.set(c, 5);
  assert.equal(firstDifference(decompressRaw(padded.subarray(5, 5 + c.length)), part), -1);
});

Deno.test("raw: maxCompressedLength matches the reference bound", () => {
  assert.equal(maxCompressedLength(0), 32);
  assert.equal(maxCompressedLength(6), 39);
  assert.equal(maxCompressedLength(65536), 32 + 65536 + 10922);
  assert.throws(() => maxCompressedLength(-1), RangeError);
});

// Streams written by hand from format_description.txt, element by element.
Deno.test("raw: hand-assembled streams exercise every element form", () => {
  const te = new TextEncoder();
  // "xababab" = literal "xab" + copy(offset 2, length 4) as a 1-byte-offset copy (§2.2 example).
  assert.deepEqual(
    decompressRaw(Uint8Array.of(7, 0x08, 0x78, 0x61, 0x62, 0x01 | (0 << 2), 0x02)),
    te.encode("xababab"),
  );
  // Same with a 2-byte-offset copy (tag 10, len-1 = 3) and a 4-byte-offset copy (tag 11).
  assert.deepEqual(
    decompressRaw(Uint8Array.of(7, 0x08, 0x78, 0x61, 0x62, 0x02 | (3 << 2), 2, 0)),
    te.encode("xababab"),
  );
  assert.deepEqual(
    decompressRaw(Uint8Array.of(7, 0x08, 0x78, 0x61, 0x62, 0x03 | (3 << 2), 2, 0, 0, 0)),
    te.encode("xababab"),
  );
  // Literal lengths in 1, 2, 3 and 4 extra bytes (tags 60..63), each 100 bytes long.
  const payload = new Uint8Array(100).map((_, i) => i);
  for (let extra = 1; extra <= 4; extra++) {
    const lenBytes = [99, 0, 0, 0].slice(0, extra);
    const stream = Uint8Array.of(100, (59 + extra) << 2, ...lenBytes, ...payload);
    assert.deepEqual(decompressRaw(stream), payload, `literal with ${extra} length bytes`);
  }
  // Two literals in a row are allowed; RLE copy with offset 1 and a long (64) length.
  assert.deepEqual(
    decompressRaw(Uint8Array.of(67, 0x00, 0x41, 0x00, 0x42, 0x02 | (63 << 2), 1, 0, 0x00, 0x41)),
    Uint8Array.of(0x41, ...new Array(65).fill(0x42), 0x41),
  );
  // A 5-byte varint preamble for length 0 written non-minimally is still a valid length.
  assert.deepEqual(decompressRaw(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x00)), new Uint8Array(0));
  // Preamble examples from §1.
  assert.equal(rawDecompressedLength(Uint8Array.of(0x40)), 64);
  assert.equal(rawDecompressedLength(Uint8Array.of(0xfe, 0xff, 0x7f)), 2097150);
  assert.equal(rawDecompressedLength(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f)), 0xffffffff);
});

Deno.test("raw: every malformed element is a typed corrupt error", () => {
  const cases: [string, number[]][] = [
    ["empty input", []],
    ["truncated preamble", [0x80]],
    ["preamble above 2^32-1", [0xff, 0xff, 0xff, 0xff, 0x10]],
    ["preamble of 6 bytes", [0x80, 0x80, 0x80, 0x80, 0x80, 0x00]],
    ["copy first (offset beyond start)", [4, 0x01, 0x01]],
    ["offset zero", [5, 0x00, 0x61, 0x01, 0x00]],
    ["offset beyond output", [6, 0x04, 0x61, 0x62, 0x01, 0x03]],
    ["truncated 1-byte-offset copy", [5, 0x00, 0x61, 0x01]],
    ["truncated 2-byte-offset copy", [5, 0x00, 0x61, 0x02, 0x01]],
    ["truncated 4-byte-offset copy", [5, 0x00, 0x61, 0x03, 0x01, 0x00, 0x00]],
    ["4-byte offset >= 2^31", [5, 0x00, 0x61, 0x03, 0x00, 0x00, 0x00, 0x80]],
    ["truncated literal", [5, 0x10, 0x61]],
    ["truncated literal length", [70, 0xf0]],
    ["literal past declared length", [1, 0x04, 0x61, 0x62]],
    ["copy past declared length", [3, 0x00, 0x61, 0x01, 0x01]],
    ["short output", [3, 0x00, 0x61]],
    ["long 4-byte literal length", [10, 0xfc, 0xff, 0xff, 0xff, 0xff]],
  ];
  for (const [name, bytes] of cases) {
    expectError(() => decompressRaw(Uint8Array.from(bytes)), "corrupt", name);
  }
  expectError(() => rawDecompressedLength(new Uint8Array(0)), "corrupt");
});

Deno.test("raw: maxOutputSize is enforced from the preamble, before allocating", () => {
  const data = new Uint8Array(10_000).fill(9);
  const c = compressRaw(data);
  assert.equal(decompressRaw(c, { maxOutputSize: 10_000 }).length, 10_000);
  expectError(() => decompressRaw(c, { maxOutputSize: 9_999 }), "limit");
  // A 5-byte header promising 4 GiB: rejected without a 4 GiB allocation.
  expectError(() => decompressRaw(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00)), "limit");
  // Under the limit but impossible for the input size: corrupt, still without allocating.
  expectError(
    () => decompressRaw(Uint8Array.of(0x80, 0x80, 0x80, 0x40, 0x00), { maxOutputSize: 2 ** 32 }),
    "corrupt",
  );
});

Deno.test("raw: seeded round trips of random mixtures", () => {
  const rand = seeded(2024);
  for (let i = 0; i < 300; i++) {
    const n = (rand() * (rand() < 0.1 ? 200_000 : 3000)) | 0;
    const data = new Uint8Array(n);
    let j = 0;
    while (j < n) {
      const run = 1 + ((rand() * 40) | 0);
      const mode = rand();
      for (let k = 0; k < run && j < n; k++, j++) {
        if (mode < 0.4) data[j] = (rand() * 256) | 0;
        else if (mode < 0.7 && j >= 8) data[j] = data[j - 1 - ((rand() * 8) | 0)];
        else if (j > 100) data[j] = data[j - 100];
        else data[j] = 0x20;
      }
    }
    const c = compressRaw(data);
    assert.equal(firstDifference(decompressRaw(c), data), -1, `case ${i}, ${n} bytes`);
  }
});

Deno.test("raw: a short literal then a 1-byte-offset copy, every offset class, as native snappy", () => {
  // Long enough that the decoder's fused literal-then-copy path runs (16 bytes of slack on
  // both sides), with overlapping offsets (1..3) that must take the byte-exact path.
  const head = Array.from({ length: 32 }, (_, i) => 0x41 + (i % 26));
  const tail = Array.from({ length: 24 }, (_, i) => 0x61 + (i % 26));
  for (let lit = 1; lit <= 4; lit++) {
    for (let len = 4; len <= 11; len++) {
      for (const offset of [1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 32 + lit, 32 + lit + 1, 600]) {
        const total = head.length + lit + len + tail.length;
        const body = [
          (head.length - 1) << 2,
          ...head,
          (lit - 1) << 2,
          ...head.slice(0, lit).map((b) => b + 1),
          0x01 | ((len - 4) << 2) | ((offset >>> 8) << 5),
          offset & 0xff,
          (tail.length - 1) << 2,
          ...tail,
        ];
        const stream = Uint8Array.from([total, ...body]);
        const what = `literal ${lit}, copy ${len} at ${offset}`;
        if (offset > head.length + lit) {
          expectError(() => decompressRaw(stream), "corrupt", what);
          assert.throws(() => snappy.uncompressSync(stream as never), what);
        } else {
          const want = new Uint8Array(snappy.uncompressSync(stream as never) as Uint8Array);
          assert.equal(firstDifference(decompressRaw(stream), want), -1, what);
        }
      }
    }
  }
});
