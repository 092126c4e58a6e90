// QPACK against an independent implementation: nghttp3's (the library under ngtcp2's HTTP/3
// client `gtlsclient`, Debian package libnghttp3-3, a dependency of ngtcp2-client), called
// through Deno's FFI. nghttp3's encoder uses the dynamic table (inserts, duplicates, evictions,
// post-base references, blocked streams); our decoder decodes its sections and nghttp3 reads our
// decoder-stream instructions back. nghttp3's decoder decodes our encoder's sections.

import assert from "node:assert/strict";
import { type HeaderField, QpackDecoder, QpackEncoder } from "./mod.ts";
import { nghttp3Decode, Nghttp3Encoder, requests } from "./_test_nghttp3.ts";

/** Runs 300 requests through nghttp3's encoder and our decoder; returns what was exercised. */
async function nghttp3ToOurs(
  capacity: number,
): Promise<
  { dynamicSections: number; encoderBytes: number; blockedSeen: number; cancelled: number }
> {
  const encoder = new Nghttp3Encoder(capacity, 16);
  const decoder = new QpackDecoder({
    maxTableCapacity: capacity,
    maxBlockedStreams: 16,
    maxFieldSectionSize: 65536,
  });
  let dynamicSections = 0;
  let encoderBytes = 0;
  let blockedSeen = 0;
  let cancelled = 0;
  try {
    const all = requests(300);
    for (let i = 0; i < all.length; i++) {
      const streamId = BigInt(4 * i);
      const { section, encoder: instructions } = encoder.encode(streamId, all[i]);
      if (section[0] !== 0) dynamicSections++;
      encoderBytes += instructions.length;
      // Every third request's section arrives before the encoder-stream bytes it needs (QUIC
      // reorders streams): it blocks, then resolves when they arrive.
      let fields: HeaderField[];
      if (i % 10 === 4 && instructions.length > 0) {
        // The client resets this request while its section waits: Stream Cancellation goes to
        // nghttp3's encoder, which must accept it and release the section's references.
        const pending = decoder.decode(streamId, section);
        decoder.cancel(streamId);
        await pending.then(() => assert.fail("resolved"), (e) => assert.equal(e.code, 0x010c));
        cancelled++;
        decoder.receiveEncoderStream(instructions);
        encoder.readDecoder(decoder.takeDecoderStreamBytes());
        continue;
      } else if (i % 3 === 1 && instructions.length > 0) {
        let done = false;
        const pending = decoder.decode(streamId, section).then((f) => (done = true, f));
        await Promise.resolve();
        if (!done) blockedSeen++;
        decoder.receiveEncoderStream(instructions);
        fields = await pending;
      } else {
        // Split the encoder-stream bytes anywhere.
        const cut = instructions.length >> 1;
        decoder.receiveEncoderStream(instructions.subarray(0, cut));
        decoder.receiveEncoderStream(instructions.subarray(cut));
        fields = await decoder.decode(streamId, section);
      }
      assert.deepEqual(fields, all[i]);
      encoder.readDecoder(decoder.takeDecoderStreamBytes());
    }
  } finally {
    encoder.close();
  }
  return { dynamicSections, encoderBytes, blockedSeen, cancelled };
}

Deno.test("qpack interop: nghttp3's encoder (dynamic table) -> our decoder, acks back", async () => {
  // 4 KiB: every section uses the table, a third of them block first.
  const large = await nghttp3ToOurs(4096);
  assert.ok(large.dynamicSections > 100, `dynamic sections ${large.dynamicSections}`);
  assert.ok(large.encoderBytes > 4096, `encoder stream ${large.encoderBytes} bytes`);
  assert.ok(large.blockedSeen > 10, `blocked ${large.blockedSeen}`);
  assert.ok(large.cancelled > 10, `cancelled ${large.cancelled}`);
  // 512 bytes (MaxEntries 16): constant eviction and the Required Insert Count wraps.
  const small = await nghttp3ToOurs(512);
  assert.ok(small.encoderBytes > 8 * 512, `encoder stream ${small.encoderBytes} bytes`);
});

Deno.test("qpack interop: our encoder -> nghttp3's decoder", () => {
  const encoder = new QpackEncoder();
  const sections: HeaderField[][] = [
    [[":status", "200"], ["content-type", "application/json"], ["content-length", "1234"]],
    [[":status", "404"], ["content-type", "application/problem+json"], ["vary", "accept-encoding"]],
    [["set-cookie", "id=a3fWa; Max-Age=2592000; Secure"], ["server-timing", "db;dur=53"]],
    [["x-bytes", Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("")]],
    [["x-long", "abc".repeat(3000)], ["x-empty", ""]],
    ...requests(20),
  ];
  for (const fields of sections) {
    assert.deepEqual(nghttp3Decode(encoder.encode(fields)), fields);
  }
});
