/**
 * Decoding one compressed block (RFC 8878 §3.1.1.3): the literals section, the sequences
 * section, and sequence execution, fused into one pass over the sequences bitstream.
 *
 * @module
 */

import { backStart, corrupt } from "./_bits.ts";
import { BLOCK_MAX, type FrameState } from "./_state.ts";
import { decodeFourHuffmanStreams, decodeHuffmanStream, readHuffmanTable } from "./huffman.ts";
import {
  LL,
  ML,
  OF,
  readModeTable,
  type SequenceTable,
  TABLE_AT,
  TABLES_SIZE,
} from "./sequences.ts";

/** Zero bytes before (and after) the sequences bitstream in its scratch. */
const PAD = 16;
/** Bit position of the stream's first bit in the scratch. */
const STREAM_BIT = PAD * 8;
/**
 * Scratch holding one block's sequences bitstream at byte `PAD`, read as little-endian 32-bit
 * words (shared like the literals scratch: a block is decoded in one synchronous call).
 */
const SEQ_BYTES = new Uint8Array(PAD + BLOCK_MAX + PAD + 8);
const SEQ_WORDS = new Int32Array(SEQ_BYTES.buffer);
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Copies the sequences bitstream `src[start:end]` into the scratch, zeroes the bytes after it
 * and returns the bit position just below its end marker (§4.1).
 */
function loadSequenceStream(src: Uint8Array, start: number, end: number): number {
  const bit = backStart(src, start, end);
  const len = end - start;
  if (len > BLOCK_MAX) corrupt("sequences section is larger than a block");
  SEQ_BYTES.set(src.subarray(start, end), PAD);
  SEQ_BYTES.fill(0, PAD + len, PAD + len + PAD);
  if (!LITTLE_ENDIAN) {
    for (let w = 0; w < ((PAD + len + PAD) >> 2) + 1; w++) {
      const b = w << 2;
      SEQ_WORDS[w] = SEQ_BYTES[b] | (SEQ_BYTES[b + 1] << 8) | (SEQ_BYTES[b + 2] << 16) |
        (SEQ_BYTES[b + 3] << 24);
    }
  }
  return STREAM_BIT + bit;
}

/** The block's three sequence tables side by side (see `SequenceTable`). */
const SEQ_TABLES = new Int32Array(TABLES_SIZE);

/**
 * Decodes the compressed block `src[start:end]` into `st.out` at `st.pos` (advancing it).
 * Throws `corrupt` for malformed data and `st.overflow()` past `st.limit`.
 */
