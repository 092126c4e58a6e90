import assert from "node:assert/strict";
import { type HeaderField, QPACK_DECOMPRESSION_FAILED, QpackDecoder, QpackEncoder } from "./mod.ts";
import { B2_ENCODER_STREAM, B_ENCODER_STREAM, hex, rejection, toHex } from "./_test_qpack.ts";

const LIMITS = { maxTableCapacity: 220, maxBlockedStreams: 4, maxFieldSectionSize: 16384 };

// RFC 9204, Appendix B, replayed on the decoder side: the same bytes in, the same field lines and
// decoder-stream bytes out.

Deno.test("qpack: B.1 literal field line with a static name reference", async () => {
  const decoder = new QpackDecoder(LIMITS);
  const fields = await decoder.decode(0n, hex("0000 510b 2f69 6e64 6578 2e68 746d 6c"));
  assert.deepEqual(fields, [[":path", "/index.html"]]);
  // Required Insert Count 0: nothing to acknowledge.
  assert.equal(decoder.takeDecoderStreamBytes().length, 0);
});

/** The decoder after the encoder-stream bytes of B.2 and the field section on stream 4. */
async function afterB2(): Promise<QpackDecoder> {
  const decoder = new QpackDecoder(LIMITS);
  decoder.receiveEncoderStream(
    hex(B2_ENCODER_STREAM),
  );
  const fields = await decoder.decode(4n, hex("0381 10 11"));
  assert.deepEqual(fields, [[":authority", "www.example.com"], [":path", "/sample/path"]]);
  // Section Acknowledgment (stream=4); it acknowledges both inserts, so no Insert Count Increment.
  assert.equal(toHex(decoder.takeDecoderStreamBytes()), "84");
  return decoder;
}

Deno.test("qpack: B.2 dynamic table, post-base indexing and Section Acknowledgment", async () => {
  await afterB2();
});

/** B.3: an insert with a literal name, acknowledged with Insert Count Increment (1). */
function b3(decoder: QpackDecoder): void {
  decoder.receiveEncoderStream(
    hex("4a63 7573 746f 6d2d 6b65 790c 6375 7374 6f6d 2d76 616c 7565"),
  );
  assert.equal(toHex(decoder.takeDecoderStreamBytes()), "01");
}

/** B.4's section (stream 8): Required Insert Count 4, so it needs the Duplicate; and its fields. */
const B4_SECTION = "0500 80 c1 81";
const B4_FIELDS: HeaderField[] = [
  [":authority", "www.example.com"],
  [":path", "/"],
  ["custom-key", "custom-value"],
];

/** B.5's section (Insert Count 5, Base 5) and its fields. */
const B5_SECTION = "0600 80 81 83";
const B5_FIELDS: HeaderField[] = [
  ["custom-key", "custom-value2"],
  [":authority", "www.example.com"],
  [":path", "/sample/path"],
];

Deno.test("qpack: B.3 speculative insert and Insert Count Increment", async () => {
  b3(await afterB2());
});

Deno.test("qpack: B.4 a section blocked on a Duplicate, then Stream Cancellation", async () => {
  const decoder = await afterB2();
  b3(decoder);
  // The section on stream 8 arrives before the Duplicate it needs: the stream blocks...
  const pending = decoder.decode(8n, hex(B4_SECTION));
  // ... and is cancelled before the encoder stream catches up.
  decoder.cancel(8n);
  assert.equal(toHex(decoder.takeDecoderStreamBytes()), "48");
  assert.equal(await rejection(pending), 0x010c);
  decoder.receiveEncoderStream(hex("02"));
  // The duplicate is entry 3; the same section now decodes at once.
  assert.deepEqual(await decoder.decode(12n, hex(B4_SECTION)), B4_FIELDS);
  // Section Acknowledgment (stream=12) raises the Known Received Count to 4: no increment.
  assert.equal(toHex(decoder.takeDecoderStreamBytes()), "8c");
});

Deno.test("qpack: B.4 the blocked section decodes when the Duplicate arrives", async () => {
  const decoder = await afterB2();
  b3(decoder);
  let fields: HeaderField[] | undefined;
  const pending = decoder.decode(8n, hex(B4_SECTION)).then((f) => fields = f);
  await Promise.resolve();
  assert.equal(fields, undefined);
  decoder.receiveEncoderStream(hex("02"));
  await pending;
  assert.deepEqual(fields, B4_FIELDS);
  assert.equal(toHex(decoder.takeDecoderStreamBytes()), "88");
});

Deno.test("qpack: B.5 insert with a dynamic name reference evicts the oldest entry", async () => {
  const decoder = await afterB2();
  b3(decoder);
  decoder.receiveEncoderStream(hex("02"));
  decoder.receiveEncoderStream(hex("810d 6375 7374 6f6d 2d76 616c 7565 32"));
  // Insert Count 5 (encoded (5 mod 12) + 1 = 6), Base 5: relative 0 is entry 4, relative 1 is the
  // duplicate (3), relative 3 is entry 1 (:path), relative 4 is entry 0 (evicted).
  assert.deepEqual(await decoder.decode(16n, hex(B5_SECTION)), B5_FIELDS);
  // Size 215 = 217 - 57 (entry 0) + 55: entry 0 is gone and referencing it fails the connection.
  assert.equal(await rejection(decoder.decode(20n, hex("0600 84"))), QPACK_DECOMPRESSION_FAILED);
});

