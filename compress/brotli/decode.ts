/**
 * A brotli decoder (RFC 7932) in TypeScript, bounded for untrusted input: output is counted
 * against `maxOutputSize` before it is produced (a meta-block declares its length up front),
 * the window is limited by `maxWindowBits`, the ring buffer grows only with the output, input
 * is consumed as it arrives (nothing is buffered beyond 4 bytes), and every malformed stream
 * ends in a {@link CompressError}.
 *
 * The decoder is a generator that pauses whenever it needs more input, so the streaming form
 * ({@link BrotliStreamDecoder}) and the one-shot form ({@link decompressBrotli}) share one
 * code path.
 *
 * @module
 */

import { CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";
import { buildTable } from "./huffman.ts";
import { DICTIONARY_OFFSETS, DICTIONARY_SIZE_BITS, staticDictionary } from "./dictionary.ts";
import { MAX_TRANSFORMED_LENGTH, TRANSFORM_COUNT, transformWord } from "./transforms.ts";
import { SIGNED_P1, SIGNED_P2, UTF8_P1, UTF8_P2 } from "./_tables_data.ts";

/** Options of {@link decompressBrotli} and {@link BrotliStreamDecoder}. */
export interface BrotliDecodeOptions {
  /** Ceiling on decompressed bytes (default `DEFAULT_MAX_OUTPUT_SIZE`); beyond it: `limit`. */
  maxOutputSize?: number;
  /**
   * Largest window a stream may declare, as log2 of its size: 10..24 (default 24, the most
   * RFC 7932 allows). A stream declaring more fails with `limit`. The ring buffer is at most
   * `2^maxWindowBits` bytes and grows only as output is produced.
   */
  maxWindowBits?: number;
}

const corrupt = (why: string): CompressError => new CompressError("corrupt", `brotli: ${why}`);

// RFC 7932 §3.5: the order of the code length code lengths, and their fixed prefix code
// (indexed by the next 4 bits of the stream: code length and value).
const CL_ORDER = [1, 2, 3, 4, 0, 5, 17, 6, 16, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const CL_PREFIX_LEN = [2, 2, 2, 3, 2, 2, 2, 4, 2, 2, 2, 3, 2, 2, 2, 4];
const CL_PREFIX_VAL = [0, 4, 3, 2, 0, 4, 3, 1, 0, 4, 3, 2, 0, 4, 3, 5];

// RFC 7932 §6: block count codes.
const BLOCK_COUNT_BASE = [
  1,
  5,
  9,
  13,
  17,
  25,
  33,
  41,
  49,
  65,
  81,
  97,
  113,
  145,
  177,
  209,
  241,
  305,
  369,
  497,
  753,
  1265,
  2289,
  4337,
  8433,
  16625,
];
const BLOCK_COUNT_BITS = [
  2,
  2,
  2,
  2,
  3,
  3,
  3,
  3,
  4,
  4,
  4,
  4,
  5,
  5,
  5,
  5,
  6,
  6,
  7,
  8,
  9,
  10,
  11,
  12,
  13,
  24,
];

// RFC 7932 §5: insert and copy length codes.
const INSERT_BASE = [
  0,
  1,
  2,
  3,
  4,
  5,
  6,
  8,
  10,
  14,
  18,
  26,
  34,
  50,
  66,
  98,
  130,
  194,
  322,
  578,
  1090,
  2114,
  6210,
  22594,
];
const INSERT_BITS = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 12, 14, 24];
const COPY_BASE = [
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  12,
  14,
  18,
  22,
  30,
  38,
  54,
  70,
  102,
  134,
  198,
  326,
  582,
  1094,
  2118,
];
const COPY_BITS = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 24];
// The 11 cells of the insert-and-copy alphabet: first insert code and first copy code.
const CELL_INSERT = [0, 0, 0, 0, 8, 8, 0, 16, 8, 16, 16];
const CELL_COPY = [0, 8, 0, 8, 0, 8, 16, 0, 16, 8, 16];

