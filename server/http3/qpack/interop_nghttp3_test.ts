// QPACK against an independent implementation: nghttp3's (the library under ngtcp2's HTTP/3
// client `gtlsclient`, Debian package libnghttp3-3, a dependency of ngtcp2-client), called
// through Deno's FFI. nghttp3's encoder uses the dynamic table (inserts, duplicates, evictions,
// post-base references, blocked streams); our decoder decodes its sections and nghttp3 reads our
// decoder-stream instructions back. nghttp3's decoder decodes our encoder's sections.

import assert from "node:assert/strict";
import { type HeaderField, QpackDecoder, QpackEncoder } from "./mod.ts";

const lib = Deno.dlopen("libnghttp3.so.3", {
  nghttp3_mem_default: { parameters: [], result: "pointer" },
  nghttp3_buf_free: { parameters: ["buffer", "pointer"], result: "void" },
  nghttp3_qpack_encoder_new: { parameters: ["buffer", "usize", "pointer"], result: "i32" },
  nghttp3_qpack_encoder_del: { parameters: ["pointer"], result: "void" },
  nghttp3_qpack_encoder_set_max_dtable_capacity: {
    parameters: ["pointer", "usize"],
    result: "void",
  },
  nghttp3_qpack_encoder_set_max_blocked_streams: {
    parameters: ["pointer", "usize"],
    result: "void",
  },
  nghttp3_qpack_encoder_encode: {
    parameters: ["pointer", "buffer", "buffer", "buffer", "i64", "buffer", "usize"],
    result: "i32",
  },
  nghttp3_qpack_encoder_read_decoder: {
    parameters: ["pointer", "buffer", "usize"],
    result: "isize",
  },
  nghttp3_qpack_decoder_new: {
    parameters: ["buffer", "usize", "usize", "pointer"],
    result: "i32",
  },
  nghttp3_qpack_decoder_del: { parameters: ["pointer"], result: "void" },
  nghttp3_qpack_stream_context_new: {
    parameters: ["buffer", "i64", "pointer"],
    result: "i32",
  },
  nghttp3_qpack_stream_context_del: { parameters: ["pointer"], result: "void" },
  nghttp3_qpack_decoder_read_request: {
    parameters: ["pointer", "pointer", "buffer", "buffer", "buffer", "usize", "i32"],
    result: "isize",
  },
  nghttp3_rcbuf_get_buf: { parameters: ["pointer"], result: { struct: ["pointer", "usize"] } },
  nghttp3_rcbuf_decref: { parameters: ["pointer"], result: "void" },
});
const ffi = lib.symbols;
const mem = ffi.nghttp3_mem_default();

function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function fromLatin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function pointerOut(): BigUint64Array {
  return new BigUint64Array(1);
}

function pointerIn(out: BigUint64Array): Deno.PointerValue {
  return Deno.UnsafePointer.create(out[0]);
}

/** The bytes of an nghttp3_buf (begin, end, pos, last) from pos to last. */
function bufBytes(buf: BigUint64Array): Uint8Array {
  const len = Number(buf[3] - buf[2]);
  if (len === 0) return new Uint8Array(0);
  const view = new Deno.UnsafePointerView(Deno.UnsafePointer.create(buf[2])!);
  return new Uint8Array(view.getArrayBuffer(len)).slice();
}

