// Mutation fuzzing of the QPACK decoder: valid encoder streams and field sections (RFC 9204
// Appendix B and our encoder's output), mutated with a seeded generator. Whatever the bytes, the
// decoder either decodes within its limits or fails with a QpackError; nothing else escapes, no
// promise is left unsettled after cancel(), and no section exceeds maxFieldSectionSize.

import assert from "node:assert/strict";
import { type HeaderField, QpackDecoder, QpackEncoder, QpackError } from "./mod.ts";
import { B_ENCODER_STREAM, hex } from "./_test_qpack.ts";

/** mulberry32: a small seeded generator, so a failure replays. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENCODER_STREAM = hex(
  B_ENCODER_STREAM +
    "5f0a 8c f1e3 c2e5 f23a 6ba0 ab90 f4ff 86 a8eb 1064 9cbf", // Huffman name and value
);

const encoder = new QpackEncoder();
const SECTIONS: Uint8Array[] = [
  hex("0000 510b 2f69 6e64 6578 2e68 746d 6c"),
  hex("0381 10 11"),
  hex("0500 80 c1 81"),
  hex("0600 80 81 83"),
  hex("0380 80 10 0001 78"),
  hex("0680 40 0179 00 0161"),
  encoder.encode([[":method", "GET"], [":scheme", "https"], [":path", "/api?x=1"]]),
  encoder.encode([["content-type", "application/json"], ["x-trace", "00-abc-def-01"]]),
  encoder.encode([["set-cookie", "k=v"], ["x-empty", ""], ["user-agent", "Mozilla/5.0"]]),
];

function mutate(input: Uint8Array, next: () => number): Uint8Array {
  const bytes = Array.from(input);
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (bytes.length + 1));
    const kind = Math.floor(next() * 6);
    if (kind === 0) bytes[at] = Math.floor(next() * 256); // replace
    else if (kind === 1) bytes[at] ^= 1 << Math.floor(next() * 8); // flip a bit
    else if (kind === 2) bytes.splice(at, 1); // delete
    else if (kind === 3) bytes.splice(at, 0, Math.floor(next() * 256)); // insert
    else if (kind === 4) bytes.length = at; // truncate
    else bytes.splice(at, 0, 0xff, 0xff, 0xff); // runs of 1-bits (long integers, Huffman)
  }
  return new Uint8Array(bytes.filter((b) => b !== undefined).map((b) => b & 0xff));
}

function sectionSize(fields: HeaderField[]): number {
  return fields.reduce((n, [name, value]) => n + name.length + value.length + 32, 0);
}

Deno.test("qpack fuzz: mutated encoder streams and sections give fields or QpackError", async () => {
  const next = rng(0x9204);
  const limits = { maxTableCapacity: 256, maxBlockedStreams: 4, maxFieldSectionSize: 300 };
  let decoded = 0;
  let failed = 0;
  for (let iteration = 0; iteration < 1500; iteration++) {
    const decoder = new QpackDecoder(limits);
    const pending: Promise<void>[] = [];
    const streams: bigint[] = [];
    const settle = (p: Promise<HeaderField[]>): Promise<void> =>
      p.then((fields) => {
        assert.ok(sectionSize(fields) <= limits.maxFieldSectionSize);
        decoded++;
      }, (e) => {
        assert.ok(e instanceof QpackError, `not a QpackError: ${e}`);
        failed++;
      });
    const stream = next() < 0.5 ? mutate(ENCODER_STREAM, next) : ENCODER_STREAM;
    // Sections may arrive before, between and after the encoder-stream chunks.
    let fed = 0;
    for (let step = 0; step < 4; step++) {
      const id = BigInt(4 * (iteration * 8 + step));
      streams.push(id);
      const section = SECTIONS[Math.floor(next() * SECTIONS.length)];
      pending.push(settle(decoder.decode(id, next() < 0.7 ? mutate(section, next) : section)));
      const cut = step === 3 ? stream.length : fed + Math.floor(next() * (stream.length - fed + 1));
      try {
        decoder.receiveEncoderStream(stream.subarray(fed, cut));
      } catch (e) {
        assert.ok(e instanceof QpackError, `not a QpackError: ${e}`);
      }
      fed = cut;
      const out = decoder.takeDecoderStreamBytes();
      assert.ok(out instanceof Uint8Array);
    }
    // Streams still blocked are abandoned; every promise settles.
    for (const id of streams) decoder.cancel(id);
    await Promise.all(pending);
  }
  // The corpus is exercised both ways, not only refused.
  assert.ok(decoded > 500 && failed > 500, `decoded ${decoded}, failed ${failed}`);
});

Deno.test("qpack fuzz: random bytes never escape as anything but QpackError", async () => {
  const next = rng(7541);
  for (let iteration = 0; iteration < 2000; iteration++) {
    const decoder = new QpackDecoder({
      maxTableCapacity: 4096,
      maxBlockedStreams: 2,
      maxFieldSectionSize: 4096,
    });
    const bytes = new Uint8Array(1 + Math.floor(next() * 48));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
    try {
      decoder.receiveEncoderStream(bytes);
    } catch (e) {
      assert.ok(e instanceof QpackError, `not a QpackError: ${e}`);
    }
    const section = decoder.decode(0n, bytes.subarray(Math.floor(next() * bytes.length)));
    decoder.cancel(0n);
    try {
      await section;
    } catch (e) {
      assert.ok(e instanceof QpackError, `not a QpackError: ${e}`);
    }
  }
});