// RFC 7932 §4: distance codes 0..15 refer to the last distances (index back, delta).
const SHORT_DIST_INDEX = [0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
const SHORT_DIST_DELTA = [0, 0, 0, 0, -1, 1, -2, 2, -3, 3, -1, 1, -2, 2, -3, 3];

// RFC 7932 §7.1: context lookup per context mode (LSB6, MSB6, UTF8, Signed): p1 and p2 parts.
const LUT_P1: Uint8Array[] = [
  Uint8Array.from({ length: 256 }, (_, i) => i & 63),
  Uint8Array.from({ length: 256 }, (_, i) => i >> 2),
  Uint8Array.from(UTF8_P1),
  Uint8Array.from(SIGNED_P1),
];
const LUT_P2: Uint8Array[] = [
  new Uint8Array(256),
  new Uint8Array(256),
  Uint8Array.from(UTF8_P2),
  Uint8Array.from(SIGNED_P2),
];

const EMPTY = new Uint8Array(0);
const NO_BLOCK_SWITCH = 1 << 28;

/** LSB-first bit reader over the chunks as they arrive. */
class BitReader {
  val = 0;
  bc = 0;
  chunk: Uint8Array = EMPTY;
  pos = 0;
  /** No more input will come: missing bits read as zero and are counted in `padBits`. */
  finished = false;
  padBits = 0;

  /** Buffers at least `n` (<= 24) bits; false when the chunk ran out and more input may come. */
  need(n: number): boolean {
    if (this.bc >= n) return true;
    const c = this.chunk;
    while (this.bc <= 24 && this.pos < c.length) {
      this.val |= c[this.pos++] << this.bc;
      this.bc += 8;
    }
    if (this.bc >= n) return true;
    if (!this.finished) return false;
    while (this.bc < n) {
      this.bc += 8;
      this.padBits += 8;
    }
    return true;
  }

  bits(n: number): number {
    const v = this.val & ((1 << n) - 1);
    this.val >>>= n;
    this.bc -= n;
    return v;
  }

  /** Decodes one symbol with a table from `buildTable` (15 bits buffered). */
  sym(t: Int32Array): number {
    let e = t[this.val & 255];
    if ((e & 16) !== 0) {
      this.val >>>= 8;
      this.bc -= 8;
      e = t[(e >>> 5) + (this.val & ((1 << (e & 15)) - 1))];
    }
    const b = e & 31;
    this.val >>>= b;
    this.bc -= b;
    return e >>> 5;
  }

  /**
   * Decodes one symbol, or returns -1 when the input so far does not hold all of its code (more
   * may come). Unlike `need(15)` + `sym`, a short final code decodes without waiting for bits
   * that only the next chunk brings: a flushed stream's last symbol is decoded at once.
   */
  readSym(t: Int32Array): number {
    if (this.need(15)) return this.sym(t);
    let e = t[this.val & 255];
    let used = 0;
    if ((e & 16) !== 0) {
      used = 8;
      e = t[(e >>> 5) + ((this.val >>> 8) & ((1 << (e & 15)) - 1))];
    }
    used += e & 31;
    if (used > this.bc) return -1;
    this.val >>>= used;
    this.bc -= used;
    return e >>> 5;
  }

  /** Throws when decoding has read past the end of the input. */
  checkNotPastEnd(): void {
    if (this.bc < this.padBits) throw corrupt("truncated stream");
  }

  /** Skips to the byte boundary; the skipped bits must be zero (RFC 7932 §9.2, §9.3). */
  alignZero(): void {
    if (this.bits(this.bc & 7) !== 0) throw corrupt("non-zero padding bits");
  }
}

type Pause = Generator<void, void, void>;
type PauseFor<T> = Generator<void, T, void>;

function* readPrefixCode(br: BitReader, alphabetSize: number): PauseFor<Int32Array> {
  while (!br.need(2)) yield;
  const hskip = br.bits(2);
  const lengths = new Uint8Array(alphabetSize);
  if (hskip === 1) {
    // Simple prefix code (RFC 7932 §3.4).
    const abits = alphabetSize > 1 ? 32 - Math.clz32(alphabetSize - 1) : 0;
    while (!br.need(2)) yield;
    const nsym = br.bits(2) + 1;
    const syms = [0, 0, 0, 0];
    for (let i = 0; i < nsym; i++) {
      while (!br.need(abits)) yield;
      const s = br.bits(abits);
      if (s >= alphabetSize) throw corrupt("prefix code symbol out of range");
      for (let j = 0; j < i; j++) if (syms[j] === s) throw corrupt("duplicate prefix code symbol");
      syms[i] = s;
    }
    if (nsym === 1) lengths[syms[0]] = 1; // one symbol: a zero-bit code
    else if (nsym === 2) lengths[syms[0]] = lengths[syms[1]] = 1;
    else if (nsym === 3) {
      lengths[syms[0]] = 1;
      lengths[syms[1]] = lengths[syms[2]] = 2;
    } else {
      while (!br.need(1)) yield;
      if (br.bits(1) === 0) {
        lengths[syms[0]] =
          lengths[syms[1]] =
          lengths[syms[2]] =
          lengths[syms[3]] =
            2;
      } else {
        lengths[syms[0]] = 1;
        lengths[syms[1]] = 2;
        lengths[syms[2]] = lengths[syms[3]] = 3;
      }
    }
    return buildTable(lengths, alphabetSize);
  }
  // Complex prefix code (RFC 7932 §3.5): first the code length code.
  const clLengths = new Uint8Array(18);
  let space = 32;
  let codes = 0;
  for (let i = hskip; i < 18; i++) {
    while (!br.need(4)) yield;
    const p = br.val & 15;
    br.bits(CL_PREFIX_LEN[p]);
    const v = CL_PREFIX_VAL[p];
    clLengths[CL_ORDER[i]] = v;
    if (v !== 0) {
      space -= 32 >> v;
      codes++;
      if (space <= 0) break;
    }
  }
  if (!(codes === 1 || space === 0)) throw corrupt("invalid code length code");
  const clTable = buildTable(clLengths, 18);
  let sym = 0;
  let prevLen = 8;
  let repeat = 0;
  let repeatLen = 0;
  let left = 32768;
  while (sym < alphabetSize && left > 0) {
    while (!br.need(5)) yield;
    const c = br.sym(clTable);
    if (c < 16) {
      lengths[sym++] = c;
      repeat = 0;
      if (c !== 0) {
        prevLen = c;
        left -= 32768 >> c;
      }
      continue;
    }
    const extraBits = c === 16 ? 2 : 3;
    const len = c === 16 ? prevLen : 0;
    while (!br.need(extraBits)) yield;
    const extra = br.bits(extraBits);
    if (repeatLen !== len) {
      repeat = 0;
      repeatLen = len;
    }
    const old = repeat;
    if (repeat > 0) repeat = (repeat - 2) << extraBits;
    repeat += extra + 3;
    const delta = repeat - old;
    if (sym + delta > alphabetSize) throw corrupt("code length repeat past the alphabet");
    lengths.fill(len, sym, sym + delta);
    sym += delta;
    if (len !== 0) left -= delta * (32768 >> len);
  }
  if (left !== 0) throw corrupt("prefix code lengths do not form a complete code");
  return buildTable(lengths, alphabetSize);
}

/**
 * Reads `count` fields of `width` bits, least significant first: MLEN's nibbles and MSKIPLEN's
 * bytes (RFC 7932 §9.2). A last field of zero is invalid when `count > least` ("exuberant").
 */
function* readFields(
  br: BitReader,
  count: number,
  width: number,
  least: number,
  what: string,
): PauseFor<number> {
  let value = 0;
  for (let i = 0; i < count; i++) {
    while (!br.need(width)) yield;
    const field = br.bits(width);
    if (i === count - 1 && count > least && field === 0) throw corrupt(`exuberant ${what}`);
    value |= field << (width * i);
  }
  return value;
}

function* readVarLenUint8(br: BitReader): PauseFor<number> {
  while (!br.need(11)) yield;
  if (br.bits(1) === 0) return 0;
  const n = br.bits(3);
  return n === 0 ? 1 : (1 << n) + br.bits(n);
}

function* readBlockCount(br: BitReader, table: Int32Array): PauseFor<number> {
  while (!br.need(15)) yield;
  const c = br.sym(table);
  const n = BLOCK_COUNT_BITS[c];
  while (!br.need(n)) yield;
  return BLOCK_COUNT_BASE[c] + br.bits(n);
}

function* readContextMap(br: BitReader, size: number, trees: number): PauseFor<Uint8Array> {
  const map = new Uint8Array(size);
  if (trees < 2) return map;
  while (!br.need(5)) yield;
  const rleMax = br.bits(1) === 1 ? br.bits(4) + 1 : 0;
  const table = yield* readPrefixCode(br, trees + rleMax);
  for (let i = 0; i < size;) {
    while (!br.need(15)) yield;
    const c = br.sym(table);
    if (c === 0) map[i++] = 0;
    else if (c <= rleMax) {
      while (!br.need(c)) yield;
      const run = (1 << c) + br.bits(c);
      if (i + run > size) throw corrupt("context map run past its end");
      i += run; // already zero
    } else map[i++] = c - rleMax;
  }
  while (!br.need(1)) yield;
  if (br.bits(1) === 1) {
    // Inverse move-to-front (RFC 7932 §7.3).
    const mtf = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let i = 0; i < size; i++) {
      const idx = map[i];
      const v = mtf[idx];
      map[i] = v;
      if (idx !== 0) {
        mtf.copyWithin(1, 0, idx);
        mtf[0] = v;
      }
    }
  }
  return map;
}

