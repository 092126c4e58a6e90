import assert from "node:assert/strict";
import {
  H3_MESSAGE_ERROR,
  H3_REQUEST_CANCELLED,
  QPACK_DECOMPRESSION_FAILED,
  QPACK_ENCODER_STREAM_ERROR,
  QpackDecoder,
  QpackEncoder,
} from "./mod.ts";
import { B2_ENCODER_STREAM, hex, rejection, thrown } from "./_test_qpack.ts";

const LIMITS = { maxTableCapacity: 220, maxBlockedStreams: 1, maxFieldSectionSize: 1024 };

/** A fresh decoder with B.2's two entries (:authority, :path) in its table. */
function withTwoEntries(limits = LIMITS): QpackDecoder {
  const decoder = new QpackDecoder(limits);
  decoder.receiveEncoderStream(
    hex(B2_ENCODER_STREAM),
  );
  return decoder;
}

const BAD_SECTIONS: [string, string][] = [
  ["empty", ""],
  ["prefix cut after the Required Insert Count", "00"],
  ["static index 99 (the table ends at 98)", "0000 ff24"],
  ["static name index 99", "0000 5f54 0161"],
  ["dynamic reference with Required Insert Count 0", "0000 80"],
  ["post-base reference with Required Insert Count 0", "0000 10"],
  ["relative index beyond the table", "0300 85"],
  ["post-base index at the Required Insert Count", "0380 11"],
  ["post-base name index beyond", "0380 0101 61"],
  ["Required Insert Count above 2 * MaxEntries", "0e00"],
  ["Required Insert Count that decodes to 0", "0100"],
  ["Required Insert Count beyond what the encoder can have sent", "0a00"],
  ["negative Base (sign bit, Delta Base = Required Insert Count)", "0382"],
  ["an integer of 2^56", "0000 ff80 8080 8080 8080 8001"],
  ["an over-long integer (nine continuation bytes)", "0000 ff80 8080 8080 8080 8080 00"],
  ["an integer cut short", "0000 ff80"],
  ["a value longer than the block", "0000 510b 2f69"],
  ["a name longer than the block", "0000 2761 6263"],
  ["a Huffman value with zero-bit padding", "0000 5181 00"],
  ["a Huffman value holding EOS", "0000 5184 ffff ffff"],
  ["a Huffman value padded with 8 bits", "0000 5182 1fff"],
  ["a Huffman name with bad padding", "0000 2900 0161"],
];

for (const [what, bytes] of BAD_SECTIONS) {
  Deno.test(`qpack hostile: field section with ${what} -> QPACK_DECOMPRESSION_FAILED`, async () => {
    const decoder = withTwoEntries();
    assert.equal(await rejection(decoder.decode(0n, hex(bytes))), QPACK_DECOMPRESSION_FAILED);
    // A connection error: the decoder refuses everything after it.
    assert.equal(await rejection(decoder.decode(4n, hex("0000 d1"))), QPACK_DECOMPRESSION_FAILED);
    assert.equal(thrown(() => decoder.receiveEncoderStream(hex("02"))), QPACK_DECOMPRESSION_FAILED);
  });
}

const BAD_INSTRUCTIONS: [string, string][] = [
  ["capacity above the maximum (221 > 220)", "3fbe01"],
  ["an entry larger than the capacity", "3f01 c00f 7777 772e 6578 616d 706c 652e 636f 6d"],
  ["insert without a capacity", "c101 61"],
  ["static name index 99", "3fbd01 ff24 0161"],
  ["dynamic name reference to no entry", "3fbd01 8001 61"],
  ["dynamic name reference to an evicted entry", "3f21 c0 00 c0 00 81 00"],
  ["duplicate of no entry", "3fbd01 00"],
  ["duplicate beyond the newest entry", "3fbd01 c000 01"],
  ["literal name longer than the capacity", "3fbd01 5fbe01"],
  ["Huffman literal name that cannot fit", "3fbd01 7fff07"],
  ["a value with bad Huffman padding", "3fbd01 c081 00"],
  ["a capacity over 2^53", "3fe1 ffff ffff ffff 7f"],
  ["an over-long integer", "3f80 8080 8080 8080 8080 00"],
];