class Nghttp3Encoder {
  #enc: Deno.PointerValue;
  constructor(capacity: number, blocked: number) {
    const out = pointerOut();
    assert.equal(ffi.nghttp3_qpack_encoder_new(out, BigInt(capacity), mem), 0);
    this.#enc = pointerIn(out);
    ffi.nghttp3_qpack_encoder_set_max_dtable_capacity(this.#enc, BigInt(capacity));
    ffi.nghttp3_qpack_encoder_set_max_blocked_streams(this.#enc, BigInt(blocked));
  }

  /** Encodes a section: the request-stream bytes and the encoder-stream bytes it needs. */
  encode(streamId: bigint, fields: HeaderField[]): { section: Uint8Array; encoder: Uint8Array } {
    const keep = fields.map(([n, v]) => [latin1(n), latin1(v)]);
    const nva = new BigUint64Array(5 * fields.length + 1);
    keep.forEach(([n, v], i) => {
      nva[5 * i] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(n)));
      nva[5 * i + 1] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(v)));
      nva[5 * i + 2] = BigInt(n.length);
      nva[5 * i + 3] = BigInt(v.length);
      nva[5 * i + 4] = 0n; // flags: NGHTTP3_NV_FLAG_NONE
    });
    const [pbuf, rbuf, ebuf] = [
      new BigUint64Array(4),
      new BigUint64Array(4),
      new BigUint64Array(4),
    ];
    assert.equal(
      ffi.nghttp3_qpack_encoder_encode(
        this.#enc,
        pbuf,
        rbuf,
        ebuf,
        streamId,
        nva,
        BigInt(fields.length),
      ),
      0,
    );
    const prefix = bufBytes(pbuf);
    const rest = bufBytes(rbuf);
    const section = new Uint8Array(prefix.length + rest.length);
    section.set(prefix);
    section.set(rest, prefix.length);
    const encoder = bufBytes(ebuf);
    for (const b of [pbuf, rbuf, ebuf]) ffi.nghttp3_buf_free(b, mem);
    keep.length = 0;
    return { section, encoder };
  }

  /** Feeds our decoder-stream bytes; nghttp3 must accept every byte. */
  readDecoder(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const n = ffi.nghttp3_qpack_encoder_read_decoder(this.#enc, bytes, BigInt(bytes.length));
    assert.equal(Number(n), bytes.length, `nghttp3 refused our decoder stream (${n})`);
  }

  close(): void {
    ffi.nghttp3_qpack_encoder_del(this.#enc);
  }
}

/** nghttp3's decoder on one of our (static-only) sections. */
function nghttp3Decode(section: Uint8Array): HeaderField[] {
  const out = pointerOut();
  assert.equal(ffi.nghttp3_qpack_decoder_new(out, 4096n, 0n, mem), 0);
  const dec = pointerIn(out);
  const sctxOut = pointerOut();
  assert.equal(ffi.nghttp3_qpack_stream_context_new(sctxOut, 0n, mem), 0);
  const sctx = pointerIn(sctxOut);
  const fields: HeaderField[] = [];
  const nv = new BigUint64Array(3); // name rcbuf, value rcbuf, token + flags
  const flags = new Uint8Array(1);
  let pos = 0;
  for (let guard = 0; guard < 10_000; guard++) {
    const rest = section.subarray(pos);
    const n = Number(
      ffi.nghttp3_qpack_decoder_read_request(dec, sctx, nv, flags, rest, BigInt(rest.length), 1),
    );
    assert.ok(n >= 0, `nghttp3 refused our section (${n})`);
    pos += n;
    if (flags[0] & 0x01) {
      const text: string[] = [];
      for (const rc of [nv[0], nv[1]]) {
        const ptr = Deno.UnsafePointer.create(rc);
        const vec = new BigUint64Array(ffi.nghttp3_rcbuf_get_buf(ptr).buffer);
        const bytes = vec[1] === 0n ? new Uint8Array(0) : new Uint8Array(
          new Deno.UnsafePointerView(Deno.UnsafePointer.create(vec[0])!).getArrayBuffer(
            Number(vec[1]),
          ),
        );
        text.push(fromLatin1(bytes));
        ffi.nghttp3_rcbuf_decref(ptr);
      }
      fields.push([text[0], text[1]]);
    }
    if (flags[0] & 0x02) break;
    assert.ok(!(flags[0] & 0x04), "blocked on a static-only section");
  }
  assert.equal(pos, section.length);
  ffi.nghttp3_qpack_stream_context_del(sctx);
  ffi.nghttp3_qpack_decoder_del(dec);
  return fields;
}

/** Requests as a browser sends them: repeated names and values, some varying. */
function requests(count: number): HeaderField[][] {
  const out: HeaderField[][] = [];
  for (let i = 0; i < count; i++) {
    out.push([
      [":method", i % 5 === 0 ? "POST" : "GET"],
      [":scheme", "https"],
      [":authority", `api${i % 3}.example.com`],
      [":path", `/v1/items/${i}?page=${i % 7}&q=${"x".repeat(i % 40)}`],
      ["user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari"],
      ["accept", "application/vnd.apache.arrow.stream, application/json;q=0.9"],
      ["accept-encoding", "gzip, deflate, br, zstd"],
      ["accept-language", i % 2 ? "en-US,en;q=0.9" : "pt-BR,pt;q=0.8"],
      ["cookie", `session=${(i * 7919).toString(36)}; theme=dark`],
      ["x-request-id", `req-${i}`],
      ["x-bytes", String.fromCharCode(0x80 + (i % 128), 0xff, 0x09, 0x7f)],
    ]);
  }
  return out;
}

/** Runs 300 requests through nghttp3's encoder and our decoder; returns what was exercised. */
async function nghttp3ToOurs(
  capacity: number,
): Promise<{ dynamicSections: number; encoderBytes: number; blockedSeen: number }> {
  const encoder = new Nghttp3Encoder(capacity, 16);
  const decoder = new QpackDecoder({
    maxTableCapacity: capacity,
    maxBlockedStreams: 16,
    maxFieldSectionSize: 65536,
  });
  let dynamicSections = 0;
  let encoderBytes = 0;
  let blockedSeen = 0;
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
      if (i % 3 === 1 && instructions.length > 0) {
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
  return { dynamicSections, encoderBytes, blockedSeen };
}

Deno.test("qpack interop: nghttp3's encoder (dynamic table) -> our decoder, acks back", async () => {
  // 4 KiB: every section uses the table, a third of them block first.
  const large = await nghttp3ToOurs(4096);
  assert.ok(large.dynamicSections > 100, `dynamic sections ${large.dynamicSections}`);
  assert.ok(large.encoderBytes > 4096, `encoder stream ${large.encoderBytes} bytes`);
  assert.ok(large.blockedSeen > 10, `blocked ${large.blockedSeen}`);
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
