/**
 * LZ4 block decoding (lz4_Block_format.md). Every length and offset read from the input is
 * checked against the input end, the output end and the start of the history before use, so
 * hostile input can only produce a `CompressError`.
 *
 * @module
 */

import { checkOutputSize, CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";
import { dictionaryTail } from "./_dictionary.ts";

function truncated(): CompressError {
  return new CompressError("corrupt", "LZ4 block is truncated");
}

/**
 * Decodes the block `src[sp, sEnd)` into `dst` at `op`, writing no further than `oEnd`.
 * Matches may copy from `dst[dstLow, op)` (earlier output), and from `ext` (a dictionary's
 * last 64 KiB, or null) as if it lay right before `dst[dstLow]`. `srcView` and `dstView`, when
 * given, are DataViews over exactly `src` and `dst` that the caller keeps (a view costs ~0.15
 * µs, a tenth of decoding a 1 KiB frame).
 *
 * @returns the output end position, or -1 when the block would write past `oEnd`
 * @throws {CompressError} `corrupt` for malformed input
 */
export function decodeBlockInto(
  src: Uint8Array,
  sp: number,
  sEnd: number,
  dst: Uint8Array,
  op: number,
  oEnd: number,
  dstLow: number,
  ext: Uint8Array | null,
  srcView: DataView | null = null,
  dstView: DataView | null = null,
): number {
  // Integer locals: V8 types parameters as "any", and loop variables seeded from them stayed
  // tagged (spilled, untagged and re-checked on every sequence).
  sp |= 0;
  sEnd |= 0;
  op |= 0;
  oEnd |= 0;
  dstLow |= 0;
  if (sp >= sEnd) throw truncated();
  // 4-byte loads and stores through DataViews: V8 compiles them to single unaligned moves.
  const sv = srcView ?? new DataView(src.buffer, src.byteOffset, src.byteLength);
  const dv = dstView ?? new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  const srcLen = src.length;
  // Inside these limits a sequence with short lengths (no length bytes) cannot run past
  // either end: up to 14 literals, 2 offset bytes, and 16-byte wild copies of up to 18 bytes.
  const srcSafe = sEnd - 32;
  const dstSafe = oEnd - 48;
  for (;;) {
    if (sp < srcSafe && op < dstSafe) {
      // The bulk of most blocks; returns at the first sequence it does not take.
      op = decodeShortSequences(sv, dv, sp, op, srcSafe, dstSafe, dstLow);
      sp = shortSequencesEnd;
      if (stoppedNear) {
        op = decodeNearSequences(sv, dv, sp, op, srcSafe, dstSafe, dstLow);
        sp = shortSequencesEnd;
        continue;
      }
    }
    const token = src[sp++];
    // Literals.
    let lit = token >>> 4;
    if (lit !== 15 && sp + 16 <= srcLen && op + 16 <= oEnd) {
      // Short run with room on both sides: copy by size class (4, 8 or 16 bytes), keep `lit`
      // of them. The extra bytes written lie beyond the output position and are overwritten
      // later. Runs of up to 4 go byte by byte, so that a match reading them right back does
      // not wait on a word store it only partly overlaps.
      if (lit > sEnd - sp) throw truncated();
      if (lit <= 4) {
        if (lit !== 0) {
          dst[op] = src[sp];
          dst[op + 1] = src[sp + 1];
          dst[op + 2] = src[sp + 2];
          dst[op + 3] = src[sp + 3];
        }
      } else {
        dv.setInt32(op, sv.getInt32(sp, true), true);
        dv.setInt32(op + 4, sv.getInt32(sp + 4, true), true);
        if (lit > 8) {
          dv.setInt32(op + 8, sv.getInt32(sp + 8, true), true);
          dv.setInt32(op + 12, sv.getInt32(sp + 12, true), true);
        }
      }
      sp += lit;
      op += lit;
    } else {
      if (lit === 15) {
        let b: number;
        do {
          if (sp >= sEnd) throw truncated();
          b = src[sp++];
          lit += b;
        } while (b === 255);
      }
      if (lit > sEnd - sp) throw truncated();
      if (lit > oEnd - op) return -1;
      if (lit < 32) {
        const e = sp + lit;
        while (sp < e) dst[op++] = src[sp++];
      } else {
        dst.set(src.subarray(sp, sp + lit), op);
        sp += lit;
        op += lit;
      }
    }
    // The last sequence has literals only and ends exactly at the end of the block.
    if (sp === sEnd) return op;
    // Match.
    if (sEnd - sp < 2) throw truncated();
    const offset = src[sp] | (src[sp + 1] << 8);
    sp += 2;
    if (offset === 0) throw new CompressError("corrupt", "LZ4 block has a zero match offset");
    let ref = op - offset;
    let ml = token & 15;
    if (ml === 15) {
      let b: number;
      do {
        if (sp >= sEnd) throw truncated();
        b = src[sp++];
        ml += b;
      } while (b === 255);
    }
    ml += 4;
    if (ml > oEnd - op) return -1;
    if (ref < dstLow) {
      op = copyFromDictionary(ext, ref, dst, dstLow, op, ml);
    } else if (offset >= 4 && ml <= 16 && op + 16 <= oEnd) {
      // Short match, the common case: 8 or 16 bytes in unrolled word moves. With offset >= 4
      // every word read is complete before it is needed, even when source and destination
      // overlap; the bytes past the match are overwritten later.
      dv.setInt32(op, dv.getInt32(ref, true), true);
      dv.setInt32(op + 4, dv.getInt32(ref + 4, true), true);
      if (ml > 8) {
        dv.setInt32(op + 8, dv.getInt32(ref + 8, true), true);
        dv.setInt32(op + 12, dv.getInt32(ref + 12, true), true);
      }
      op += ml;
    } else if (offset >= 4 && ml < 64 && op + ml + 3 <= oEnd) {
      // Word copy loop, as above; up to 3 extra bytes are written past the match.
      const e = op + ml;
      while (op < e) {
        dv.setInt32(op, dv.getInt32(ref, true), true);
        op += 4;
        ref += 4;
      }
      op = e;
    } else if (ml <= offset) {
      dst.copyWithin(op, ref, ref + ml);
      op += ml;
    } else if (offset === 1) {
      dst.fill(dst[ref], op, op + ml);
      op += ml;
    } else if (ml < 64) {
      // Overlapping copy: later bytes repeat the ones this copy produces.
      const e = op + ml;
      while (op < e) dst[op++] = dst[ref++];
    } else {
      // Overlapping and long: the pattern [ref, op) doubles with each non-overlapping copy.
      const e = op + ml;
      while (op < e) {
        const n = Math.min(op - ref, e - op);
        dst.copyWithin(op, ref, ref + n);
        op += n;
      }
    }
    if (sp >= sEnd) {
      throw new CompressError("corrupt", "LZ4 block does not end with a literal run");
    }
  }
}

/** Options of {@link decompressBlock}. */
export interface Lz4BlockDecompressOptions {
  /** Refuse to produce more than this many bytes (default `DEFAULT_MAX_OUTPUT_SIZE`, 256 MiB). */
  maxOutputSize?: number;
  /**
   * Data that preceded the block (the block was compressed with it as a prefix, e.g.
   * `lz4 -D`): matches may reach into its last 64 KiB.
   */
  dictionary?: Uint8Array;
}

/**
 * Decompresses one raw LZ4 block (no frame).
 *
 * @param src the compressed block, exactly
 * @param decompressedSize the size of the original data (or an upper bound of it): the output
 *   buffer's size
 * @param options output ceiling and an optional dictionary
 * @returns the decompressed bytes
 * @throws {CompressError} `corrupt` for malformed input or output larger than
 *   `decompressedSize`; `limit` when `decompressedSize` exceeds `maxOutputSize`
 * @throws {RangeError} when `decompressedSize` is not a non-negative integer
 *
 * @example
 * ```ts
 * import { decompressBlock } from "./block_decode.ts";
 * import { compressBlock } from "./block_encode.ts";
 * const data = new TextEncoder().encode("abcabcabcabcabcabcabcabcabc");
 * const block = compressBlock(data);
 * const back = decompressBlock(block, data.length);
 * console.log(new TextDecoder().decode(back)); // "abcabcabcabcabcabcabcabcabc"
 * ```
 */
export function decompressBlock(
  src: Uint8Array,
  decompressedSize: number,
  options: Lz4BlockDecompressOptions = {},
): Uint8Array {
  if (!Number.isSafeInteger(decompressedSize) || decompressedSize < 0) {
    throw new CompressError("unsupported", "decompressedSize must be a non-negative integer");
  }
  checkOutputSize(decompressedSize, options.maxOutputSize ?? DEFAULT_MAX_OUTPUT_SIZE);
  const dict = options.dictionary;
  if (dict !== undefined && !(dict instanceof Uint8Array)) {
    throw new CompressError("unsupported", "LZ4 dictionary must be a Uint8Array");
  }
  const out = new Uint8Array(decompressedSize);
  const ext = dict !== undefined && dict.length > 0 ? dictionaryTail(dict) : null;
  const end = decodeBlockInto(src, 0, src.length, out, 0, out.length, 0, ext);
  if (end < 0) {
    throw new CompressError(
      "corrupt",
      `LZ4 block decompresses to more than the expected ${decompressedSize} bytes`,
    );
  }
  return end === out.length ? out : out.slice(0, end);
}

/**
 * A match starting `dstLow - ref` bytes before the output window: it copies from the end of the
 * dictionary `ext`, and may continue into the output from `dstLow` (lz4_Block_format.md,
 * "Dictionary"). Returns the new output position.
 */
function copyFromDictionary(
  ext: Uint8Array | null,
  ref: number,
  dst: Uint8Array,
  dstLow: number,
  op: number,
  ml: number,
): number {
  const back = dstLow - ref;
  if (ext === null || back > ext.length) {
    throw new CompressError("corrupt", "LZ4 match offset reaches before the start of the data");
  }
  const from = ext.length - back;
  const n = back < ml ? back : ml;
  dst.set(ext.subarray(from, from + n), op);
  op += n;
  // The rest repeats the output from the window's start; it may overlap what it writes.
  let r = dstLow;
  const e = op + ml - n;
  while (op < e) dst[op++] = dst[r++];
  return op;
}

/** Where the last short-sequence loop call stopped reading (its second result). */
let shortSequencesEnd = 0;
/** Whether {@link decodeShortSequences} stopped at a sequence for {@link decodeNearSequences}. */
let stoppedNear = false;

/**
 * The fast path, the bulk of most blocks: decodes sequences from `sp` while both lengths fit in
 * the token, the offset is >= 16 and the match lies inside the window, with one bounds check
 * per sequence (`sp < srcSafe`, `op < dstSafe`) instead of one per field. Inside those margins
 * a sequence cannot run past either end: up to 14 literals, 2 offset bytes, and 16-byte wild
 * copies of up to 18 bytes. Returns the output position and leaves the input position in
 * `shortSequencesEnd`.
 *
 * A function of its own, not a branch of the general loop: with only these few variables live,
 * V8 keeps them in registers (as one loop with the general path, positions and limits were
 * spilled and reloaded every sequence): +20-60% on binary and text corpora.
 */
function decodeShortSequences(
  sv: DataView,
  dv: DataView,
  sp: number,
  op: number,
  srcSafe: number,
  dstSafe: number,
  dstLow: number,
): number {
  while (sp < srcSafe && op < dstSafe) {
    const t = sv.getUint8(sp);
    const lit = t >>> 4;
    const mlc = t & 15;
    if (lit === 15 || mlc === 15) break;
    const lp = sp + 1;
    const offset = sv.getUint16(lp + lit, true);
    const ref = op + lit - offset;
    if (offset < 16 || ref < dstLow) {
      // Offsets 4..15 (periodic binary data: int64 columns, records) go to
      // decodeNearSequences.
      stoppedNear = offset >= 4 && ref >= dstLow;
      shortSequencesEnd = sp;
      return op;
    }
    copyShortLiterals(sv, dv, lp, op, lit);
    op += lit;
    // Match of 4..18 bytes; with offset >= 4 each word read is complete before it is needed.
    // Bytes past the match are overwritten later.
    dv.setInt32(op, dv.getInt32(ref, true), true);
    dv.setInt32(op + 4, dv.getInt32(ref + 4, true), true);
    if (mlc > 4) {
      dv.setInt32(op + 8, dv.getInt32(ref + 8, true), true);
      dv.setInt32(op + 12, dv.getInt32(ref + 12, true), true);
      if (mlc > 12) dv.setInt32(op + 16, dv.getInt32(ref + 16, true), true);
    }
    op += mlc + 4;
    sp = lp + lit + 2;
  }
  stoppedNear = false;
  shortSequencesEnd = sp;
  return op;
}

/**
 * {@link decodeShortSequences} for offsets 4..15, whose matches read bytes written a sequence
 * or two earlier: the match is copied in exact pieces (16, 8, 4, 2, 1 bytes by the bits of its
 * length) instead of whole words past its end. In periodic data each piece then reads back
 * exactly one earlier store, which the CPU forwards; a word that straddles two recent stores
 * (the previous match's tail and this sequence's literals) waits for both to reach the cache,
 * and every sequence waited on the one before (int64 timestamps: 2 literals, a 6-byte match at
 * offset 8, every sequence). A loop of its own, as the pieces slowed the common far-offset
 * path by 20% as a branch of it: int64 block decode +10%, other corpora -1-3%. Positions are
 * truncated with `| 0` so V8 adds them as plain int32 without overflow checks: int64 +7-9% more
 * (the same change in decodeShortSequences cost JSON and log text 7-10%, so it is not there).
 */
function decodeNearSequences(
  sv: DataView,
  dv: DataView,
  sp: number,
  op: number,
  srcSafe: number,
  dstSafe: number,
  dstLow: number,
): number {
  while (sp < srcSafe && op < dstSafe) {
    const t = sv.getUint8(sp);
    const lit = t >>> 4;
    const mlc = t & 15;
    if (lit === 15 || mlc === 15) break;
    const lp = (sp + 1) | 0;
    const offset = sv.getUint16((lp + lit) | 0, true);
    const ref = (op + lit - offset) | 0;
    if (offset < 4 || offset >= 16 || ref < dstLow) break;
    copyShortLiterals(sv, dv, lp, op, lit);
    op = (op + lit) | 0;
    // Forward, piece by piece: with offset >= 4 every word read is complete before it is
    // needed, with offset >= 2 every 2-byte read.
    const ml = (mlc + 4) | 0;
    let o = op;
    let r = ref;
    if (ml >= 16) {
      dv.setInt32(o, dv.getInt32(r, true), true);
      dv.setInt32((o + 4) | 0, dv.getInt32((r + 4) | 0, true), true);
      dv.setInt32((o + 8) | 0, dv.getInt32((r + 8) | 0, true), true);
      dv.setInt32((o + 12) | 0, dv.getInt32((r + 12) | 0, true), true);
      o = (o + 16) | 0;
      r = (r + 16) | 0;
    }
    if ((ml & 8) !== 0) {
      dv.setInt32(o, dv.getInt32(r, true), true);
      dv.setInt32((o + 4) | 0, dv.getInt32((r + 4) | 0, true), true);
      o = (o + 8) | 0;
      r = (r + 8) | 0;
    }
    if ((ml & 4) !== 0) {
      dv.setInt32(o, dv.getInt32(r, true), true);
      o = (o + 4) | 0;
      r = (r + 4) | 0;
    }
    if ((ml & 2) !== 0) {
      dv.setUint16(o, dv.getUint16(r, true), true);
      o = (o + 2) | 0;
      r = (r + 2) | 0;
    }
    if ((ml & 1) !== 0) dv.setUint8(o, dv.getUint8(r));
    op = (op + ml) | 0;
    sp = (lp + lit + 2) | 0;
  }
  shortSequencesEnd = sp;
  return op;
}

/**
 * The 0..14 literals of a short sequence, by size class in whole words (one, two or four); the
 * bytes past the run are overwritten later. One word store beats four byte stores even when the
 * match reads the run right back (+5-10% on every corpus). Small enough for V8 to inline into
 * both short-sequence loops.
 */
function copyShortLiterals(sv: DataView, dv: DataView, lp: number, op: number, lit: number): void {
  dv.setInt32(op, sv.getInt32(lp, true), true);
  if (lit > 4) {
    dv.setInt32(op + 4, sv.getInt32(lp + 4, true), true);
    if (lit > 8) {
      dv.setInt32(op + 8, sv.getInt32(lp + 8, true), true);
      dv.setInt32(op + 12, sv.getInt32(lp + 12, true), true);
    }
  }
}
