/**
 * QPACK (RFC 9204), static table only: field sections are encoded with static-table references and
 * plain literals, and decoded from static references, literal names and Huffman-coded strings.
 * This decoder advertises a dynamic table capacity of 0, so a block or encoder-stream instruction
 * that needs the dynamic table is a QPACK error.
 *
 * @module
 */

/** One field line: lower-case name and value. */
export type HeaderField = [name: string, value: string];

/** QPACK error codes (RFC 9204 §6). */
const QPACK_DECOMPRESSION_FAILED = 0x200;
const QPACK_ENCODER_STREAM_ERROR = 0x201;

/**
 * A QPACK error of the peer; `code` is the HTTP/3 error code to close the connection with.
 *
 * @example
 * ```ts
 * import { QpackDecoder, QpackError } from "./mod.ts";
 * const d = new QpackDecoder({ maxTableCapacity: 0, maxBlockedStreams: 0, maxFieldSectionSize: 1 << 14 });
 * await d.decode(0n, new Uint8Array([0x05, 0x00])).catch((e) => console.log(e instanceof QpackError && e.code)); // 512
 * ```
 */
export class QpackError extends Error {
  /** The RFC 9204 error code (`0x200` QPACK_DECOMPRESSION_FAILED, ...). */
  readonly code: number;

  /**
   * @param code RFC 9204 error code
   * @param message what was wrong
   */
  constructor(code: number, message: string) {
    super(message);
    this.name = "QpackError";
    this.code = code;
  }
}

/** What the decoder accepts; sent to the peer in SETTINGS. */
export interface QpackDecoderOptions {
  /** SETTINGS_QPACK_MAX_TABLE_CAPACITY; this decoder supports only 0. */
  maxTableCapacity: number;
  /** SETTINGS_QPACK_BLOCKED_STREAMS; irrelevant without a dynamic table. */
  maxBlockedStreams: number;
  /** SETTINGS_MAX_FIELD_SECTION_SIZE: bound on the decoded section (names + values + 32 each). */
  maxFieldSectionSize: number;
}