/** Block types and counts of one category (literals, commands, distances), RFC 7932 §6. */
class BlockState {
  types = 1;
  typeTable: Int32Array = EMPTY_TABLE;
  countTable: Int32Array = EMPTY_TABLE;
  current = 0;
  previous = 1;
  left = NO_BLOCK_SWITCH;
}
const EMPTY_TABLE = new Int32Array(0);

function* readBlockHeader(br: BitReader, b: BlockState): Pause {
  b.types = (yield* readVarLenUint8(br)) + 1;
  b.current = 0;
  b.previous = 1;
  if (b.types < 2) {
    b.left = NO_BLOCK_SWITCH;
    return;
  }
  b.typeTable = yield* readPrefixCode(br, b.types + 2);
  b.countTable = yield* readPrefixCode(br, 26);
  b.left = yield* readBlockCount(br, b.countTable);
}

function* switchBlock(br: BitReader, b: BlockState): Pause {
  while (!br.need(15)) yield;
  const c = br.sym(b.typeTable);
  let t = c === 0 ? b.previous : c === 1 ? b.current + 1 : c - 2;
  if (t >= b.types) t -= b.types;
  b.previous = b.current;
  b.current = t;
  b.left = yield* readBlockCount(br, b.countTable);
}

/** The shared state of one stream: input bits, the window, and the output handed back. */
class State {
  readonly br = new BitReader();
  readonly max: number;
  readonly maxWindowBits: number;
  win: Uint8Array = EMPTY;
  cap = 0;
  fullCap = 0;
  wpos = 0;
  flushPos = 0;
  /** Bytes output before `win[0]` (the ring's wraps). */
  base = 0;
  out: Uint8Array[] = [];

