/**
 * The Snappy decompressor's core: decodes the literal and copy elements of
 * format_description §2 into a caller-provided output range, checking every length and offset.
 *
 * @module
 */

import { CompressError } from "../errors.ts";

function corrupt(message: string): CompressError {
  return new CompressError("corrupt", `snappy: ${message}`);
}

/**
 * Decodes the elements in `src[ip..srcEnd)` into `dst[dstStart..dstEnd)`. The block must fill
 * the range exactly (the preamble's length), copies may only reach back to `dstStart`, and
 * nothing outside either range is read or written; any violation throws `corrupt`.
 */
export function decodeElements(
  src: Uint8Array,
  ip: number,
  srcEnd: number,
  dst: Uint8Array,
  dstStart: number,
  dstEnd: number,
): void {
  // Word copies (4 bytes per DataView access) beat byte loops in V8; they may write up to 15
  // bytes past an element's end, so they are used only while that stays inside the caller's
  // range -- later elements overwrite the excess. Short elements (the common case: a few bytes
  // each in binary data) go through decodeShortElements, with one range check each; the loop
  // here takes the rest: long elements, elements near the ends, and every error.
  //
  // Integer locals: V8 types parameters as "any", and loop variables seeded from them stay
  // tagged (spilled, untagged and re-checked on every element).
  ip |= 0;
  srcEnd |= 0;
  dstStart |= 0;
  dstEnd |= 0;
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  const srcSafe = srcEnd - 16;
  const dstSafe = dstEnd - 16;
  let op = dstStart;
  while (ip < srcEnd) {
    if (ip < srcSafe - 1 && op < dstSafe) {
      // The bulk of most inputs; returns at the first element it does not take.
      op = decodeShortElements(sv, dv, ip, op, srcSafe - 1, dstSafe, dstStart);
      ip = shortElementsEnd;
      if (ip >= srcEnd) break;
    }
    const tag = src[ip++];
    const kind = tag & 3;
    if (kind === 0) {
      // Literal (§2.1): lengths 1..60 in the tag, longer ones in 1..4 following bytes.
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        if (ip + extra > srcEnd) throw corrupt("truncated literal length");
        len = src[ip];
        if (extra > 1) len |= src[ip + 1] << 8;
        if (extra > 2) len |= src[ip + 2] << 16;
        if (extra > 3) len = (len | (src[ip + 3] << 24)) >>> 0;
        len += 1;
        ip += extra;
      }
      if (len > srcEnd - ip) throw corrupt("literal runs past the end of the input");
      if (len > dstEnd - op) throw corrupt("literal runs past the declared length");
      if (len > 64) {
        dst.set(src.subarray(ip, ip + len), op);
      } else if (ip + len <= srcSafe && op + len <= dstSafe) {
        for (let i = 0; i < len; i += 8) {
          dv.setInt32(op + i, sv.getInt32(ip + i, true), true);
          dv.setInt32(op + i + 4, sv.getInt32(ip + i + 4, true), true);
        }
      } else {
        for (let i = 0; i < len; i++) dst[op + i] = src[ip + i];
      }
      ip += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      // Copy with 1-byte offset (§2.2.1): length 4..11, 11-bit offset.
      if (ip >= srcEnd) throw corrupt("truncated copy");
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[ip];
      ip += 1;
    } else if (kind === 2) {
      // Copy with 2-byte offset (§2.2.2): length 1..64.
      if (ip + 2 > srcEnd) throw corrupt("truncated copy");
      len = (tag >>> 2) + 1;
      offset = src[ip] | (src[ip + 1] << 8);
      ip += 2;
    } else {
      // Copy with 4-byte offset (§2.2.3).
      if (ip + 4 > srcEnd) throw corrupt("truncated copy");
      len = (tag >>> 2) + 1;
      offset = (src[ip] | (src[ip + 1] << 8) | (src[ip + 2] << 16) | (src[ip + 3] << 24)) >>> 0;
      ip += 4;
    }
    if (offset === 0 || offset > op - dstStart) throw corrupt("copy offset out of range");
    // Copies are at most 64 bytes, too short for a builtin call to pay. Copying forward gives
    // the overlapping (RLE) semantics of §2.2; with offset >= 4 each 4-byte read only covers
    // bytes already written, so whole words are safe.
    const from = op - offset;
    if (offset >= 4 && op <= dstSafe) {
      if (len <= 16) {
        // Three words unconditionally: binary data mixes copies of 5-7 and 9-11 bytes, and a
        // branch at 8 mispredicts there.
        dv.setInt32(op, dv.getInt32(from, true), true);
        dv.setInt32(op + 4, dv.getInt32(from + 4, true), true);
        dv.setInt32(op + 8, dv.getInt32(from + 8, true), true);
        if (len > 12) dv.setInt32(op + 12, dv.getInt32(from + 12, true), true);
        op += len;
        continue;
      }
      if (op + len <= dstSafe) {
        for (let i = 0; i < len; i += 8) {
          dv.setInt32(op + i, dv.getInt32(from + i, true), true);
          dv.setInt32(op + i + 4, dv.getInt32(from + i + 4, true), true);
        }
        op += len;
        continue;
      }
    }
    if (len > dstEnd - op) throw corrupt("copy runs past the declared length");
    for (let i = 0; i < len; i++) dst[op + i] = dst[from + i];
    op += len;
  }
  if (op !== dstEnd) throw corrupt("decoded size differs from the declared length");
}