// RFC 9204 Appendix A.
const STATIC: readonly HeaderField[] = [
  [":authority", ""],
  [":path", "/"],
  ["age", "0"],
  ["content-disposition", ""],
  ["content-length", "0"],
  ["cookie", ""],
  ["date", ""],
  ["etag", ""],
  ["if-modified-since", ""],
  ["if-none-match", ""],
  ["last-modified", ""],
  ["link", ""],
  ["location", ""],
  ["referer", ""],
  ["set-cookie", ""],
  [":method", "CONNECT"],
  [":method", "DELETE"],
  [":method", "GET"],
  [":method", "HEAD"],
  [":method", "OPTIONS"],
  [":method", "POST"],
  [":method", "PUT"],
  [":scheme", "http"],
  [":scheme", "https"],
  [":status", "103"],
  [":status", "200"],
  [":status", "304"],
  [":status", "404"],
  [":status", "503"],
  ["accept", "*/*"],
  ["accept", "application/dns-message"],
  ["accept-encoding", "gzip, deflate, br"],
  ["accept-ranges", "bytes"],
  ["access-control-allow-headers", "cache-control"],
  ["access-control-allow-headers", "content-type"],
  ["access-control-allow-origin", "*"],
  ["cache-control", "max-age=0"],
  ["cache-control", "max-age=2592000"],
  ["cache-control", "max-age=604800"],
  ["cache-control", "no-cache"],
  ["cache-control", "no-store"],
  ["cache-control", "public, max-age=31536000"],
  ["content-encoding", "br"],
  ["content-encoding", "gzip"],
  ["content-type", "application/dns-message"],
  ["content-type", "application/javascript"],
  ["content-type", "application/json"],
  ["content-type", "application/x-www-form-urlencoded"],
  ["content-type", "image/gif"],
  ["content-type", "image/jpeg"],
  ["content-type", "image/png"],
  ["content-type", "text/css"],
  ["content-type", "text/html; charset=utf-8"],
  ["content-type", "text/plain"],
  ["content-type", "text/plain;charset=utf-8"],
  ["range", "bytes=0-"],
  ["strict-transport-security", "max-age=31536000"],
  ["strict-transport-security", "max-age=31536000; includesubdomains"],
  ["strict-transport-security", "max-age=31536000; includesubdomains; preload"],
  ["vary", "accept-encoding"],
  ["vary", "origin"],
  ["x-content-type-options", "nosniff"],
  ["x-xss-protection", "1; mode=block"],
  [":status", "100"],
  [":status", "204"],
  [":status", "206"],
  [":status", "302"],
  [":status", "400"],
  [":status", "403"],
  [":status", "421"],
  [":status", "425"],
  [":status", "500"],
  ["accept-language", ""],
  ["access-control-allow-credentials", "FALSE"],
  ["access-control-allow-credentials", "TRUE"],
  ["access-control-allow-headers", "*"],
  ["access-control-allow-methods", "get"],
  ["access-control-allow-methods", "get, post, options"],
  ["access-control-allow-methods", "options"],
  ["access-control-expose-headers", "content-length"],
  ["access-control-request-headers", "content-type"],
  ["access-control-request-method", "get"],
  ["access-control-request-method", "post"],
  ["alt-svc", "clear"],
  ["authorization", ""],
  ["content-security-policy", "script-src 'none'; object-src 'none'; base-uri 'none'"],
  ["early-data", "1"],
  ["expect-ct", ""],
  ["forwarded", ""],
  ["if-range", ""],
  ["origin", ""],
  ["purpose", "prefetch"],
  ["server", ""],
  ["timing-allow-origin", "*"],
  ["upgrade-insecure-requests", "1"],
  ["user-agent", ""],
  ["x-forwarded-for", ""],
  ["x-frame-options", "deny"],
  ["x-frame-options", "sameorigin"],
];