  constructor(max: number, maxWindowBits: number) {
    this.max = max;
    this.maxWindowBits = maxWindowBits;
  }

  total(): number {
    return this.base + this.wpos;
  }

  /** The ring is full: grow it while it is smaller than the window, else hand it out. */
  wrap(): void {
    if (this.cap < this.fullCap) {
      const next = new Uint8Array(this.cap * 2);
      next.set(this.win);
      this.win = next;
      this.cap *= 2;
      return;
    }
    if (this.wpos > this.flushPos) this.out.push(this.win.slice(this.flushPos, this.wpos));
    this.base += this.cap;
    this.wpos = 0;
    this.flushPos = 0;
  }

  flush(): void {
    if (this.wpos > this.flushPos) {
      this.out.push(this.win.slice(this.flushPos, this.wpos));
      this.flushPos = this.wpos;
    }
  }

  /** Copies `len` bytes from `dist` back (dist <= bytes written, <= window). */
  copy(dist: number, len: number): void {
    let src = this.wpos - dist;
    if (src < 0) src += this.cap;
    if (src + len <= this.cap && this.wpos + len < this.cap) {
      const w = this.wpos;
      if (dist >= len) this.win.copyWithin(w, src, src + len);
      else {
        // Overlapping (a run): copy one period, then double what is written; each copy's
        // length is a multiple of the period, so the pattern continues.
        this.win.copyWithin(w, src, src + dist);
        for (let done = dist; done < len;) {
          const n = done < len - done ? done : len - done;
          this.win.copyWithin(w + done, w, w + n);
          done += n;
        }
      }
      this.wpos = w + len;
      return;
    }
    for (let i = 0; i < len; i++) {
      this.win[this.wpos++] = this.win[src++];
      if (src === this.cap) src = 0;
      if (this.wpos === this.cap) this.wrap();
    }
  }

