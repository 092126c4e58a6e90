/**
 * Interop with a real, independent framed-Snappy implementation: python-snappy's
 * StreamCompressor/StreamDecompressor (see `_test_python.ts` for the harness and why it brings
 * its own CRC-32C). The test fails (never skips) when the tool is missing.
 */
import assert from "node:assert/strict";
import { compressFramed, decompressFramed, SnappyFrameDecoder, SnappyFrameEncoder } from "./mod.ts";
import { decompress } from "../compress.ts";
import { decoderTransform } from "../stream.ts";
import { Algorithm } from "../types.ts";
import {
  concat,
  firstDifference,
  jsonRows,
  mixed,
  randomBytes,
  seeded,
  text,
} from "./_test_data.ts";
import { PYTHON, pythonSnappy as python } from "./_test_python.ts";

function inputs(): [string, Uint8Array][] {
  const rand = seeded(31);
  return [
    ["empty", new Uint8Array(0)],
    ["1 byte", Uint8Array.of(9)],
    ["json 150000", jsonRows(150_000, rand)],
    ["text 65536", text(65536, rand)],
    ["random 70000", randomBytes(70_000, rand)],
    ["mixed 140000", mixed(140_000, rand)],
  ];
}

Deno.test("framing interop: we decode python-snappy's framed streams", async () => {
  for (const [name, data] of inputs()) {
    const framed = await python("compress", data);
    assert.ok(framed.length >= 10, name);
    assert.equal(firstDifference(decompressFramed(framed), data), -1, name);
    const dec = new SnappyFrameDecoder();
    const parts: Uint8Array[] = [];
    for (let p = 0; p < framed.length; p += 1000) {
      parts.push(...dec.write(framed.subarray(p, p + 1000)));
    }
    parts.push(...dec.end());
    assert.equal(firstDifference(concat(parts), data), -1, `${name} (streaming)`);
  }
});

Deno.test("framing interop: python-snappy decodes our framed streams", async () => {
  for (const [name, data] of inputs()) {
    const back = await python("decompress", compressFramed(data));
    assert.equal(firstDifference(back, data), -1, name);
    const enc = new SnappyFrameEncoder();
    const parts = [
      ...enc.write(data.subarray(0, 1000)),
      ...enc.flush(),
      ...enc.write(data.subarray(1000)),
      ...enc.end(),
    ];
    const back2 = await python("decompress", concat(parts));
    assert.equal(firstDifference(back2, data), -1, `${name} (streaming, flushed)`);
  }
});

Deno.test("framing interop: python-snappy rejects a stream whose CRC we corrupted", async () => {
  const data = text(5000, seeded(32));
  const framed = compressFramed(data);
  framed[14] ^= 0xff; // first byte of the first chunk's masked CRC-32C
  await assert.rejects(() => python("decompress", framed), /crc|checksum/i);
});

Deno.test("framing interop: python-snappy's empty stream (0 bytes) decodes to nothing", async () => {
  // snappy.stream_compress (like cramjam and Go's snappy.Writer) writes no bytes at all for
  // empty input, not even the stream identifier.
  const child = new Deno.Command(PYTHON, {
    args: [
      "-c",
      "import io, sys, snappy\no = io.BytesIO()\nsnappy.stream_compress(io.BytesIO(b''), o)\n" +
      "sys.stdout.buffer.write(o.getvalue())",
    ],
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout } = await child.output();
  assert.equal(code, 0, "python-snappy stream_compress");
  assert.equal(stdout.length, 0);
  assert.equal(decompressFramed(stdout).length, 0);
  const dec = new SnappyFrameDecoder();
  assert.equal(concat([...dec.write(stdout), ...dec.end()]).length, 0);
  assert.equal((await decompress(stdout, Algorithm.Snappy)).length, 0);
  const out = ReadableStream.from<Uint8Array>([]).pipeThrough(
    decoderTransform(new SnappyFrameDecoder()),
  );
  assert.equal((await new Response(out).arrayBuffer()).byteLength, 0);
});