// RFC 7541 Appendix B: code and bit length of each symbol (256 is EOS).
const HUFFMAN_CODES: readonly number[] = [
  0x1ff8,
  0x7fffd8,
  0xfffffe2,
  0xfffffe3,
  0xfffffe4,
  0xfffffe5,
  0xfffffe6,
  0xfffffe7,
  0xfffffe8,
  0xffffea,
  0x3ffffffc,
  0xfffffe9,
  0xfffffea,
  0x3ffffffd,
  0xfffffeb,
  0xfffffec,
  0xfffffed,
  0xfffffee,
  0xfffffef,
  0xffffff0,
  0xffffff1,
  0xffffff2,
  0x3ffffffe,
  0xffffff3,
  0xffffff4,
  0xffffff5,
  0xffffff6,
  0xffffff7,
  0xffffff8,
  0xffffff9,
  0xffffffa,
  0xffffffb,
  0x14,
  0x3f8,
  0x3f9,
  0xffa,
  0x1ff9,
  0x15,
  0xf8,
  0x7fa,
  0x3fa,
  0x3fb,
  0xf9,
  0x7fb,
  0xfa,
  0x16,
  0x17,
  0x18,
  0x0,
  0x1,
  0x2,
  0x19,
  0x1a,
  0x1b,
  0x1c,
  0x1d,
  0x1e,
  0x1f,
  0x5c,
  0xfb,
  0x7ffc,
  0x20,
  0xffb,
  0x3fc,
  0x1ffa,
  0x21,
  0x5d,
  0x5e,
  0x5f,
  0x60,
  0x61,
  0x62,
  0x63,
  0x64,
  0x65,
  0x66,
  0x67,
  0x68,
  0x69,
  0x6a,
  0x6b,
  0x6c,
  0x6d,
  0x6e,
  0x6f,
  0x70,
  0x71,
  0x72,
  0xfc,
  0x73,
  0xfd,
  0x1ffb,
  0x7fff0,
  0x1ffc,
  0x3ffc,
  0x22,
  0x7ffd,
  0x3,
  0x23,
  0x4,
  0x24,
  0x5,
  0x25,
  0x26,
  0x27,
  0x6,
  0x74,
  0x75,
  0x28,
  0x29,
  0x2a,
  0x7,
  0x2b,
  0x76,
  0x2c,
  0x8,
  0x9,
  0x2d,
  0x77,
  0x78,
  0x79,
  0x7a,
  0x7b,
  0x7ffe,
  0x7fc,
  0x3ffd,
  0x1ffd,
  0xffffffc,
  0xfffe6,
  0x3fffd2,
  0xfffe7,
  0xfffe8,
  0x3fffd3,
  0x3fffd4,
  0x3fffd5,
  0x7fffd9,
  0x3fffd6,
  0x7fffda,
  0x7fffdb,
  0x7fffdc,
  0x7fffdd,
  0x7fffde,
  0xffffeb,
  0x7fffdf,
  0xffffec,
  0xffffed,
  0x3fffd7,
  0x7fffe0,
  0xffffee,
  0x7fffe1,
  0x7fffe2,
  0x7fffe3,
  0x7fffe4,
  0x1fffdc,
  0x3fffd8,
  0x7fffe5,
  0x3fffd9,
  0x7fffe6,
  0x7fffe7,
  0xffffef,
  0x3fffda,
  0x1fffdd,
  0xfffe9,
  0x3fffdb,
  0x3fffdc,
  0x7fffe8,
  0x7fffe9,
  0x1fffde,
  0x7fffea,
  0x3fffdd,
  0x3fffde,
  0xfffff0,
  0x1fffdf,
  0x3fffdf,
  0x7fffeb,
  0x7fffec,
  0x1fffe0,
  0x1fffe1,
  0x3fffe0,
  0x1fffe2,
  0x7fffed,
  0x3fffe1,
  0x7fffee,
  0x7fffef,
  0xfffea,
  0x3fffe2,
  0x3fffe3,
  0x3fffe4,
  0x7ffff0,
  0x3fffe5,
  0x3fffe6,
  0x7ffff1,
  0x3ffffe0,
  0x3ffffe1,
  0xfffeb,
  0x7fff1,
  0x3fffe7,
  0x7ffff2,
  0x3fffe8,
  0x1ffffec,
  0x3ffffe2,
  0x3ffffe3,
  0x3ffffe4,
  0x7ffffde,
  0x7ffffdf,
  0x3ffffe5,
  0xfffff1,
  0x1ffffed,
  0x7fff2,
  0x1fffe3,
  0x3ffffe6,
  0x7ffffe0,
  0x7ffffe1,
  0x3ffffe7,
  0x7ffffe2,
  0xfffff2,
  0x1fffe4,
  0x1fffe5,
  0x3ffffe8,
  0x3ffffe9,
  0xffffffd,
  0x7ffffe3,
  0x7ffffe4,
  0x7ffffe5,
  0xfffec,
  0xfffff3,
  0xfffed,
  0x1fffe6,
  0x3fffe9,
  0x1fffe7,
  0x1fffe8,
  0x7ffff3,
  0x3fffea,
  0x3fffeb,
  0x1ffffee,
  0x1ffffef,
  0xfffff4,
  0xfffff5,
  0x3ffffea,
  0x7ffff4,
  0x3ffffeb,
  0x7ffffe6,
  0x3ffffec,
  0x3ffffed,
  0x7ffffe7,
  0x7ffffe8,
  0x7ffffe9,
  0x7ffffea,
  0x7ffffeb,
  0xffffffe,
  0x7ffffec,
  0x7ffffed,
  0x7ffffee,
  0x7ffffef,
  0x7fffff0,
  0x3ffffee,
  0x3fffffff,
];
const HUFFMAN_LENGTHS: readonly number[] = [
  13,
  23,
  28,
  28,
  28,
  28,
  28,
  28,
  28,
  24,
  30,
  28,
  28,
  30,
  28,
  28,
  28,
  28,
  28,
  28,
  28,
  28,
  30,
  28,
  28,
  28,
  28,
  28,
  28,
  28,
  28,
  28,
  6,
  10,
  10,
  12,
  13,
  6,
  8,
  11,
  10,
  10,
  8,
  11,
  8,
  6,
  6,
  6,
  5,
  5,
  5,
  6,
  6,
  6,
  6,
  6,
  6,
  6,
  7,
  8,
  15,
  6,
  12,
  10,
  13,
  6,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  7,
  8,
  7,
  8,
  13,
  19,
  13,
  14,
  6,
  15,
  5,
  6,
  5,
  6,
  5,
  6,
  6,
  6,
  5,
  7,
  7,
  6,
  6,
  6,
  5,
  6,
  7,
  6,
  5,
  5,
  6,
  7,
  7,
  7,
  7,
  7,
  15,
  11,
  14,
  13,
  28,
  20,
  22,
  20,
  20,
  22,
  22,
  22,
  23,
  22,
  23,
  23,
  23,
  23,
  23,
  24,
  23,
  24,
  24,
  22,
  23,
  24,
  23,
  23,
  23,
  23,
  21,
  22,
  23,
  22,
  23,
  23,
  24,
  22,
  21,
  20,
  22,
  22,
  23,
  23,
  21,
  23,
  22,
  22,
  24,
  21,
  22,
  23,
  23,
  21,
  21,
  22,
  21,
  23,
  22,
  23,
  23,
  20,
  22,
  22,
  22,
  23,
  22,
  22,
  23,
  26,
  26,
  20,
  19,
  22,
  23,
  22,
  25,
  26,
  26,
  26,
  27,
  27,
  26,
  24,
  25,
  19,
  21,
  26,
  27,
  27,
  26,
  27,
  24,
  21,
  21,
  26,
  26,
  28,
  27,
  27,
  27,
  20,
  24,
  20,
  21,
  22,
  21,
  21,
  23,
  22,
  22,
  25,
  25,
  24,
  24,
  26,
  23,
  26,
  27,
  26,
  26,
  27,
  27,
  27,
  27,
  27,
  28,
  27,
  27,
  27,
  27,
  27,
  26,
  30,
];

