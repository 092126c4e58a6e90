import assert from "node:assert/strict";
import snappy from "snappy";
import { CompressError } from "../errors.ts";
import {
  compressFramed,
  decompressFramed,
  SNAPPY_STREAM_IDENTIFIER,
  SnappyFrameDecoder,
} from "./mod.ts";
import { chunk, decodeBoth, le32, maskBig } from "./_test_framing.ts";
import {
  concat,
  crc32cBitwise,
  firstDifference,
  jsonRows,
  randomBytes,
  seeded,
  text,
} from "./_test_data.ts";

function expectError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CompressError, `expected CompressError, got ${e}`);
    assert.equal(e.code, code, e.message);
    return;
  }
  assert.fail(`expected a CompressError "${code}"`);
}

Deno.test("framing: identifier constant is ff 06 00 00 'sNaPpY'", () => {
  assert.deepEqual(
    SNAPPY_STREAM_IDENTIFIER,
    Uint8Array.of(0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59),
  );
  assert.deepEqual(compressFramed(new Uint8Array(0)), SNAPPY_STREAM_IDENTIFIER);
});

Deno.test("framing: a stream assembled by hand from the spec decodes", () => {
  const te = new TextEncoder();
  const hello = te.encode("hello");
  const helloCrc = le32(maskBig(crc32cBitwise(hello)));
  const xab = te.encode("xababab");
  const xabCrc = le32(maskBig(crc32cBitwise(xab)));
  const stream = concat([
    SNAPPY_STREAM_IDENTIFIER,
    chunk(0x01, [...helloCrc, ...hello]), // §4.3 uncompressed
    chunk(0xfe, [0, 0, 0]), // §4.4 padding
    chunk(0x00, [...xabCrc, 7, 0x08, 0x78, 0x61, 0x62, 0x01, 0x02]), // §4.2 compressed
    chunk(0x80, [1, 2, 3, 4, 5]), // §4.6 reserved skippable
    chunk(0xfd, []), // skippable, empty
    SNAPPY_STREAM_IDENTIFIER, // §4.1 repeated identifier: ignored
    chunk(0x01, [...le32(maskBig(crc32cBitwise(new Uint8Array(0))))]), // empty data chunk
    chunk(0xfe, new Uint8Array(70_000)), // large padding
  ]);
  assert.equal(new TextDecoder().decode(decodeBoth(stream)), "helloxababab");
});

Deno.test("framing: chunks hold at most 64 KiB and incompressible data is stored", () => {
  const rand = seeded(3);
  const random = randomBytes(200_000, rand);
  const framed = compressFramed(random);
  // 4 chunks (65536 * 3 + 3392), all uncompressed (type 0x01) since compression cannot pay.
  const types: number[] = [];
  const sizes: number[] = [];
  for (let p = 10; p < framed.length;) {
    const len = framed[p + 1] | (framed[p + 2] << 8) | (framed[p + 3] << 16);
    types.push(framed[p]);
    sizes.push(len - 4);
    p += 4 + len;
  }
  assert.deepEqual(types, [1, 1, 1, 1]);
  assert.deepEqual(sizes, [65536, 65536, 65536, 3392]);
  // Compressible data uses compressed chunks.
  const json = compressFramed(jsonRows(100_000, rand));
  assert.equal(json[10], 0x00);
  assert.ok(json.length < 50_000);
  // The 12.5% rule: 8 random bytes + 56 bytes of one value compress to ~17 bytes (< 56 = 64 - 64/8)
  // but 62 random bytes + 2 zeros cannot save 8 bytes.
  const good = concat([randomBytes(8, rand), new Uint8Array(56)]);
  assert.equal(compressFramed(good)[10], 0x00);
  const bad = concat([randomBytes(62, rand), new Uint8Array(2)]);
  assert.equal(compressFramed(bad)[10], 0x01);
});

Deno.test("framing: concatenated streams decode to the concatenated data", () => {
  const rand = seeded(4);
  const a = text(100_000, rand);
  const b = jsonRows(70_000, rand);
  const back = decodeBoth(concat([compressFramed(a), compressFramed(b)]));
  assert.equal(firstDifference(back, concat([a, b])), -1);
});

