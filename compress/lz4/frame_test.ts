import assert from "node:assert/strict";
import { concatChunks } from "../concat.ts";
import { CompressError } from "../errors.ts";
import { xxhash32 } from "../checksum/xxhash32.ts";
import {
  compressFrame,
  decompressFrame,
  type Lz4CompressOptions,
  Lz4FrameDecoder,
  Lz4FrameEncoder,
} from "./mod.ts";
import { LZ4_FRAME_MAGIC } from "./_frame_header.ts";
import { jsonRows, Rng, shapedData, streamDecode, streamThrough } from "./_test_lz4_tool.ts";

const OPTIONS: Lz4CompressOptions[] = [
  {},
  { level: -4, blockSize: 65536 },
  { level: 2, blockSize: 65536, blockLinked: true, blockChecksum: true },
  { level: 3, blockSize: 262144, contentChecksum: false },
  { level: 6, blockSize: 65536, blockLinked: true, contentSize: true },
  { level: 9, blockSize: 1048576, blockLinked: true, blockChecksum: true },
  { level: 12, blockSize: 65536, blockLinked: true },
];

Deno.test("frames round-trip: one-shot and streamed, every option, random splits both sides", () => {
  const rng = new Rng(77);
  for (let round = 0; round < 84; round++) {
    const opts = OPTIONS[round % OPTIONS.length];
    const size = round < 14 ? round * 3 : rng.int(round % 3 === 0 ? 400_000 : 20_000);
    const data = shapedData(rng, Math.floor(round / OPTIONS.length), size);
    const label = `round ${round} size ${size} ${JSON.stringify(opts)}`;
    const frame = compressFrame(data, opts);
    assert.deepEqual(decompressFrame(frame), data, label);
    assert.deepEqual(streamDecode(frame, rng, round % 2 ? 7 : 50_000), data, label);
    const streamed = streamThrough(
      new Lz4FrameEncoder(opts),
      data,
      rng,
      round % 2 ? 300 : 90_000,
      5,
    );
    assert.deepEqual(decompressFrame(streamed), data, `${label} (stream-encoded)`);
    assert.deepEqual(streamDecode(streamed, rng, 5000), data, `${label} (both streamed)`);
  }
});

Deno.test("a 1-byte-chunk stream decodes like the whole input", () => {
  const data = jsonRows(300);
  const frame = compressFrame(data, { blockSize: 65536, blockLinked: true, blockChecksum: true });
  assert.deepEqual(streamDecode(frame, new Rng(1), 1), data);
});

Deno.test("linked streaming blocks refer to earlier blocks; independent ones cannot", () => {
  const row = jsonRows(40);
  const run = (blockLinked: boolean) => {
    const enc = new Lz4FrameEncoder({ blockLinked });
    const parts = [...enc.write(row)];
    for (let i = 0; i < 10; i++) parts.push(...enc.write(row), ...enc.flush());
    parts.push(...enc.end());
    return concatChunks(parts);
  };
  const linked = run(true);
  const independent = run(false);
  const expected = concatChunks(Array.from({ length: 11 }, () => row));
  assert.deepEqual(decompressFrame(linked), expected);
  assert.deepEqual(decompressFrame(independent), expected);
  // Ten flushed repeats cost a few bytes each when linked, a whole block each otherwise.
  assert.ok(linked.length * 3 < independent.length, `${linked.length} vs ${independent.length}`);
});

Deno.test("flush emits a decodable prefix immediately", () => {
  const enc = new Lz4FrameEncoder();
  const dec = new Lz4FrameDecoder();
  const text = new TextEncoder().encode("event: tick\ndata: 1\n\n");
  for (let i = 0; i < 5; i++) {
    const got = concatChunks([...enc.write(text), ...enc.flush()].flatMap((c) => dec.write(c)));
    assert.deepEqual(got, text);
  }
  assert.deepEqual(concatChunks(enc.end().flatMap((c) => dec.write(c))), new Uint8Array(0));
  dec.end();
});

Deno.test("one-shot frames: smallest block size for small inputs, content size and checksums", () => {
  const data = jsonRows(100);
  const frame = compressFrame(data, { contentSize: true });
  const view = new DataView(frame.buffer);
  assert.equal(view.getUint32(0, true), LZ4_FRAME_MAGIC);
  assert.equal(frame[4], 0x6c); // version 01, independent, content size, content checksum
  assert.equal(frame[5], 0x40); // 64 KiB blocks are enough for this input
  assert.equal(view.getUint32(6, true), data.length);
  assert.equal(frame[14], (xxhash32(frame.subarray(4, 14)) >>> 8) & 0xff);
  assert.equal(view.getUint32(frame.length - 4, true), xxhash32(data));
  // Incompressible input is stored raw (high bit of the block size).
  const noise = new Rng(4).bytes(1000);
  const raw = compressFrame(noise, { contentChecksum: false });
  assert.equal(new DataView(raw.buffer).getUint32(7, true), (0x80000000 | 1000) >>> 0);
  assert.deepEqual(raw.subarray(11, 1011), noise);
  assert.equal(raw.length, 7 + 4 + 1000 + 4);
});

function expectCode(fn: () => unknown, code: string, label: string): void {
  assert.throws(fn, (e) => e instanceof CompressError && e.code === code, label);
}