/** The Huffman code as a binary tree: node n's children at 2n, 2n+1; leaves are ~symbol. */
const HUFFMAN_TREE: Int32Array = (() => {
  const tree = new Int32Array(2 * 512);
  let nodes = 1;
  for (let sym = 0; sym < 257; sym++) {
    const code = HUFFMAN_CODES[sym];
    const len = HUFFMAN_LENGTHS[sym];
    let node = 0;
    for (let i = len - 1; i > 0; i--) {
      const slot = 2 * node + ((code >>> i) & 1);
      if (tree[slot] === 0) tree[slot] = nodes++;
      node = tree[slot];
    }
    tree[2 * node + (code & 1)] = ~sym;
  }
  return tree;
})();

function huffmanDecode(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length * 8 / 5));
  let n = 0;
  let node = 0;
  let depth = 0; // bits since the last symbol, all ones so far when `ones`
  let ones = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    for (let bit = 7; bit >= 0; bit--) {
      const one = (b >> bit) & 1;
      const next = HUFFMAN_TREE[2 * node + one];
      depth++;
      ones &&= one === 1;
      if (next < 0) {
        const sym = ~next;
        if (sym === 256) throw decompression("EOS in a Huffman string");
        out[n++] = sym;
        node = 0;
        depth = 0;
        ones = true;
      } else if (next === 0) {
        throw decompression("invalid Huffman code");
      } else node = next;
    }
  }
  // RFC 7541 §5.2: padding is fewer than 8 bits, all ones (the EOS prefix).
  if (depth > 7 || !ones) throw decompression("invalid Huffman padding");
  return latin1(out.subarray(0, n));
}

