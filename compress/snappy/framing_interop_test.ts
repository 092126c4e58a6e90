// Snappy framing against independent references: the native snappy codec (npm `snappy`) for
// the raw blocks and a bitwise CRC-32C, over every data shape in both directions. Seconds of CPU,
// so `deno task test:unit` leaves this file to `deno task test` (tools/test_unit.ts).
import assert from "node:assert/strict";
import snappy from "snappy";
import { compressFramed, SNAPPY_STREAM_IDENTIFIER } from "./mod.ts";
import { concat, crc32cBitwise, firstDifference, shapes } from "./_test_data.ts";
import { chunk, decodeBoth, le32, maskBig } from "./_test_framing.ts";

const SHAPES = shapes(2);

/** A reference framed stream: the native compressor's raw blocks + bitwise CRC-32C. */
function referenceFramed(data: Uint8Array): Uint8Array {
  const parts = [SNAPPY_STREAM_IDENTIFIER];
  for (let i = 0; i < data.length; i += 65536) {
    const piece = data.subarray(i, i + 65536);
    const raw = new Uint8Array(snappy.compressSync(piece));
    const crc = le32(maskBig(crc32cBitwise(piece)));
    parts.push(chunk(0x00, concat([Uint8Array.from(crc), raw])));
  }
  return concat(parts);
}

/** Decodes a framed stream with an independent, minimal reader built on the native codec. */
function referenceUnframe(framed: Uint8Array): Uint8Array {
  assert.equal(firstDifference(framed.subarray(0, 10), SNAPPY_STREAM_IDENTIFIER), -1);
  const parts: Uint8Array[] = [];
  let p = 10;
  while (p < framed.length) {
    const type = framed[p];
    const len = framed[p + 1] | (framed[p + 2] << 8) | (framed[p + 3] << 16);
    const body = framed.subarray(p + 4, p + 4 + len);
    assert.ok(type === 0 || type === 1, `unexpected chunk type ${type}`);
    const data = type === 0
      ? new Uint8Array(snappy.uncompressSync(body.subarray(4)) as Uint8Array)
      : body.subarray(4);
    assert.ok(data.length <= 65536, "chunk holds more than 64 KiB");
    const stored = (body[0] | (body[1] << 8) | (body[2] << 16) | (body[3] << 24)) >>> 0;
    assert.equal(stored, maskBig(crc32cBitwise(data)), "stored checksum");
    parts.push(data);
    p += 4 + len;
  }
  return concat(parts);
}

Deno.test("framing: reference streams (native raw blocks + bitwise CRC) decode", () => {
  for (const [name, data] of SHAPES) {
    const back = decodeBoth(referenceFramed(data));
    assert.equal(firstDifference(back, data), -1, name);
  }
});

Deno.test("framing: our streams pass an independent reader (native codec + bitwise CRC)", () => {
  for (const [name, data] of SHAPES) {
    const framed = compressFramed(data);
    assert.equal(firstDifference(referenceUnframe(framed), data), -1, name);
    assert.equal(firstDifference(decodeBoth(framed), data), -1, name);
  }
});