  /** Raw bytes of an uncompressed meta-block (or skipped metadata when `write` is false). */
  *raw(n: number, write: boolean): Pause {
    const br = this.br;
    while (n > 0 && br.bc >= 8) {
      if (br.bc - 8 < br.padBits) throw corrupt("truncated stream");
      const b = br.bits(8);
      if (write) {
        this.win[this.wpos++] = b;
        if (this.wpos === this.cap) this.wrap();
      }
      n--;
    }
    while (n > 0) {
      const avail = br.chunk.length - br.pos;
      if (avail === 0) {
        if (br.finished) throw corrupt("truncated stream");
        yield;
        continue;
      }
      let take = n < avail ? n : avail;
      if (write) {
        if (take > this.cap - this.wpos) take = this.cap - this.wpos;
        this.win.set(br.chunk.subarray(br.pos, br.pos + take), this.wpos);
        this.wpos += take;
        if (this.wpos === this.cap) this.wrap();
      }
      br.pos += take;
      n -= take;
    }
  }
}

function* decodeStream(s: State): Pause {
  const br = s.br;
  // Stream header: WBITS (RFC 7932 §9.1).
  while (!br.need(7)) yield;
  let wbits: number;
  if (br.bits(1) === 0) wbits = 16;
  else {
    const n = br.bits(3);
    if (n !== 0) wbits = 17 + n;
    else {
      const m = br.bits(3);
      if (m === 1) throw corrupt("large-window brotli is not RFC 7932");
      wbits = m === 0 ? 17 : 8 + m;
    }
  }
  if (wbits > s.maxWindowBits) {
    throw new CompressError(
      "limit",
      `brotli window of 2^${wbits} bytes exceeds maxWindowBits ${s.maxWindowBits}`,
    );
  }
  const windowSize = (1 << wbits) - 16;
  s.fullCap = 1 << wbits;
  s.cap = Math.min(s.fullCap, 1 << 16);
  s.win = new Uint8Array(s.cap);
  const dist = new Int32Array([16, 15, 11, 4]); // ring; dist[di] is the last distance
  let di = 3;
  const word = new Uint8Array(MAX_TRANSFORMED_LENGTH);
  const blocks = [new BlockState(), new BlockState(), new BlockState()];
  const [bl, bi, bd] = blocks;

  for (;;) {
    br.checkNotPastEnd();
    // Meta-block header (RFC 7932 §9.2).
    while (!br.need(4)) yield;
    const isLast = br.bits(1);
    if (isLast === 1 && br.bits(1) === 1) break;
    const nibbleCode = br.bits(2);
    if (nibbleCode === 3) {
      if (isLast === 1) throw corrupt("metadata in the last meta-block");
      while (!br.need(3)) yield;
      if (br.bits(1) !== 0) throw corrupt("reserved bit set");
      const skipBytes = br.bits(2);
      let skip = yield* readFields(br, skipBytes, 8, 1, "skip length");
      if (skipBytes > 0) skip += 1;
      br.alignZero();
      yield* s.raw(skip, false);
      continue;
    }
    const mlen = (yield* readFields(br, nibbleCode + 4, 4, 4, "length nibble")) + 1;
    if (s.total() + mlen > s.max) {
      throw new CompressError(
        "limit",
        `decompressed size ${s.total() + mlen} exceeds the limit of ${s.max} bytes`,
      );
    }
    if (isLast === 0) {
      while (!br.need(1)) yield;
      if (br.bits(1) === 1) {
        br.alignZero();
        yield* s.raw(mlen, true);
        continue;
      }
    }
    br.checkNotPastEnd();

    // Compressed meta-block header, continued.
    for (const b of blocks) yield* readBlockHeader(br, b);
    while (!br.need(6)) yield;
    const npostfix = br.bits(2);
    const ndirect = br.bits(4) << npostfix;
    const postfixMask = (1 << npostfix) - 1;
    const modes = new Uint8Array(bl.types);
    for (let i = 0; i < bl.types; i++) {
      while (!br.need(2)) yield;
      modes[i] = br.bits(2);
    }
    const treesL = (yield* readVarLenUint8(br)) + 1;
    const cmapL = yield* readContextMap(br, bl.types << 6, treesL);
    const treesD = (yield* readVarLenUint8(br)) + 1;
    const cmapD = yield* readContextMap(br, bd.types << 2, treesD);
    const litTrees: Int32Array[] = [];
    for (let i = 0; i < treesL; i++) litTrees.push(yield* readPrefixCode(br, 256));
    const cmdTrees: Int32Array[] = [];
    for (let i = 0; i < bi.types; i++) cmdTrees.push(yield* readPrefixCode(br, 704));
    const distTrees: Int32Array[] = [];
    const distAlphabet = 16 + ndirect + (48 << npostfix);
    for (let i = 0; i < treesD; i++) distTrees.push(yield* readPrefixCode(br, distAlphabet));

    // Commands (RFC 7932 §9.3).
    let lutP1 = LUT_P1[modes[0]];
    let lutP2 = LUT_P2[modes[0]];
    let cmapOff = 0;
    let remaining = mlen;
    while (remaining > 0) {
      br.checkNotPastEnd();
      if (bi.left === 0) yield* switchBlock(br, bi);
      bi.left--;
      let cmd: number;
      while ((cmd = br.readSym(cmdTrees[bi.current])) < 0) yield;
      const cell = cmd >> 6;
      const insCode = CELL_INSERT[cell] + ((cmd >> 3) & 7);
      const copyCode = CELL_COPY[cell] + (cmd & 7);
      while (!br.need(INSERT_BITS[insCode])) yield;
      const insLen = INSERT_BASE[insCode] + br.bits(INSERT_BITS[insCode]);
      while (!br.need(COPY_BITS[copyCode])) yield;
      const copyLen = COPY_BASE[copyCode] + br.bits(COPY_BITS[copyCode]);
      if (insLen > remaining) throw corrupt("insert length past the meta-block");
      for (let i = 0; i < insLen; i++) {
        if (bl.left === 0) {
          yield* switchBlock(br, bl);
          lutP1 = LUT_P1[modes[bl.current]];
          lutP2 = LUT_P2[modes[bl.current]];
          cmapOff = bl.current << 6;
        }
        bl.left--;
        const win = s.win;
        const mask = s.cap - 1;
        const p = s.wpos;
        const tree =
          litTrees[cmapL[cmapOff + (lutP1[win[(p - 1) & mask]] | lutP2[win[(p - 2) & mask]])]];
        let lit: number;
        while ((lit = br.readSym(tree)) < 0) yield;
        win[p] = lit;
        if ((s.wpos = p + 1) === s.cap) s.wrap();
      }
      remaining -= insLen;
      if (remaining === 0) break;

      let distance: number;
      let pushed = false;
      if (cmd < 128) distance = dist[di]; // implicit distance code 0
      else {
        if (bd.left === 0) yield* switchBlock(br, bd);
        bd.left--;
        const dctx = copyLen > 4 ? 3 : copyLen - 2;
        const tree = distTrees[cmapD[(bd.current << 2) + dctx]];
        let dcode: number;
        while ((dcode = br.readSym(tree)) < 0) yield;
        if (dcode < 16) {
          distance = dist[(di - SHORT_DIST_INDEX[dcode]) & 3] + SHORT_DIST_DELTA[dcode];
          if (distance <= 0) throw corrupt("invalid distance");
          pushed = dcode !== 0;
        } else if (dcode < 16 + ndirect) {
          distance = dcode - 15;
          pushed = true;
        } else {
          const x = dcode - ndirect - 16;
          const nbits = 1 + (x >> (npostfix + 1));
          const offset = ((2 + ((x >> npostfix) & 1)) << nbits) - 4;
          while (!br.need(nbits)) yield;
          distance = ((offset + br.bits(nbits)) << npostfix) + (x & postfixMask) + ndirect + 1;
          pushed = true;
        }
      }
      const total = s.total();
      const maxDistance = total < windowSize ? total : windowSize;
      if (distance > maxDistance) {
        // A static dictionary word (RFC 7932 §8).
        if (copyLen < 4 || copyLen > 24) throw corrupt("invalid dictionary word length");
        const nbits = DICTIONARY_SIZE_BITS[copyLen];
        const wordId = distance - maxDistance - 1;
        const index = wordId & ((1 << nbits) - 1);
        const transform = Math.floor(wordId / (1 << nbits));
        if (transform >= TRANSFORM_COUNT) throw corrupt("invalid dictionary reference");
        const n = transformWord(
          word,
          staticDictionary(),
          DICTIONARY_OFFSETS[copyLen] + index * copyLen,
          copyLen,
          transform,
        );
        if (n > remaining) throw corrupt("dictionary word past the meta-block");
        for (let i = 0; i < n; i++) {
          s.win[s.wpos++] = word[i];
          if (s.wpos === s.cap) s.wrap();
        }
        remaining -= n;
        continue;
      }
      if (pushed) {
        di = (di + 1) & 3;
        dist[di] = distance;
      }
      if (copyLen > remaining) throw corrupt("copy length past the meta-block");
      s.copy(distance, copyLen);
      remaining -= copyLen;
    }
    br.checkNotPastEnd();
    if (isLast === 1) break;
  }
  // End of stream: zero padding to the byte boundary, then nothing more.
  br.alignZero();
  br.checkNotPastEnd();
  if (br.bc - br.padBits > 0 || br.pos < br.chunk.length) {
    throw corrupt("trailing bytes after the end of the stream");
  }
}