/** Bytes as a ByteString (one char per byte, as `Headers` holds them). */
function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return s;
}

function decompression(message: string): QpackError {
  return new QpackError(QPACK_DECOMPRESSION_FAILED, message);
}

/** Reads a prefixed integer (RFC 9204 §4.1.1, RFC 7541 §5.1). */
function readInt(bytes: Uint8Array, pos: { o: number }, prefix: number): number {
  if (pos.o >= bytes.length) throw decompression("truncated field section");
  const max = (1 << prefix) - 1;
  let value = bytes[pos.o++] & max;
  if (value < max) return value;
  let shift = 0;
  while (true) {
    if (pos.o >= bytes.length) throw decompression("truncated integer");
    const b = bytes[pos.o++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (value > Number.MAX_SAFE_INTEGER || shift > 56) throw decompression("integer too large");
    if ((b & 0x80) === 0) return value;
  }
}

/** Reads a string literal whose Huffman flag is bit `prefix` of the first byte. */
function readString(bytes: Uint8Array, pos: { o: number }, prefix: number): string {
  if (pos.o >= bytes.length) throw decompression("truncated field section");
  const huffman = (bytes[pos.o] >> prefix) & 1;
  const length = readInt(bytes, pos, prefix);
  if (length > bytes.length - pos.o) throw decompression("string past the end of the block");
  const raw = bytes.subarray(pos.o, pos.o + length);
  pos.o += length;
  return huffman ? huffmanDecode(raw) : latin1(raw);
}

function staticEntry(index: number): HeaderField {
  const e = STATIC[index];
  if (e === undefined) throw decompression(`static index ${index} out of range`);
  return e;
}

/**
 * Decodes field sections (HEADERS payloads). With a table capacity of 0, no block ever waits.
 *
 * @example
 * ```ts
 * import { QpackDecoder, QpackEncoder } from "./mod.ts";
 * const d = new QpackDecoder({ maxTableCapacity: 0, maxBlockedStreams: 0, maxFieldSectionSize: 1 << 14 });
 * const block = new QpackEncoder().encode([[":status", "200"], ["x-a", "b"]]);
 * console.log(await d.decode(0n, block)); // [[":status", "200"], ["x-a", "b"]]
 * ```
 */
export class QpackDecoder {
  #options: QpackDecoderOptions;
  #encoderStream: number[] = [];

  /** @param options what this decoder advertises and enforces */
  constructor(options: QpackDecoderOptions) {
    this.#options = options;
  }

  /**
   * Takes bytes of the peer's encoder stream. Only "Set Dynamic Table Capacity 0" fits a table
   * of capacity 0; anything else is QPACK_ENCODER_STREAM_ERROR.
   */
  receiveEncoderStream(chunk: Uint8Array): void {
    for (const b of chunk) this.#encoderStream.push(b);
    const bytes = Uint8Array.from(this.#encoderStream);
    const pos = { o: 0 };
    while (pos.o < bytes.length) {
      const start = pos.o;
      if ((bytes[pos.o] & 0xe0) !== 0x20) {
        throw new QpackError(QPACK_ENCODER_STREAM_ERROR, "insert into a table of capacity 0");
      }
      let capacity: number;
      try {
        capacity = readInt(bytes, pos, 5);
      } catch {
        this.#encoderStream = [...bytes.subarray(start)]; // wait for the rest
        if (this.#encoderStream.length > 16) {
          throw new QpackError(QPACK_ENCODER_STREAM_ERROR, "encoder instruction too long");
        }
        return;
      }
      if (capacity > this.#options.maxTableCapacity || capacity > 0) {
        throw new QpackError(QPACK_ENCODER_STREAM_ERROR, `table capacity ${capacity} too large`);
      }
    }
    this.#encoderStream = [];
  }

  /** Decodes one field section of request stream `streamId`. */
  decode(_streamId: bigint, block: Uint8Array): Promise<HeaderField[]> {
    try {
      return Promise.resolve(this.#decode(block));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #decode(block: Uint8Array): HeaderField[] {
    const pos = { o: 0 };
    const requiredInsertCount = readInt(block, pos, 8);
    if (requiredInsertCount !== 0) throw decompression("dynamic table reference");
    readInt(block, pos, 7); // Delta Base: meaningless without a dynamic table
    const fields: HeaderField[] = [];
    let size = 0;
    while (pos.o < block.length) {
      const b = block[pos.o];
      let field: HeaderField;
      if (b & 0x80) { // Indexed Field Line
        if ((b & 0x40) === 0) throw decompression("dynamic table reference");
        field = staticEntry(readInt(block, pos, 6));
      } else if (b & 0x40) { // Literal Field Line with Name Reference
        if ((b & 0x10) === 0) throw decompression("dynamic table reference");
        const name = staticEntry(readInt(block, pos, 4))[0];
        field = [name, readString(block, pos, 7)];
      } else if (b & 0x20) { // Literal Field Line with Literal Name
        const name = readString(block, pos, 3);
        field = [name, readString(block, pos, 7)];
      } else {
        throw decompression("post-base (dynamic table) reference");
      }
      size += field[0].length + field[1].length + 32;
      if (size > this.#options.maxFieldSectionSize * 2 + 65536) {
        throw decompression("field section far beyond the advertised size");
      }
      fields.push(field);
    }
    return fields;
  }

  /** Forgets a stream's blocked section; nothing is ever blocked here. */
  cancel(_streamId: bigint): void {}

  /** Bytes for our decoder stream; none without a dynamic table. */
  takeDecoderStreamBytes(): Uint8Array {
    return new Uint8Array(0);
  }
}

const NAME_INDEX = new Map<string, number>();
const FIELD_INDEX = new Map<string, number>();
STATIC.forEach(([name, value], i) => {
  if (!NAME_INDEX.has(name)) NAME_INDEX.set(name, i);
  FIELD_INDEX.set(`${name}\0${value}`, i);
});

/**
 * Encodes field sections with static-table references and plain literals (no dynamic table, so
 * the peer's decoder never blocks and no encoder stream is needed).
 *
 * @example
 * ```ts
 * import { QpackEncoder } from "./mod.ts";
 * const block = new QpackEncoder().encode([[":status", "200"]]);
 * console.log(block); // Uint8Array(3) [ 0, 0, 217 ]
 * ```
 */
export class QpackEncoder {
  /** The field section for `fields` (names must be lower case). */
  encode(fields: HeaderField[]): Uint8Array {
    // Header names and values are ByteStrings: one byte per char.
    const bytesOf = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
    const parts: number[] = [0, 0]; // Required Insert Count 0, Delta Base 0
    const writeInt = (first: number, prefix: number, value: number) => {
      const max = (1 << prefix) - 1;
      if (value < max) {
        parts.push(first | value);
        return;
      }
      parts.push(first | max);
      let v = value - max;
      while (v >= 128) {
        parts.push((v % 128) | 0x80);
        v = Math.floor(v / 128);
      }
      parts.push(v);
    };
    const writeBytes = (bytes: Uint8Array) => {
      for (const x of bytes) parts.push(x);
    };
    for (const [name, value] of fields) {
      const exact = FIELD_INDEX.get(`${name}\0${value}`);
      if (exact !== undefined) {
        writeInt(0xc0, 6, exact);
        continue;
      }
      const v = bytesOf(value);
      const nameRef = NAME_INDEX.get(name);
      if (nameRef !== undefined) writeInt(0x50, 4, nameRef);
      else {
        const n = bytesOf(name);
        writeInt(0x20, 3, n.length);
        writeBytes(n);
      }
      writeInt(0x00, 7, v.length);
      writeBytes(v);
    }
    return Uint8Array.from(parts);
  }
}
