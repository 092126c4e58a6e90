// nghttp3's QPACK (libnghttp3.so.3, Debian libnghttp3-3, brought by ngtcp2-client) through Deno's
// FFI: the independent implementation the qpack interop test and bench/qpack.ts compare with.

import assert from "node:assert/strict";
import type { HeaderField } from "./mod.ts";

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
  nghttp3_qpack_decoder_read_encoder: {
    parameters: ["pointer", "buffer", "usize"],
    result: "isize",
  },
  nghttp3_qpack_decoder_get_decoder_streamlen: { parameters: ["pointer"], result: "usize" },
  nghttp3_qpack_decoder_write_decoder: { parameters: ["pointer", "buffer"], result: "void" },
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
  const bytes = new Uint8Array(Number(buf[3] - buf[2]));
  if (bytes.length > 0) Deno.UnsafePointerView.copyInto(Deno.UnsafePointer.create(buf[2])!, bytes);
  return bytes;
}

/** nghttp3's QPACK encoder. */
export class Nghttp3Encoder {
  #enc: Deno.PointerValue;
  /**
   * Creates an encoder.
   *
   * @param capacity the dynamic table capacity the peer allows
   * @param blocked the blocked streams the peer allows
   */
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

  /** Frees the encoder. */
  close(): void {
    ffi.nghttp3_qpack_encoder_del(this.#enc);
  }
}

/** nghttp3's QPACK decoder: one per connection, like ours. */
export class Nghttp3Decoder {
  #dec: Deno.PointerValue;
  #nv = new BigUint64Array(3); // name rcbuf, value rcbuf, token + flags
  #flags = new Uint8Array(1);

  /**
   * Creates a decoder.
   *
   * @param capacity the maximum dynamic table capacity
   * @param blocked the maximum blocked streams
   */
  constructor(capacity: number, blocked: number) {
    const out = pointerOut();
    assert.equal(ffi.nghttp3_qpack_decoder_new(out, BigInt(capacity), BigInt(blocked), mem), 0);
    this.#dec = pointerIn(out);
  }

  /** Feeds encoder-stream bytes; nghttp3 must accept every byte. */
  readEncoder(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const n = ffi.nghttp3_qpack_decoder_read_encoder(this.#dec, bytes, BigInt(bytes.length));
    assert.equal(Number(n), bytes.length, `nghttp3 refused the encoder stream (${n})`);
  }

  /** Decodes a whole section whose entries have all arrived. */
  decode(streamId: bigint, section: Uint8Array): HeaderField[] {
    const sctxOut = pointerOut();
    assert.equal(ffi.nghttp3_qpack_stream_context_new(sctxOut, streamId, mem), 0);
    const sctx = pointerIn(sctxOut);
    const nv = this.#nv;
    const flags = this.#flags;
    const fields: HeaderField[] = [];
    let pos = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      const rest = section.subarray(pos);
      const n = Number(
        ffi.nghttp3_qpack_decoder_read_request(
          this.#dec,
          sctx,
          nv,
          flags,
          rest,
          BigInt(rest.length),
          1,
        ),
      );
      assert.ok(n >= 0, `nghttp3 refused the section (${n})`);
      pos += n;
      if (flags[0] & 0x01) {
        const text: string[] = [];
        for (const rc of [nv[0], nv[1]]) {
          const ptr = Deno.UnsafePointer.create(rc);
          const vec = new BigUint64Array(ffi.nghttp3_rcbuf_get_buf(ptr).buffer);
          const bytes = new Uint8Array(Number(vec[1]));
          if (bytes.length > 0) {
            Deno.UnsafePointerView.copyInto(Deno.UnsafePointer.create(vec[0])!, bytes);
          }
          text.push(fromLatin1(bytes));
          ffi.nghttp3_rcbuf_decref(ptr);
        }
        fields.push([text[0], text[1]]);
      }
      if (flags[0] & 0x02) break;
      assert.ok(!(flags[0] & 0x04), "blocked");
    }
    assert.equal(pos, section.length);
    ffi.nghttp3_qpack_stream_context_del(sctx);
    return fields;
  }

  /** The decoder-stream bytes nghttp3 has to send. */
  takeDecoderStreamBytes(): Uint8Array {
    const len = Number(ffi.nghttp3_qpack_decoder_get_decoder_streamlen(this.#dec));
    if (len === 0) return new Uint8Array(0);
    const out = new Uint8Array(len);
    const buf = new BigUint64Array(4);
    const base = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(out)));
    buf[0] = buf[2] = buf[3] = base;
    buf[1] = base + BigInt(len);
    ffi.nghttp3_qpack_decoder_write_decoder(this.#dec, buf);
    return out.subarray(0, Number(buf[3] - base));
  }

  /** Frees the decoder. */
  close(): void {
    ffi.nghttp3_qpack_decoder_del(this.#dec);
  }
}

/** nghttp3's decoder on one of our (static-only) sections. */
export function nghttp3Decode(section: Uint8Array): HeaderField[] {
  const decoder = new Nghttp3Decoder(4096, 0);
  try {
    return decoder.decode(0n, section);
  } finally {
    decoder.close();
  }
}

/** Requests as a browser sends them: repeated names and values, some varying. */
export function requests(count: number): HeaderField[][] {
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
