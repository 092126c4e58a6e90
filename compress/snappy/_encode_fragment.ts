/**
 * The Snappy compressor's core: greedy LZ77 over one fragment of at most 64 KiB with a hash table
 * of 4-byte sequences, emitting the element encoding of format_description §2. Like the
 * reference, matches never cross fragments, so 2-byte offsets always suffice.
 *
 * @module
 */

import { matchEnd } from "../_match.ts";

/** Input is compressed in independent fragments of this size (the reference's kBlockSize). */
export const FRAGMENT_SIZE = 65536;

/** No match search in the last 15 bytes: lets the loop read 4-byte words without bound checks. */
const INPUT_MARGIN = 15;

const MAX_TABLE_BITS = 14;

/**
 * Positions (relative to the fragment start) keyed by the hash of the 4 bytes there. Allocated
 * once and reused by every call; a fragment is <= 64 KiB so positions fit 16 bits.
 */
const table = new Uint16Array(1 << MAX_TABLE_BITS);

const HASH_MUL = 0x1e35a7bd;

/** Writes a literal of `n` >= 1 bytes taken from `src[s..s+n)`; returns the new output position. */
function emitLiteral(
  src: Uint8Array,
  sv: DataView,
  s: number,
  n: number,
  dst: Uint8Array,
  dv: DataView,
  op: number,
): number {
  const n1 = n - 1;
  if (n1 < 60) {
    dst[op++] = n1 << 2;
  } else if (n1 < 0x100) {
    dst[op++] = 60 << 2;
    dst[op++] = n1;
  } else if (n1 < 0x10000) {
    dst[op++] = 61 << 2;
    dst[op++] = n1 & 0xff;
    dst[op++] = n1 >>> 8;
  } else if (n1 < 0x1000000) {
    dst[op++] = 62 << 2;
    dst[op++] = n1 & 0xff;
    dst[op++] = (n1 >>> 8) & 0xff;
    dst[op++] = n1 >>> 16;
  } else {
    dst[op++] = 63 << 2;
    dst[op++] = n1 & 0xff;
    dst[op++] = (n1 >>> 8) & 0xff;
    dst[op++] = (n1 >>> 16) & 0xff;
    dst[op++] = n1 >>> 24;
  }
  if (n > 64) {
    dst.set(src.subarray(s, s + n), op);
  } else if (s + n + 8 <= src.length && op + n + 8 <= dst.length) {
    // Whole words, possibly 7 bytes past the literal: the next element overwrites them.
    for (let i = 0; i < n; i += 8) {
      dv.setUint32(op + i, sv.getUint32(s + i, true), true);
      dv.setUint32(op + i + 4, sv.getUint32(s + i + 4, true), true);
    }
  } else {
    for (let i = 0; i < n; i++) dst[op + i] = src[s + i];
  }
  return op + n;
}