for (const [what, bytes] of BAD_INSTRUCTIONS) {
  Deno.test(`qpack hostile: encoder stream with ${what} -> QPACK_ENCODER_STREAM_ERROR`, async () => {
    const decoder = new QpackDecoder(LIMITS);
    assert.equal(
      thrown(() => decoder.receiveEncoderStream(hex(bytes))),
      QPACK_ENCODER_STREAM_ERROR,
    );
    assert.equal(await rejection(decoder.decode(0n, hex("0000 d1"))), QPACK_ENCODER_STREAM_ERROR);
  });
}

Deno.test("qpack hostile: a huge declared string is refused from its length, not buffered", () => {
  const decoder = new QpackDecoder({ ...LIMITS, maxTableCapacity: 1 << 20 });
  decoder.receiveEncoderStream(hex("3fe1ff3f")); // capacity 1 MiB
  // A literal name of 2^40 bytes: refused on its length prefix alone.
  assert.equal(
    thrown(() => decoder.receiveEncoderStream(hex("5f e1ff ffff ff7f"))),
    QPACK_ENCODER_STREAM_ERROR,
  );
});

Deno.test("qpack hostile: an instruction that never completes holds at most its own bytes", async () => {
  const decoder = new QpackDecoder(LIMITS);
  // Insert with literal name, length 20 (fits), and only 3 of its bytes: it waits.
  decoder.receiveEncoderStream(hex("3fbd01 54 616263"));
  // Sections not needing it decode meanwhile.
  assert.deepEqual(await decoder.decode(0n, hex("0000 d1")), [[":method", "GET"]]);
});

Deno.test("qpack hostile: more blocked streams than advertised -> QPACK_DECOMPRESSION_FAILED", async () => {
  const decoder = withTwoEntries();
  // Required Insert Count 3 (encoded 4) blocks; maxBlockedStreams is 1.
  const first = decoder.decode(0n, hex("0400 80"));
  // A second section of the same stream does not count twice.
  const again = decoder.decode(0n, hex("0400 80"));
  assert.equal(await rejection(decoder.decode(4n, hex("0400 80"))), QPACK_DECOMPRESSION_FAILED);
  // The connection failed: the blocked sections fail with it.
  assert.equal(await rejection(first), QPACK_DECOMPRESSION_FAILED);
  assert.equal(await rejection(again), QPACK_DECOMPRESSION_FAILED);
  const none = new QpackDecoder({ ...LIMITS, maxBlockedStreams: 0 });
  none.receiveEncoderStream(hex("3fbd01"));
  assert.equal(await rejection(none.decode(0n, hex("0200 80"))), QPACK_DECOMPRESSION_FAILED);
});

Deno.test("qpack hostile: a table capacity of 0 allows no dynamic references at all", async () => {
  const decoder = new QpackDecoder({ ...LIMITS, maxTableCapacity: 0 });
  assert.equal(await rejection(decoder.decode(0n, hex("0100 80"))), QPACK_DECOMPRESSION_FAILED);
  const other = new QpackDecoder({ ...LIMITS, maxTableCapacity: 0 });
  assert.equal(thrown(() => other.receiveEncoderStream(hex("21"))), QPACK_ENCODER_STREAM_ERROR);
  // Stream Cancellation is not sent when no references can exist.
  other.cancel(4n);
});

