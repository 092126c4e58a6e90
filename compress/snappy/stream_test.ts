import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import {
  compressFramed,
  decompressFramed,
  SNAPPY_STREAM_IDENTIFIER,
  SnappyFrameDecoder,
  SnappyFrameEncoder,
} from "./mod.ts";
import {
  concat,
  firstDifference,
  jsonRows,
  mixed,
  randomBytes,
  seeded,
  text,
} from "./_test_data.ts";

/** Splits `data` at random points (sizes 0..maxPiece, zero-length pieces included). */
function randomSplits(data: Uint8Array, rand: () => number, maxPiece: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let p = 0; p < data.length;) {
    const k = Math.min(data.length - p, (rand() * (maxPiece + 1)) | 0);
    out.push(data.subarray(p, p + k));
    p += k;
  }
  return out;
}

function decodeInPieces(pieces: Uint8Array[], max?: number): Uint8Array {
  const dec = new SnappyFrameDecoder({ maxOutputSize: max });
  const out: Uint8Array[] = [];
  for (const piece of pieces) out.push(...dec.write(piece));
  out.push(...dec.end());
  return concat(out);
}

Deno.test("stream: encoder output equals compressFramed for any write pattern", () => {
  const rand = seeded(11);
  for (let round = 0; round < 30; round++) {
    const data = round % 3 === 0
      ? jsonRows((rand() * 300_000) | 0, rand)
      : round % 3 === 1
      ? text((rand() * 150_000) | 0, rand)
      : mixed((rand() * 200_000) | 0, rand);
    const enc = new SnappyFrameEncoder();
    const parts: Uint8Array[] = [];
    for (const piece of randomSplits(data, rand, round < 10 ? 100 : 90_000)) {
      parts.push(...enc.write(piece));
    }
    parts.push(...enc.end());
    // Without flush() chunking is identical to the one-shot encoder: 64 KiB boundaries.
    assert.equal(firstDifference(concat(parts), compressFramed(data)), -1, `round ${round}`);
  }
});

Deno.test("stream: flush makes everything written so far decodable", () => {
  const rand = seeded(12);
  const enc = new SnappyFrameEncoder();
  const dec = new SnappyFrameDecoder();
  const sent: Uint8Array[] = [];
  let received = 0;
  // flush() before any data still emits the identifier, so the output is a valid stream.
  const first = concat(enc.flush());
  assert.deepEqual(first, SNAPPY_STREAM_IDENTIFIER);
  assert.equal(dec.write(first).length, 0);
  for (let i = 0; i < 50; i++) {
    const piece = text(1 + ((rand() * 5000) | 0), rand);
    sent.push(piece);
    assert.equal(enc.write(piece).length, 0, "small writes are buffered");
    for (const out of enc.flush()) for (const d of dec.write(out)) received += d.length;
    const total = sent.reduce((n, p) => n + p.length, 0);
    assert.equal(received, total, `after flush ${i}`);
    assert.equal(enc.flush().length, 0, "a second flush has nothing to emit");
  }
  assert.equal(enc.end().length, 0);
  dec.end();
  assert.throws(() => enc.write(new Uint8Array(1)), TypeError);
});

Deno.test("stream: encoder buffers are fresh and never reused", () => {
  const rand = seeded(13);
  const enc = new SnappyFrameEncoder();
  const a = enc.write(text(70_000, rand));
  const copy = a.map((x) => x.slice());
  enc.write(text(70_000, rand));
  compressFramed(text(70_000, rand));
  assert.deepEqual(a, copy);
});

Deno.test("stream: empty stream encodes to the identifier and decodes to nothing", () => {
  const enc = new SnappyFrameEncoder();
  const framed = concat([...enc.write(new Uint8Array(0)), ...enc.end()]);
  assert.deepEqual(framed, SNAPPY_STREAM_IDENTIFIER);
  assert.equal(decodeInPieces([framed]).length, 0);
});

Deno.test("stream: decoder handles every split, including 1-byte pieces", () => {
  const rand = seeded(14);
  const data = concat([jsonRows(150_000, rand), randomBytes(70_000, rand), text(10, rand)]);
  // Add padding and skippable chunks between data chunks, to be split too.
  const framed = compressFramed(data);
  const withPadding = concat([
    framed.subarray(0, 10),
    Uint8Array.of(0xfe, 3, 0, 0, 0, 0, 0),
    Uint8Array.of(0x99, 0, 0, 0),
    framed.subarray(10),
    Uint8Array.of(0xfe, 0x10, 0x27, 0, ...new Uint8Array(10_000)),
  ]);
  const ones = Array.from({ length: withPadding.length }, (_, i) => withPadding.subarray(i, i + 1));
  assert.equal(firstDifference(decodeInPieces(ones), data), -1, "1-byte pieces");
  for (let round = 0; round < 20; round++) {
    const pieces = randomSplits(withPadding, rand, round < 10 ? 16 : 100_000);
    assert.equal(firstDifference(decodeInPieces(pieces), data), -1, `round ${round}`);
  }
});

Deno.test("stream: output is emitted as chunks complete, not at end()", () => {
  const rand = seeded(15);
  const data = text(200_000, rand);
  const framed = compressFramed(data);
  const dec = new SnappyFrameDecoder();
  let seen = 0;
  const half = framed.length >> 1;
  for (const d of dec.write(framed.subarray(0, half))) seen += d.length;
  assert.ok(seen >= 65536, `only ${seen} bytes after half the stream`);
  for (const d of dec.write(framed.subarray(half))) seen += d.length;
  assert.equal(dec.end().length, 0);
  assert.equal(seen, data.length);
});

Deno.test("stream: maxOutputSize is enforced as data flows", () => {
  const rand = seeded(16);
  const data = text(300_000, rand);
  const framed = compressFramed(data);
  const limit = 100_000;
  const dec = new SnappyFrameDecoder({ maxOutputSize: limit });
  let produced = 0;
  let error: unknown;
  for (let p = 0; p < framed.length && !error; p += 1000) {
    try {
      for (const d of dec.write(framed.subarray(p, p + 1000))) produced += d.length;
    } catch (e) {
      error = e;
    }
  }
  assert.ok(error instanceof CompressError && error.code === "limit", `${error}`);
  assert.ok(produced <= limit, `produced ${produced}`);
  assert.ok(produced >= 65536, "chunks under the limit were delivered");
  // Exactly at the limit is fine.
  assert.equal(decodeInPieces([framed], data.length).length, data.length);
});

Deno.test("stream: truncation anywhere is reported by end()", () => {
  const framed = compressFramed(jsonRows(70_000, seeded(17)));
  for (const cut of [1, 3, 4, 9, 11, 13, 14, 20, framed.length - 1]) {
    const dec = new SnappyFrameDecoder();
    dec.write(framed.subarray(0, cut));
    assert.throws(
      () => dec.end(),
      (e: unknown) => e instanceof CompressError && e.code === "corrupt",
      `cut at ${cut}`,
    );
    assert.throws(() => decompressFramed(framed.subarray(0, cut)), CompressError);
  }
  // A cut at a chunk boundary is undetectable (the format has no end marker, §1): the bare
  // identifier is a valid empty stream.
  assert.equal(decodeInPieces([framed.subarray(0, 10)]).length, 0);
  // So is a stream of no bytes at all (what python-snappy, cramjam and Go write).
  assert.equal(decodeInPieces([]).length, 0);
});