function checkOptions(opts: BrotliDecodeOptions): [number, number] {
  const max = opts.maxOutputSize ?? DEFAULT_MAX_OUTPUT_SIZE;
  if (typeof max !== "number" || !(max >= 0) || !Number.isFinite(max)) {
    throw new CompressError("unsupported", "maxOutputSize must be a non-negative finite number");
  }
  const wbits = opts.maxWindowBits ?? 24;
  if (!Number.isInteger(wbits) || wbits < 10 || wbits > 24) {
    throw new CompressError("unsupported", "maxWindowBits must be an integer in 10..24");
  }
  return [Math.floor(max), wbits];
}

/**
 * Streaming brotli decoder in TypeScript for untrusted input: `write()` returns the output the
 * chunk completes, `end()` checks that the stream ended. Throws only {@link CompressError}:
 * `corrupt` (malformed, truncated or trailing data) or `limit` (`maxOutputSize`,
 * `maxWindowBits`); after an error every call throws it again.
 *
 * @example
 * ```ts
 * import { BrotliStreamDecoder } from "./decode.ts";
 * // "hello" as the brotli CLI writes it (quality 11)
 * const packed = new Uint8Array([0x0f, 0x02, 0x80, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x03]);
 * const dec = new BrotliStreamDecoder({ maxOutputSize: 1024 });
 * const parts = [...dec.write(packed), ...dec.end()];
 * console.log(new TextDecoder().decode(parts[0])); // "hello"
 * ```
 */