Deno.test("qpack hostile: a section over maxFieldSectionSize is a stream error only", async () => {
  const decoder = withTwoEntries({ ...LIMITS, maxFieldSectionSize: 100 });
  const encoder = new QpackEncoder();
  // 32 + 1 + 67 = 100 fits; one byte more does not.
  const fits = encoder.encode([["a", "v".repeat(67)]]);
  assert.equal((await decoder.decode(0n, fits))[0][1].length, 67);
  const over = encoder.encode([["a", "v".repeat(68)]]);
  assert.equal(await rejection(decoder.decode(4n, over)), H3_MESSAGE_ERROR);
  // Many small fields: the 32 bytes of overhead per field count (4 x (32 + 7 + 3) > 100).
  const many = encoder.encode(
    Array.from({ length: 4 }, () => [":method", "GET"] as [string, string]),
  );
  assert.equal(await rejection(decoder.decode(8n, many)), H3_MESSAGE_ERROR);
  // A Huffman bomb (5-bit codes: 1000 bytes decode to 1600) stops at the budget.
  const bomb = new Uint8Array([0x00, 0x00, 0x51, 0xff, 0xe9, 0x07, ...new Uint8Array(1000)]);
  assert.equal(await rejection(decoder.decode(12n, bomb)), H3_MESSAGE_ERROR);
  // With dynamic references the section is still acknowledged (its entries were all there).
  const dyn = hex("0300 81 80 80 80");
  assert.equal(await rejection(decoder.decode(16n, dyn)), H3_MESSAGE_ERROR);
  assert.equal(
    Array.from(decoder.takeDecoderStreamBytes()).map((b) => b.toString(16)).join(),
    "90",
  );
  // The connection goes on.
  assert.deepEqual(await decoder.decode(20n, hex("0300 80")), [[":path", "/sample/path"]]);
});

Deno.test("qpack hostile: cancel() of a blocked stream rejects it, sends Stream Cancellation", async () => {
  const decoder = withTwoEntries({ ...LIMITS, maxBlockedStreams: 2 });
  const kept = decoder.decode(0n, hex("0400 80"));
  // Nobody awaits this one: the rejection must not become an unhandled rejection.
  decoder.decode(4n, hex("0400 80"));
  decoder.cancel(4n);
  // Stream Cancellation (4), then Insert Count Increment (2) for the two entries received.
  assert.deepEqual(Array.from(decoder.takeDecoderStreamBytes()), [0x44, 0x02]);
  // Stream 0 still waits and decodes once entry 2 arrives.
  decoder.receiveEncoderStream(hex("4161 0162")); // a: b
  assert.deepEqual(await kept, [["a", "b"]]);
  const abandoned = decoder.decode(8n, hex("0500 80"));
  decoder.cancel(8n);
  assert.equal(await rejection(abandoned), H3_REQUEST_CANCELLED);
});

Deno.test("qpack: a stream's sections decode in order even when a later one could go first", async () => {
  const decoder = withTwoEntries({ ...LIMITS, maxBlockedStreams: 2 });
  const order: string[] = [];
  // Headers need entry 2 (not here yet); the trailers need nothing.
  const headers = decoder.decode(0n, hex("0400 80")).then((f) => order.push(`headers ${f}`));
  const trailers = decoder.decode(0n, hex("0000 d1")).then((f) => order.push(`trailers ${f}`));
  // Another stream is not held up by stream 0.
  const other = decoder.decode(4n, hex("0000 d1")).then(() => order.push("other"));
  await other;
  assert.deepEqual(order, ["other"]);
  decoder.receiveEncoderStream(hex("4161 0162")); // a: b
  await Promise.all([headers, trailers]);
  assert.deepEqual(order, ["other", "headers a,b", "trailers :method,GET"]);
});

Deno.test("qpack hostile: a third waiting section on one stream -> QPACK_DECOMPRESSION_FAILED", async () => {
  const decoder = withTwoEntries({ ...LIMITS, maxBlockedStreams: 2 });
  const first = decoder.decode(0n, hex("0400 80"));
  const second = decoder.decode(0n, hex("0400 80"));
  assert.equal(await rejection(decoder.decode(0n, hex("0000 d1"))), QPACK_DECOMPRESSION_FAILED);
  assert.equal(await rejection(first), QPACK_DECOMPRESSION_FAILED);
  assert.equal(await rejection(second), QPACK_DECOMPRESSION_FAILED);
});