export function decodeCompressedBlock(
  st: FrameState,
  src: Uint8Array,
  start: number,
  end: number,
): void {
  let p = decodeLiterals(st, src, start, end);
  const lit = st.lit;
  const litPos = st.litPos;
  const regen = st.litLen;
  const litStop = litPos + regen;

  // --- Sequences section header (§3.1.1.3.2.1)
  if (p >= end) corrupt("sequences section is missing");
  let nseq = src[p++];
  if (nseq >= 128) {
    if (nseq === 255) {
      if (p + 2 > end) corrupt("sequences header is truncated");
      nseq = src[p] + (src[p + 1] << 8) + 0x7f00;
      p += 2;
    } else {
      if (p >= end) corrupt("sequences header is truncated");
      nseq = ((nseq - 128) << 8) + src[p++];
    }
  }
  const out = st.out;
  let op = st.pos;
  const limit = st.limit;
  if (nseq === 0) {
    if (p !== end) corrupt("bytes after an empty sequences section");
    if (op + regen > limit) st.overflow();
    out.set(lit.subarray(litPos, litStop), op);
    st.pos = op + regen;
    return;
  }
  if (p >= end) corrupt("sequences header is truncated");
  const modes = src[p++];
  if (modes & 3) corrupt("reserved bits set in the compression modes");
  let r = readModeTable(src, p, end, modes >> 6, LL, st.ll);
  const llT: SequenceTable = st.ll = r.table;
  p += r.size;
  r = readModeTable(src, p, end, (modes >> 4) & 3, OF, st.of);
  const ofT: SequenceTable = st.of = r.table;
  p += r.size;
  r = readModeTable(src, p, end, (modes >> 2) & 3, ML, st.ml);
  const mlT: SequenceTable = st.ml = r.table;
  p += r.size;

  // --- Sequences bitstream (§3.1.1.3.2.2) decoded and executed together.
  // The stream is copied into the aligned scratch `SEQ_BYTES` after `PAD` zero bytes, so any
  // 1..31 bits below bit position `P` (counted from the scratch's start) are two 32-bit loads
  // and a funnel shift, with no refill branches. Reads below the stream's start give zeros and
  // the `P < STREAM_BIT` check refuses them before anything uses the values.
  const P0 = loadSequenceStream(src, p, end);
  const W = SEQ_WORDS;
  let P = P0;
  let lo = P - llT.log;
  let llS = ((W[lo >> 5] >>> (lo & 31)) | ((W[(lo >> 5) + 1] << 1) << (31 - (lo & 31)))) &
    ~(-1 << llT.log);
  P = lo;
  lo = P - ofT.log;
  let ofS = ((W[lo >> 5] >>> (lo & 31)) | ((W[(lo >> 5) + 1] << 1) << (31 - (lo & 31)))) &
    ~(-1 << ofT.log);
  P = lo;
  lo = P - mlT.log;
  let mlS = ((W[lo >> 5] >>> (lo & 31)) | ((W[(lo >> 5) + 1] << 1) << (31 - (lo & 31)))) &
    ~(-1 << mlT.log);
  P = lo;
  // The three tables side by side in one array, each state as two integers (info, value) and
  // each next-state base already an index into it: fewer arrays live in the loop.
  const T = SEQ_TABLES;
  T.set(llT.pairs, TABLE_AT[LL]);
  T.set(ofT.pairs, TABLE_AT[OF]);
  T.set(mlT.pairs, TABLE_AT[ML]);
  llS = TABLE_AT[LL] + (llS << 1);
  ofS = TABLE_AT[OF] + (ofS << 1);
  mlS = TABLE_AT[ML] + (mlS << 1);
  let rep1 = st.rep1, rep2 = st.rep2, rep3 = st.rep3;
  const base = st.base;
  const lowest = base > 0 ? base : 0;
  const dict = st.dict;
  let lp = litPos;
  // 32-bit moves for short copies; the output past `op` holds nothing yet, so copies may write
  // a few bytes beyond their end while the array has room.
  const outLen = out.length;
  const litCap = lit.length;
  const ov = new DataView(out.buffer, out.byteOffset, outLen);
  const lv = new DataView(lit.buffer, lit.byteOffset, litCap);
  for (let i = 0; i < nseq; i++) {
    // Values: offset bits first, then match length, then literals length.
    const ofI = T[ofS], mlI = T[mlS], llI = T[llS];
    const ofc = ofI >>> 24, mlx = mlI >>> 24, llx = llI >>> 24;
    const nx = mlx + llx;
    let ofv: number, ml: number, ll: number;
    // The 32 bits just below P, loaded before the codes' sizes are known (off the chain of
    // dependent loads from one state to the next).
    const k = P - 32;
    const c = (W[k >> 5] >>> (k & 31)) | ((W[(k >> 5) + 1] << 1) << (31 - (k & 31)));
    const nv = ofc + nx;
    if (nv <= 30) {
      // All three from the container.
      const v = (c >>> (32 - nv)) & ~(-1 << nv);
      P -= nv;
      ofv = T[ofS + 1] + (v >>> nx);
      ml = T[mlS + 1] + ((v >>> llx) & ~(-1 << mlx));
      ll = T[llS + 1] + (v & ~(-1 << llx));
    } else {
      if (ofc > 30) corrupt("offset code out of range");
      lo = P - ofc;
      ofv = T[ofS + 1] +
        (((W[lo >> 5] >>> (lo & 31)) | ((W[(lo >> 5) + 1] << 1) << (31 - (lo & 31)))) &
          ~(-1 << ofc));
      P = lo - mlx;
      ml = T[mlS + 1] +
        (((W[P >> 5] >>> (P & 31)) | ((W[(P >> 5) + 1] << 1) << (31 - (P & 31)))) &
          ~(-1 << mlx));
      P -= llx;
      ll = T[llS + 1] +
        (((W[P >> 5] >>> (P & 31)) | ((W[(P >> 5) + 1] << 1) << (31 - (P & 31)))) &
          ~(-1 << llx));
    }
    // State updates (not after the last sequence): literals length, match length, offset;
    // at most 9 + 9 + 8 bits, so always one read.
    if (i + 1 < nseq) {
      const nl = (llI >> 16) & 0xff, nm = (mlI >> 16) & 0xff, no = (ofI >> 16) & 0xff;
      const ns = nl + nm + no;
      let v: number;
      const used = k + 32 - P;
      if (used + ns <= 32) {
        v = (c >>> (32 - used - ns)) & ~(-1 << ns);
        P -= ns;
      } else {
        lo = P - ns;
        v = ((W[lo >> 5] >>> (lo & 31)) | ((W[(lo >> 5) + 1] << 1) << (31 - (lo & 31)))) &
          ~(-1 << ns);
        P = lo;
      }
      llS = (llI & 0xffff) + ((v >>> (nm + no)) << 1);
      mlS = (mlI & 0xffff) + (((v >>> no) & ~(-1 << nm)) << 1);
      ofS = (ofI & 0xffff) + ((v & ~(-1 << no)) << 1);
    }
    if (P < STREAM_BIT) corrupt("sequences bitstream is too short");
    // Repeat offsets (§3.1.1.5).
    let offset: number;
    if (ofv > 3) {
      offset = ofv - 3;
      rep3 = rep2;
      rep2 = rep1;
      rep1 = offset;
    } else {
      const idx = ll === 0 ? ofv : ofv - 1;
      if (idx === 0) {
        offset = rep1;
      } else if (idx === 1) {
        offset = rep2;
        rep2 = rep1;
        rep1 = offset;
      } else {
        offset = idx === 2 ? rep3 : rep1 - 1;
        if (offset === 0) corrupt("repeat offset of zero");
        rep3 = rep2;
        rep2 = rep1;
        rep1 = offset;
      }
    }
    // Execute: copy literals, then the match.
    if (lp + ll > litStop) corrupt("sequence uses more literals than decoded");
    if (op + ll + ml > limit) st.overflow();
    const from0 = op + ll - offset;
    if (
      ll <= 8 && ml <= 8 && offset >= ll + ml && from0 >= lowest && lp + 8 <= litCap &&
      op + ll + 8 <= outLen
    ) {
      // The common short sequence whose match lies wholly before its literals: the match's
      // 8 bytes are loaded before the literals are stored, so the loads read what earlier stores
      // wrote whole rather than straddling the fresh literal store.
      const m0 = ov.getInt32(from0, true), m1 = ov.getInt32(from0 + 4, true);
      ov.setInt32(op, lv.getInt32(lp, true), true);
      ov.setInt32(op + 4, lv.getInt32(lp + 4, true), true);
      ov.setInt32(op + ll, m0, true);
      ov.setInt32(op + ll + 4, m1, true);
      op += ll + ml;
      lp += ll;
      continue;
    }
    if (ll < 64 && lp + ll + 8 <= litCap && op + ll + 8 <= outLen) {
      // Short: 8 bytes per step, writing up to 7 bytes past the literals (not yet decoded).
      for (let k = 0; k < ll; k += 8) {
        ov.setInt32(op + k, lv.getInt32(lp + k, true), true);
        ov.setInt32(op + k + 4, lv.getInt32(lp + k + 4, true), true);
      }
    } else if (ll < 64) {
      for (let k = 0; k < ll; k++) out[op + k] = lit[lp + k];
    } else {
      out.set(lit.subarray(lp, lp + ll), op);
    }
    op += ll;
    lp += ll;
    let from = op - offset;
    let n = ml;
    if (from < base) {
      // Before the frame's first byte: the dictionary's content (§5).
      const back = base - from;
      if (base < 0 || back > dict.length) corrupt("match offset reaches before the window");
      const take = back < n ? back : n;
      const ds = dict.length - back;
      for (let k = 0; k < take; k++) out[op + k] = dict[ds + k];
      op += take;
      n -= take;
      from = base;
    }
    // Bytes the streaming decoder already let go (the window slid past them) are not there to
    // copy from: a hostile offset there is corrupt, never a read before the buffer.
    if (from < 0) corrupt("match offset reaches beyond the window");
    if (offset >= 8 && n < 64 && op + n + 8 <= outLen) {
      // Short, at least 8 bytes back: 8 bytes per step (each step reads only finished bytes),
      // overshooting by up to 7 bytes into what later sequences overwrite.
      for (let k = 0; k < n; k += 8) {
        ov.setInt32(op + k, ov.getInt32(from + k, true), true);
        ov.setInt32(op + k + 4, ov.getInt32(from + k + 4, true), true);
      }
    } else if (n < 64) {
      // Short: a byte loop (also right for overlapping copies, which repeat the last bytes).
      for (let k = 0; k < n; k++) out[op + k] = out[from + k];
    } else if (offset >= n) {
      out.copyWithin(op, from, from + n);
    } else {
      // Long overlapping copy: each copy doubles the repeated span.
      let o = op;
      const stop = op + n;
      while (o < stop) {
        const span = Math.min(o - from, stop - o);
        out.copyWithin(o, from, from + span);
        o += span;
      }
    }
    op += n;
  }
  if (P !== STREAM_BIT) corrupt("sequences bitstream has leftover bits");
  const rest = litStop - lp;
  if (op + rest > limit) st.overflow();
  if (rest < 16) {
    for (let k = 0; k < rest; k++) out[op + k] = lit[lp + k];
  } else {
    out.set(lit.subarray(lp, litStop), op);
  }
  st.pos = op + rest;
  st.rep1 = rep1;
  st.rep2 = rep2;
  st.rep3 = rep3;
}