export class BrotliStreamDecoder {
  #state: State;
  #run: Pause;
  #done = false;
  #error: unknown = undefined;

  /**
   * Opens a decoder with the given limits.
   *
   * @throws {CompressError} `unsupported` for bad options.
   */
  constructor(opts: BrotliDecodeOptions = {}) {
    const [max, wbits] = checkOptions(opts);
    this.#state = new State(max, wbits);
    this.#run = decodeStream(this.#state);
  }

  #step(): Uint8Array[] {
    if (this.#error !== undefined) throw this.#error;
    try {
      if (!this.#done) this.#done = this.#run.next().done === true;
      const s = this.#state;
      if (this.#done && s.br.pos < s.br.chunk.length) {
        throw corrupt("trailing bytes after the end of the stream");
      }
      // The chunk is consumed (the decoder paused for more or finished): do not keep it.
      s.br.chunk = EMPTY;
      s.br.pos = 0;
      s.flush();
      const out = s.out;
      s.out = [];
      return out;
    } catch (e) {
      this.#error = e;
      this.#state.out = [];
      throw e;
    }
  }

  /** Consumes a chunk; returns the output it completes (copies; the input is not kept). */
  write(chunk: Uint8Array): Uint8Array[] {
    const br = this.#state.br;
    if (this.#error === undefined && br.finished) {
      this.#error = new CompressError("corrupt", "brotli: write() after end()");
    }
    br.chunk = chunk;
    br.pos = 0;
    return this.#step();
  }

  /** Ends the input: returns the last output, or throws `corrupt` if the stream is cut short. */
  end(): Uint8Array[] {
    const br = this.#state.br;
    br.chunk = EMPTY;
    br.pos = 0;
    br.finished = true;
    const out = this.#step();
    if (!this.#done) {
      // Unreachable with padding (the generator runs to an end or an error), kept as a guard.
      this.#error = corrupt("truncated stream");
      throw this.#error;
    }
    return out;
  }
}

/**
 * Decodes a whole brotli stream with the TypeScript decoder (see {@link BrotliStreamDecoder}).
 *
 * @example
 * ```ts
 * import { decompressBrotli } from "./decode.ts";
 * const packed = new Uint8Array([0x0f, 0x02, 0x80, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x03]);
 * console.log(new TextDecoder().decode(decompressBrotli(packed))); // "hello"
 * ```
 */
export function decompressBrotli(data: Uint8Array, opts: BrotliDecodeOptions = {}): Uint8Array {
  const dec = new BrotliStreamDecoder(opts);
  const parts = dec.write(data);
  parts.push(...dec.end());
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}