Deno.test("framing: structural errors are typed", () => {
  const data = text(1000, seeded(5));
  const good = compressFramed(data);
  const crcOf = le32(maskBig(crc32cBitwise(data.subarray(0, 10))));
  const cases: [string, Uint8Array, string][] = [
    ["no identifier", good.subarray(10), "corrupt"],
    ["padding before identifier", concat([chunk(0xfe, [0]), good]), "corrupt"],
    ["truncated header", good.subarray(0, 12), "corrupt"],
    ["truncated body", good.subarray(0, good.length - 1), "corrupt"],
    ["identifier of length 5", chunk(0xff, [0x73, 0x4e, 0x61, 0x50, 0x70]), "corrupt"],
    ["wrong identifier text", chunk(0xff, [0x73, 0x4e, 0x61, 0x50, 0x70, 0x5a]), "corrupt"],
    [
      "reserved unskippable 0x02",
      concat([SNAPPY_STREAM_IDENTIFIER, chunk(0x02, [0])]),
      "unsupported",
    ],
    [
      "reserved unskippable 0x7f",
      concat([SNAPPY_STREAM_IDENTIFIER, chunk(0x7f, [])]),
      "unsupported",
    ],
    [
      "compressed chunk too short",
      concat([SNAPPY_STREAM_IDENTIFIER, chunk(0x00, [1, 2, 3, 4])]),
      "corrupt",
    ],
    [
      "uncompressed chunk too short",
      concat([SNAPPY_STREAM_IDENTIFIER, chunk(0x01, [1, 2, 3])]),
      "corrupt",
    ],
    [
      "uncompressed chunk over 64 KiB",
      concat([SNAPPY_STREAM_IDENTIFIER, chunk(0x01, new Uint8Array(65541))]),
      "corrupt",
    ],
    [
      "compressed chunk declaring over 64 KiB",
      concat([SNAPPY_STREAM_IDENTIFIER, chunk(0x00, [0, 0, 0, 0, 0x81, 0x80, 0x04, 0])]),
      "corrupt",
    ],
    [
      "compressed chunk body over the largest valid size",
      concat([SNAPPY_STREAM_IDENTIFIER, chunk(0x00, new Uint8Array(400_000))]),
      "corrupt",
    ],
    [
      "bad raw data inside a chunk",
      concat([SNAPPY_STREAM_IDENTIFIER, chunk(0x00, [...crcOf, 10, 0x01, 0x05])]),
      "corrupt",
    ],
  ];
  for (const [name, stream, code] of cases) {
    try {
      decompressFramed(stream);
      assert.fail(`${name}: no error`);
    } catch (e) {
      assert.ok(e instanceof CompressError, `${name}: ${e}`);
      assert.equal(e.code, code, `${name}: ${e.message}`);
    }
    try {
      const dec = new SnappyFrameDecoder();
      dec.write(stream);
      dec.end();
      assert.fail(`${name}: no error from the stream decoder`);
    } catch (e) {
      assert.ok(e instanceof CompressError, `${name} (stream): ${e}`);
      assert.equal(e.code, code, `${name} (stream): ${e.message}`);
    }
  }
});

Deno.test("framing: a flipped data bit or a wrong stored CRC is a checksum error", () => {
  const data = text(5000, seeded(6));
  for (const type of [0x00, 0x01]) {
    const body = type === 0 ? new Uint8Array(snappy.compressSync(data)) : data;
    const crc = maskBig(crc32cBitwise(data));
    const okStream = concat([SNAPPY_STREAM_IDENTIFIER, chunk(type, [...le32(crc), ...body])]);
    assert.equal(firstDifference(decodeBoth(okStream), data), -1);
    const badCrc = concat([SNAPPY_STREAM_IDENTIFIER, chunk(type, [...le32(crc ^ 1), ...body])]);
    expectError(() => decompressFramed(badCrc), "checksum");
    expectError(() => new SnappyFrameDecoder().write(badCrc), "checksum");
    // The unmasked CRC must not be accepted either.
    const unmasked = concat([
      SNAPPY_STREAM_IDENTIFIER,
      chunk(type, [...le32(crc32cBitwise(data)), ...body]),
    ]);
    expectError(() => decompressFramed(unmasked), "checksum");
  }
  // Flip one bit of a literal byte inside a compressed chunk: decodes, but the CRC catches it.
  const framed = compressFramed(text(3000, seeded(7)));
  const flipped = framed.slice();
  flipped[22] ^= 0x01;
  expectError(() => decompressFramed(flipped), "checksum");
});

Deno.test("framing: maxOutputSize bounds the whole stream", () => {
  const data = jsonRows(300_000, seeded(8));
  const framed = compressFramed(data);
  assert.equal(decompressFramed(framed, { maxOutputSize: 300_000 }).length, 300_000);
  expectError(() => decompressFramed(framed, { maxOutputSize: 299_999 }), "limit");
  expectError(() => decompressFramed(framed, { maxOutputSize: 0 }), "limit");
  // An empty stream is fine under a zero limit.
  assert.equal(decompressFramed(SNAPPY_STREAM_IDENTIFIER, { maxOutputSize: 0 }).length, 0);
});