/** Copy of 4..64 bytes: the 2-byte form (tag 01) when it fits, else the 3-byte form (tag 10). */
function emitCopyUpTo64(dst: Uint8Array, op: number, offset: number, len: number): number {
  if (len < 12 && offset < 2048) {
    dst[op++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    dst[op++] = offset & 0xff;
  } else {
    dst[op++] = 2 | ((len - 1) << 2);
    dst[op++] = offset & 0xff;
    dst[op++] = offset >>> 8;
  }
  return op;
}

/** Copy of any length >= 4 at `offset` < 65536, split into elements of at most 64 bytes. */
function emitCopy(dst: Uint8Array, op: number, offset: number, len: number): number {
  // Keep every piece >= 4 bytes so the short (tag 01) form stays usable for the tail.
  while (len >= 68) {
    op = emitCopyUpTo64(dst, op, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    op = emitCopyUpTo64(dst, op, offset, 60);
    len -= 60;
  }
  return emitCopyUpTo64(dst, op, offset, len);
}

/**
 * Compresses `src[start..end)` (at most {@link FRAGMENT_SIZE} bytes) as Snappy elements into
 * `dst` from `op`, without a length preamble. `dst` needs `maxCompressedLength(end - start)`
 * bytes of room. Returns the output position after the last element.
 */
export function encodeFragment(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  op: number,
): number {
  const len = end - start;
  // 4-byte little-endian loads and stores through DataViews: one access instead of four.
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  let nextEmit = start;
  const srcLen = src.length;
  const dstLen = dst.length;
  if (len >= INPUT_MARGIN) {
    // Table size: the smallest power of two >= the fragment, between 2^8 and 2^14 entries, so
    // small inputs only clear a small table.
    let bits = 8;
    while (bits < MAX_TABLE_BITS && (1 << bits) < len) bits++;
    const shift = 32 - bits;
    const t = table;
    t.fill(0, 0, 1 << bits);

    // Position sums and differences are truncated with `| 0` (V8 then adds them as plain int32,
    // without an overflow check each): +1-3% on JSON, log text, float64 and int64, -2% on
    // licence text; positions stay far below 2^31.
    const ipLimit = end - INPUT_MARGIN;
    let ip = start + 1;
    // The 4 bytes at the next probe position, loaded once for its hash and its comparison.
    let nextSeq = sv.getInt32(ip, true);

    outer: for (;;) {
      // Look for a 4-byte match. Each miss in a row makes the step grow (every 32 misses adds 1
      // to it), so incompressible data is skipped quickly -- the reference's heuristic.
      let skip = 32;
      let nextIp = ip;
      let candidate = 0;
      let seq = 0;
      do {
        ip = nextIp;
        seq = nextSeq;
        const h = Math.imul(seq, HASH_MUL) >>> shift;
        const step = skip >>> 5;
        skip = (skip + step) | 0;
        nextIp = (ip + step) | 0;
        if (nextIp > ipLimit) break outer;
        nextSeq = sv.getInt32(nextIp, true);
        candidate = (start + t[h]) | 0;
        t[h] = ip - start;
      } while (seq !== sv.getInt32(candidate, true));

      // The calls below are too big for V8 to inline here; the common short forms are
      // written inline (a call per element costs ~25% on data of short elements).
      const litLen = (ip - nextEmit) | 0;
      if (litLen <= 16 && nextEmit + 16 <= srcLen && op + 17 <= dstLen) {
        dst[op] = (litLen - 1) << 2;
        dv.setInt32(op + 1, sv.getInt32(nextEmit, true), true);
        dv.setInt32(op + 5, sv.getInt32(nextEmit + 4, true), true);
        if (litLen > 8) {
          dv.setInt32(op + 9, sv.getInt32(nextEmit + 8, true), true);
          dv.setInt32(op + 13, sv.getInt32(nextEmit + 12, true), true);
        }
        op = (op + 1 + litLen) | 0;
      } else {
        op = emitLiteral(src, sv, nextEmit, litLen, dst, dv, op);
      }

      // Emit copies while the position right after a copy starts another match.
      let cur = 0;
      do {
        const base = ip;
        const s1 = matchEnd(src, sv, (ip + 4) | 0, (candidate + 4) | 0, end);
        ip = s1;
        const offset = (base - candidate) | 0;
        const copyLen = (s1 - base) | 0;
        if (copyLen < 12 && offset < 2048) {
          dst[op] = 1 | ((copyLen - 4) << 2) | ((offset >>> 8) << 5);
          dst[op + 1] = offset;
          op = (op + 2) | 0;
        } else if (copyLen <= 64) {
          dst[op] = 2 | ((copyLen - 1) << 2);
          dst[op + 1] = offset;
          dst[op + 2] = offset >>> 8;
          op = (op + 3) | 0;
        } else {
          op = emitCopy(dst, op, offset, copyLen);
        }
        nextEmit = ip;
        if (ip >= ipLimit) break outer;
        // Index the byte before `ip` too (cheap, improves the next matches), then probe `ip`.
        t[Math.imul(sv.getUint32(ip - 1, true), HASH_MUL) >>> shift] = ip - 1 - start;
        cur = sv.getUint32(ip, true);
        const h = Math.imul(cur, HASH_MUL) >>> shift;
        candidate = (start + t[h]) | 0;
        t[h] = ip - start;
      } while (cur === sv.getUint32(candidate, true));

      ip = (ip + 1) | 0;
      nextSeq = sv.getInt32(ip, true);
    }
  }
  if (nextEmit < end) {
    op = emitLiteral(src, sv, nextEmit, end - nextEmit, dst, dv, op);
  }
  return op;
}