Deno.test("qpack: an encoder-stream instruction split at every byte boundary", async () => {
  const stream = hex(B_ENCODER_STREAM);
  for (let cut = 0; cut <= stream.length; cut++) {
    const decoder = new QpackDecoder(LIMITS);
    decoder.receiveEncoderStream(stream.subarray(0, cut));
    decoder.receiveEncoderStream(stream.subarray(cut));
    assert.deepEqual(await decoder.decode(0n, hex(B5_SECTION)), B5_FIELDS);
  }
  // And one byte at a time.
  const decoder = new QpackDecoder(LIMITS);
  for (const b of stream) decoder.receiveEncoderStream(new Uint8Array([b]));
  assert.deepEqual((await decoder.decode(0n, hex("0600 80")))[0], ["custom-key", "custom-value2"]);
});

Deno.test("qpack: Required Insert Count wraps as in Section 4.5.1.1", async () => {
  // A 100-byte table: MaxEntries 3, encoded modulo 6. After 10 inserts, 4 means 9.
  const decoder = new QpackDecoder({ ...LIMITS, maxTableCapacity: 100 });
  const inserts = [0x3f, 0x45]; // capacity 100
  for (let i = 0; i < 10; i++) inserts.push(0x41, 0x61 + i, 0x00); // name "a".."j", value ""
  decoder.receiveEncoderStream(new Uint8Array(inserts));
  // Base = 9 + 0; relative 0 is entry 8 ("i").
  assert.deepEqual(await decoder.decode(0n, hex("0400 80")), [["i", ""]]);
  // Encoded 0 with a dynamic reference: the reference is out of range.
  assert.equal(await rejection(decoder.decode(4n, hex("0000 80"))), QPACK_DECOMPRESSION_FAILED);
});

Deno.test("qpack: Base with the sign bit, and post-base name references", async () => {
  const decoder = new QpackDecoder(LIMITS);
  decoder.receiveEncoderStream(
    hex(B2_ENCODER_STREAM),
  );
  // RIC 2 (encoded 3), S=1 Delta 0: Base 1. Post-base 0 is entry 1; relative 0 is entry 0.
  // 0x00 = literal with post-base name ref index 0, value "x".
  assert.deepEqual(await decoder.decode(0n, hex("0380 80 10 0001 78")), [
    [":authority", "www.example.com"],
    [":path", "/sample/path"],
    [":path", "x"],
  ]);
  // Literal with dynamic name ref (0100 index): relative 0 from Base 1 = entry 0.
  assert.deepEqual(await decoder.decode(4n, hex("0380 40 0179")), [[":authority", "y"]]);
});

Deno.test("qpack: the encoder uses the static table and Huffman where shorter", async () => {
  const encoder = new QpackEncoder();
  // :status 200 is static 25, content-type text/plain static 53: two indexed lines.
  assert.equal(
    toHex(encoder.encode([[":status", "200"], ["content-type", "text/plain"]])),
    "0000d9f5",
  );
  // B.1's field: a static name reference (0x51), the value Huffman-coded (H bit, 8 bytes < 11).
  const b1 = encoder.encode([[":path", "/index.html"]]);
  assert.equal(toHex(b1.subarray(0, 4)), "000051" + "88");
  assert.equal(b1.length, 4 + 8);
  assert.deepEqual(await new QpackDecoder(LIMITS).decode(0n, b1), [[":path", "/index.html"]]);
  // A literal name: "x-a" and "{}" are no shorter Huffman-coded (3 and 4 bytes), so raw.
  assert.equal(toHex(encoder.encode([["x-a", "{}"]])), "0000" + "23782d61" + "027b7d");
  // A sensitive field keeps its value out of intermediaries' tables: 'N' bit set (0x70 | 14).
  assert.equal(toHex(encoder.encode([["set-cookie", "a"]]).subarray(2, 3)), "7e");
});

Deno.test("qpack: encoder -> decoder round trips", async () => {
  const encoder = new QpackEncoder();
  const decoder = new QpackDecoder(LIMITS);
  const sections: HeaderField[][] = [
    [],
    [[":status", "200"]],
    [[":method", "POST"], [":scheme", "https"], [":authority", "example.com"], [":path", "/a?b=c"]],
    [["content-type", "application/vnd.apache.arrow.stream"], ["server-timing", "db;dur=53.2"]],
    [["set-cookie", "id=a3fWa; Secure"], ["authorization", "Bearer xyz"], ["cookie", ""]],
    [["x-bytes", Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("")]],
    [["x-long", "v".repeat(5000)], ["", ""]],
  ];
  for (const fields of sections) {
    assert.deepEqual(await decoder.decode(0n, encoder.encode(fields)), fields);
  }
  assert.equal(decoder.takeDecoderStreamBytes().length, 0);
  assert.throws(() => encoder.encode([["x", "\u0100"]]), TypeError);
});
