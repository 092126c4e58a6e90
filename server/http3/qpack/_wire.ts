// QPACK primitives (RFC 9204, Section 4.1): prefixed integers (RFC 7541, Section 5.1) and
// N-bit prefix string literals, read from untrusted bytes with explicit limits.

import { bytesToString, huffmanDecode, HuffmanError } from "./huffman.ts";

/** Thrown by a {@link WireReader} that ran out of bytes; `need` is the end it needs. */
export class Incomplete {
  /**
   * Creates the signal.
   *
   * @param need the buffer end the read needs
   */
  constructor(readonly need: number) {}
}

/** A read that breaks a rule; the caller maps it to the `QpackError` code of its stream. */
export class WireError extends Error {
  /** The error's name. */
  override name = "WireError";
}

// The largest integer accepted. RFC 9204 asks for 62-bit integers; every integer QPACK reads on
// our side is a length, an index, a count or a capacity, so anything past 2^53 - 1 is over any
// limit we set and is rejected as "larger than it is able to decode" (Section 7.4).
const MAX_INTEGER = Number.MAX_SAFE_INTEGER;

/** Reads primitives from `buf[pos, end)`. Every read checks the bytes are there. */
export class WireReader {
  /** The bytes read from. */
  buf: Uint8Array;
  /** The next byte to read. */
  pos: number;
  /** The end of the readable bytes (exclusive). */
  end: number;

  /**
   * Creates a reader.
   *
   * @param buf the bytes to read
   * @param pos where to start
   * @param end where the readable bytes end (exclusive)
   */
  constructor(buf: Uint8Array, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** The current byte, not consumed. */
  peek(): number {
    if (this.pos >= this.end) throw new Incomplete(this.pos + 1);
    return this.buf[this.pos];
  }

  /** A prefixed integer whose prefix is the low `bits` bits of the current byte. */
  integer(bits: number): number {
    if (this.pos >= this.end) throw new Incomplete(this.pos + 1);
    const max = (1 << bits) - 1;
    let value = this.buf[this.pos++] & max;
    if (value < max) return value;
    // Continuation bytes carry 7 bits each, least significant first. 2^53 needs at most 8 of
    // them; a ninth (even 0x80, an over-long encoding) is refused rather than read on.
    let scale = 1;
    for (let i = 0;; i++) {
      if (this.pos >= this.end) throw new Incomplete(this.pos + 1);
      if (i === 8) throw new WireError("integer encoding too long");
      const b = this.buf[this.pos++];
      value += (b & 0x7f) * scale;
      if (value > MAX_INTEGER) throw new WireError("integer too large");
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
  }

  /**
   * A string literal whose H bit is bit `bits` of the current byte and whose length is the
   * (`bits`)-bit prefix integer after it. `maxLength` bounds the decoded length: a longer string
   * throws a {@link WireError} with `tooLong` set, before its bytes are read or decoded.
   */
  string(bits: number, maxLength: number): string {
    if (this.pos >= this.end) throw new Incomplete(this.pos + 1);
    const huffman = (this.buf[this.pos] & (1 << bits)) !== 0;
    const length = this.integer(bits);
    // A Huffman symbol has 30 bits at most, so `length` bytes decode to at least
    // floor((8 * length - 7) / 30) bytes: refuse what cannot fit before buffering it.
    const least = huffman ? Math.floor((8 * length - 7) / 30) : length;
    if (least > maxLength) throw new StringTooLong();
    const start = this.pos;
    if (this.end - start < length) throw new Incomplete(start + length);
    this.pos = start + length;
    if (!huffman) return bytesToString(this.buf, start, start + length);
    try {
      return huffmanDecode(this.buf, start, start + length, maxLength);
    } catch (e) {
      if (!(e instanceof HuffmanError)) throw e;
      if (e.reason === "limit") throw new StringTooLong();
      throw new WireError(e.message);
    }
  }
}

/** A string literal longer than the caller's budget. */
export class StringTooLong extends WireError {
  constructor() {
    super("string literal longer than allowed");
  }
}

/** A growable byte buffer for instructions we write. */
export class WireWriter {
  #buf = new Uint8Array(64);
  #len = 0;

  /** The number of bytes written and not taken yet. */
  get length(): number {
    return this.#len;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#len + n, this.#buf.length * 2));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  /** A prefixed integer: `first` holds the pattern bits above the `bits`-bit prefix. */
  integer(first: number, bits: number, value: number | bigint): void {
    this.#reserve(11);
    const max = (1 << bits) - 1;
    let v = BigInt(value);
    if (v < BigInt(max)) {
      this.#buf[this.#len++] = first | Number(v);
      return;
    }
    this.#buf[this.#len++] = first | max;
    v -= BigInt(max);
    while (v >= 128n) {
      this.#buf[this.#len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.#buf[this.#len++] = Number(v);
  }

  /** Everything written so far; resets the writer. */
  take(): Uint8Array {
    const out = this.#buf.slice(0, this.#len);
    this.#len = 0;
    return out;
  }
}