/** Both decoders must reject `input` with `code`. */
function rejectBoth(input: Uint8Array, code: string, label: string, max?: number): void {
  expectCode(() => decompressFrame(input, { maxOutputSize: max }), code, label);
  expectCode(
    () => streamDecode(input, new Rng(input.length), 3, { maxOutputSize: max }),
    code,
    `${label} (stream)`,
  );
}

/** A frame header with FLG/BD and optional fields, with a correct header checksum. */
function header(flg: number, bd: number, extra: number[] = []): Uint8Array {
  const desc = new Uint8Array([flg, bd, ...extra]);
  return new Uint8Array([0x04, 0x22, 0x4d, 0x18, ...desc, (xxhash32(desc) >>> 8) & 0xff]);
}

Deno.test("malformed frames are rejected with the right error code", () => {
  const good = compressFrame(jsonRows(50), { blockChecksum: true, contentSize: true });
  rejectBoth(new Uint8Array(0), "corrupt", "empty");
  rejectBoth(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), "corrupt", "bad magic");
  // A legacy frame with an empty block: corrupt one-shot; the streaming decoder reads no legacy.
  const legacy = new Uint8Array([0x02, 0x21, 0x4c, 0x18, 0, 0, 0, 0]);
  expectCode(() => decompressFrame(legacy), "corrupt", "legacy");
  expectCode(() => streamDecode(legacy, new Rng(8), 3), "unsupported", "legacy (stream)");
  rejectBoth(good.subarray(0, good.length - 1), "corrupt", "truncated");
  rejectBoth(good.subarray(0, 10), "corrupt", "truncated header");
  const badHc = good.slice();
  badHc[14] ^= 1;
  rejectBoth(badHc, "checksum", "header checksum");
  const badBlock = good.slice();
  badBlock[20] ^= 0x40;
  rejectBoth(badBlock, "checksum", "block checksum");
  const badContent = good.slice();
  badContent[good.length - 1] ^= 1;
  rejectBoth(badContent, "checksum", "content checksum");
  rejectBoth(
    concatChunks([header(0x41, 0x40, [1, 0, 0, 0]), new Uint8Array(4)]),
    "unsupported",
    "dict",
  );
  rejectBoth(concatChunks([header(0x80, 0x40), new Uint8Array(4)]), "unsupported", "version 2");
  rejectBoth(concatChunks([header(0x62, 0x40), new Uint8Array(4)]), "corrupt", "reserved FLG bit");
  rejectBoth(concatChunks([header(0x60, 0x30), new Uint8Array(4)]), "corrupt", "block size code 3");
  rejectBoth(concatChunks([header(0x60, 0x41), new Uint8Array(4)]), "corrupt", "reserved BD bits");
  // Block size field larger than the frame's block maximum.
  rejectBoth(
    concatChunks([header(0x60, 0x40), new Uint8Array([1, 0, 1, 0])]),
    "corrupt",
    "big block",
  );
  // Content size says 10, content is 3 bytes (stored raw).
  const lying = concatChunks([
    header(0x68, 0x40, [10, 0, 0, 0, 0, 0, 0, 0]),
    new Uint8Array([3, 0, 0, 0x80, 1, 2, 3, 0, 0, 0, 0]),
  ]);
  rejectBoth(lying, "corrupt", "content size mismatch");
  // Trailing garbage after a valid frame.
  rejectBoth(
    concatChunks([compressFrame(new Uint8Array(5)), new Uint8Array([9, 9])]),
    "corrupt",
    "tail",
  );
});

Deno.test("maxOutputSize: refused before allocating, enforced while decoding", () => {
  const data = new Uint8Array(3 << 20);
  // Declared content size above the limit: refused from the header alone.
  const sized = compressFrame(data, { contentSize: true });
  rejectBoth(sized, "limit", "declared size", 1 << 20);
  // A header claiming 2^60 bytes, followed by nothing.
  const huge = concatChunks([header(0x68, 0x70, [0, 0, 0, 0, 0, 0, 0, 0x10]), new Uint8Array(4)]);
  rejectBoth(huge, "limit", "2^60 bytes", 1 << 30);
  // Unknown size: enforced while decoding, across blocks and frames.
  const unsized = compressFrame(data, { blockSize: 65536 });
  rejectBoth(unsized, "limit", "undeclared size", 1 << 20);
  rejectBoth(concatChunks([unsized, unsized]), "limit", "two frames", (3 << 20) + 5);
  assert.equal(decompressFrame(unsized, { maxOutputSize: 3 << 20 }).length, 3 << 20);
  assert.equal(streamDecode(unsized, new Rng(1), 9999, { maxOutputSize: 3 << 20 }).length, 3 << 20);
});

Deno.test("options are validated; ended streams refuse more input", () => {
  expectCode(
    () => compressFrame(new Uint8Array(1), { blockSize: 1000 as 65536 }),
    "unsupported",
    "block size",
  );
  expectCode(() => compressFrame(new Uint8Array(1), { level: NaN }), "unsupported", "level");
  const enc = new Lz4FrameEncoder();
  enc.end();
  assert.throws(() => enc.write(new Uint8Array(1)), TypeError);
  const dec = new Lz4FrameDecoder();
  dec.write(compressFrame(new Uint8Array(1)));
  dec.end();
  assert.throws(() => dec.write(new Uint8Array(1)), TypeError);
});