/**
 * Decodes the literals section (§3.1.1.3.1) at `src[start:end]` into `st.lit[st.litPos:]`
 * (`st.litLen` bytes); returns where the sequences section starts.
 */
function decodeLiterals(st: FrameState, src: Uint8Array, start: number, end: number): number {
  // --- Literals section header (§3.1.1.3.1.1)
  if (start >= end) corrupt("empty compressed block");
  const b0 = src[start];
  const litType = b0 & 3;
  const sizeFormat = (b0 >> 2) & 3;
  let p = start;
  let regen: number;
  let lit: Uint8Array;
  let litPos: number;
  if (litType < 2) {
    let hsize: number;
    if ((sizeFormat & 1) === 0) {
      hsize = 1;
      regen = b0 >> 3;
    } else if (sizeFormat === 1) {
      hsize = 2;
      regen = (b0 >> 4) + (src[start + 1] << 4);
    } else {
      hsize = 3;
      regen = (b0 >> 4) + (src[start + 1] << 4) + (src[start + 2] << 12);
    }
    if (start + hsize > end) corrupt("literals header is truncated");
    p = start + hsize;
    if (regen > st.literals.length - 32) corrupt("too many literals");
    if (litType === 0) {
      if (p + regen > end) corrupt("raw literals are truncated");
      lit = src;
      litPos = p;
      p += regen;
    } else {
      if (p >= end) corrupt("RLE literals are truncated");
      lit = st.literals;
      litPos = 0;
      lit.fill(src[p], 0, regen);
      p += 1;
    }
  } else {
    let hsize: number;
    let csize: number;
    let streams = 4;
    if (start + 5 > end) corrupt("literals header is truncated");
    const b1 = src[start + 1], b2 = src[start + 2];
    if (sizeFormat < 2) {
      hsize = 3;
      if (sizeFormat === 0) streams = 1;
      const v = b0 | (b1 << 8) | (b2 << 16);
      regen = (v >> 4) & 0x3ff;
      csize = (v >> 14) & 0x3ff;
    } else if (sizeFormat === 2) {
      hsize = 4;
      const v = (b0 | (b1 << 8) | (b2 << 16) | (src[start + 3] << 24)) >>> 0;
      regen = (v >>> 4) & 0x3fff;
      csize = v >>> 18;
    } else {
      hsize = 5;
      const b3 = src[start + 3], b4 = src[start + 4];
      regen = ((b0 >> 4) | (b1 << 4) | (b2 << 12)) & 0x3ffff;
      csize = (b2 >> 6) | (b3 << 2) | (b4 << 10);
    }
    p = start + hsize;
    if (regen > st.literals.length - 32) corrupt("too many literals");
    const litEnd = p + csize;
    if (litEnd > end) corrupt("compressed literals are truncated");
    if (litType === 2) {
      const { table, size } = readHuffmanTable(src, p, litEnd);
      st.huffman = table;
      p += size;
    } else if (st.huffman === null) {
      corrupt("treeless literals without a previous Huffman table");
    }
    const huf = st.huffman!;
    lit = st.literals;
    litPos = 0;
    if (streams === 1) {
      decodeHuffmanStream(src, p, litEnd, huf, lit, 0, regen);
    } else {
      // Jump table (§3.1.1.3.1.6): three little-endian stream sizes, the fourth is the rest.
      if (p + 6 > litEnd) corrupt("literals jump table is truncated");
      const s1 = src[p] | (src[p + 1] << 8);
      const s2 = src[p + 2] | (src[p + 3] << 8);
      const s3 = src[p + 4] | (src[p + 5] << 8);
      const q1 = p + 6, q2 = q1 + s1, q3 = q2 + s2, q4 = q3 + s3;
      if (q4 > litEnd) corrupt("literals jump table overruns its section");
      const seg = (regen + 3) >> 2;
      if (seg * 3 > regen) corrupt("too few literals for four streams");
      decodeFourHuffmanStreams(src, q1, q2, q3, q4, litEnd, huf, lit, regen);
    }
    p = litEnd;
  }
  st.lit = lit;
  st.litPos = litPos;
  st.litLen = regen;
  return p;
}