/** Where the last {@link decodeShortElements} call stopped reading (its second result). */
let shortElementsEnd = 0;

/**
 * The fast path, the bulk of most inputs: decodes elements from `ip` while they are literals of
 * up to 16 bytes (length in the tag), copies of up to 16 bytes with 1- or 2-byte offsets of at
 * least 4 inside the output, or 2-byte-offset copies of 17..32 bytes while 32 bytes of output
 * room remain, with one bounds check per element (`ip < srcSafe`, `op < dstSafe`) instead of
 * one per field. Inside those margins no element reads or writes past either end: a tag, up to
 * 16 literal bytes, and 16-byte (32-byte) wild copies. Returns the output
 * position and leaves the input position in `shortElementsEnd`; anything else (long or far
 * elements, elements near the ends, and all errors) goes to the general loop.
 *
 * A function of its own, not a branch of the general loop: with only these few variables live,
 * V8 keeps them in registers (float64 series +30%, licence text +75%, int64 +15%). No inner
 * loops either: one (for 17-64 byte copies) cost the binary corpora 20-25%.
 */
function decodeShortElements(
  sv: DataView,
  dv: DataView,
  ip: number,
  op: number,
  srcSafe: number,
  dstSafe: number,
  dstStart: number,
): number {
  // Both margins in one test: (a | b) >= 0 exactly when a >= 0 and b >= 0 (all values here are
  // far below 2^31), one branch per element instead of two.
  const srcLast = srcSafe - 1;
  const dstLast = dstSafe - 1;
  // Copies of 17..32 bytes write 32: they need 16 bytes more room than the rest.
  const dstLong = dstSafe - 16;
  while (((srcLast - ip) | (dstLast - op)) >= 0) {
    const tag = sv.getUint8(ip);
    const kind = tag & 3;
    if (kind === 0) {
      // Literal (§2.1) of 1..16 bytes, by size class in whole words (one word store beats four
      // byte stores even when the next copy reads the literal right back); the bytes past it
      // are overwritten later.
      // The commonest case (1-4 bytes) first, decided by one test.
      const len = (tag >>> 2) + 1;
      if (len <= 4) {
        dv.setInt32(op, sv.getInt32(ip + 1, true), true);
      } else if (len <= 16) {
        dv.setInt32(op, sv.getInt32(ip + 1, true), true);
        dv.setInt32(op + 4, sv.getInt32(ip + 5, true), true);
        if (len > 8) {
          dv.setInt32(op + 8, sv.getInt32(ip + 9, true), true);
          dv.setInt32(op + 12, sv.getInt32(ip + 13, true), true);
        }
      } else {
        break;
      }
      ip += len + 1;
      op += len;
    } else if (kind === 1) {
      // Copy with a 1-byte offset (§2.2.1), 4..11 bytes. With offset >= 4 each word read is
      // complete before it is needed.
      const offset = ((tag >>> 5) << 8) | sv.getUint8(ip + 1);
      const from = op - offset;
      if (offset < 4 || from < dstStart) break;
      const len = ((tag >>> 2) & 7) + 4;
      if (offset < 12) {
        // A near source (8-byte columns: int64 timestamps are "2-byte literal, 6-byte copy at
        // offset 8" over and over) was written by the last few elements, and a 12-byte read
        // window would take bytes of two different earlier stores (the copy before and the
        // literal after it): the load waits for both stores to retire instead of being
        // forwarded from one, a stall on every element. So copy exactly `len` bytes, as a word
        // plus 4/2/1-byte pieces (the bits of len - 4): every later read of these bytes then
        // falls inside one store. Periodic data repeats one length, so these branches predict
        // (int64 decode +12-15%, others unchanged).
        const r = len - 4;
        dv.setInt32(op, dv.getInt32(from, true), true);
        if (r & 4) {
          dv.setInt32(op + 4, dv.getInt32(from + 4, true), true);
          if (r & 2) {
            dv.setUint16(op + 8, dv.getUint16(from + 8, true), true);
            if (r & 1) dv.setUint8(op + 10, dv.getUint8(from + 10));
          } else if (r & 1) dv.setUint8(op + 8, dv.getUint8(from + 8));
        } else if (r & 2) {
          dv.setUint16(op + 4, dv.getUint16(from + 4, true), true);
          if (r & 1) dv.setUint8(op + 6, dv.getUint8(from + 6));
        } else if (r & 1) dv.setUint8(op + 4, dv.getUint8(from + 4));
      } else {
        // Three words cover every length (a branch at 8 mispredicts on binary data's mix of
        // 5-7 and 9-11 byte copies).
        dv.setInt32(op, dv.getInt32(from, true), true);
        dv.setInt32(op + 4, dv.getInt32(from + 4, true), true);
        dv.setInt32(op + 8, dv.getInt32(from + 8, true), true);
      }
      ip += 2;
      op += len;
    } else if (kind === 2) {
      // Copy with a 2-byte offset (§2.2.2) of up to 32 bytes.
      const len = (tag >>> 2) + 1;
      const offset = sv.getUint16(ip + 1, true);
      const from = op - offset;
      if (offset < 4 || from < dstStart) break;
      if (len <= 16) {
        dv.setInt32(op, dv.getInt32(from, true), true);
        dv.setInt32(op + 4, dv.getInt32(from + 4, true), true);
        dv.setInt32(op + 8, dv.getInt32(from + 8, true), true);
        if (len > 12) dv.setInt32(op + 12, dv.getInt32(from + 12, true), true);
      } else {
        // 17..32 bytes, a fifth of the elements of text and JSON (repeated keys, timestamps,
        // paths), as eight unconditional words: leaving the fast path for the general loop
        // costs more than the excess stores (JSON decode +25-35%, log text +20%). No loop:
        // one here cost binary data 20-25%. The 32-byte store needs its own output margin.
        if (len > 32 || op > dstLong) break;
        dv.setInt32(op, dv.getInt32(from, true), true);
        dv.setInt32(op + 4, dv.getInt32(from + 4, true), true);
        dv.setInt32(op + 8, dv.getInt32(from + 8, true), true);
        dv.setInt32(op + 12, dv.getInt32(from + 12, true), true);
        dv.setInt32(op + 16, dv.getInt32(from + 16, true), true);
        dv.setInt32(op + 20, dv.getInt32(from + 20, true), true);
        dv.setInt32(op + 24, dv.getInt32(from + 24, true), true);
        dv.setInt32(op + 28, dv.getInt32(from + 28, true), true);
      }
      ip += 3;
      op += len;
    } else {
      break;
    }
  }
  shortElementsEnd = ip;
  return op;
}
