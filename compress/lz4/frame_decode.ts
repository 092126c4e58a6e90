/**
 * One-shot LZ4 frame decompression: every frame in the input, one after another; skippable
 * frames are skipped. Output grows geometrically but never past `maxOutputSize`, and never past
 * what the input can actually produce.
 *
 * @module
 */

import { CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";
import { xxhash32Range } from "../checksum/xxhash32.ts";
import { decodeBlockInto } from "./block_decode.ts";
import {
  headerLength,
  isSkippableMagic,
  LEGACY_BLOCK_SIZE,
  LEGACY_MAGIC,
  LEGACY_MAX_COMPRESSED,
  LZ4_FRAME_MAGIC,
  parseFrameHeader,
  readU32,
} from "./_frame_header.ts";
import type { Lz4DecompressOptions } from "./options.ts";
import { checkDictionaryOption, frameDictionary } from "./_dictionary.ts";

/** A compressed byte decodes to at most this many bytes (a run of 255-valued length bytes). */
export const MAX_EXPANSION = 255;

function truncated(): CompressError {
  return new CompressError("corrupt", "LZ4 frame is truncated");
}

/** Validates `maxOutputSize`. */
export function outputLimit(options: Lz4DecompressOptions): number {
  const max = options.maxOutputSize ?? DEFAULT_MAX_OUTPUT_SIZE;
  if (!(max >= 0)) {
    throw new CompressError("unsupported", "maxOutputSize must be a non-negative number");
  }
  return max;
}

/**
 * Decompresses LZ4 frame data: one frame, or several concatenated (decoded in order and
 * joined), with skippable frames (magic 0x184D2A50..0x184D2A5F) skipped. Legacy frames
 * (`lz4 -l`, magic 0x184C2102) are read too.
 *
 * @param input one or more complete frames
 * @param options `maxOutputSize` (default 256 MiB), `dictionary` (a dictionary, or a resolver
 *   from a frame's Dict-ID to its dictionary)
 * @returns the decompressed content
 * @throws {CompressError} `corrupt` for malformed or truncated input, `checksum` for a header,
 *   block or content checksum mismatch, `limit` when the output would exceed `maxOutputSize`,
 *   `unsupported` for a frame whose dictionary is not given
 *
 * @example
 * ```ts
 * import { compressFrame, decompressFrame } from "./mod.ts";
 * const frame = compressFrame(new TextEncoder().encode("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
 * console.log(decompressFrame(frame).length); // 32
 * ```
 */
export function decompressFrame(input: Uint8Array, options: Lz4DecompressOptions = {}): Uint8Array {
  const max = outputLimit(options);
  checkDictionaryOption(options.dictionary);
  const n = input.length;
  // Output goes to a reused scratch buffer while it is small (no allocation, no zeroing),
  // and is copied out exactly sized at the end.
  let out = scratch;
  let outView = scratchView;
  // One view over the input for every block (made lazily: stored blocks need none).
  let inView: DataView | null = null;
  let op = 0;
  let pos = 0;
  if (n === 0) throw new CompressError("corrupt", "LZ4 input is empty");

  /** Makes room for `need` bytes of output (need <= max), growing geometrically. */
  const grow = (need: number): void => {
    if (need <= out.length) return;
    const size = Math.min(max, Math.max(need, out.length * 2, 65536));
    const next = new Uint8Array(size);
    next.set(out.subarray(0, op));
    out = next;
    outView = new DataView(next.buffer);
    if (size <= SCRATCH_MAX) {
      scratch = next;
      scratchView = outView;
    }
  };

  while (pos < n) {
    if (n - pos < 4) throw truncated();
    const magic = readU32(input, pos);
    if (isSkippableMagic(magic)) {
      if (n - pos < 8) throw truncated();
      const size = readU32(input, pos + 4);
      if (size > n - pos - 8) throw truncated();
      pos += 8 + size;
      continue;
    }
    if (magic === LEGACY_MAGIC) {
      // Legacy frame (`lz4 -l`; lz4_Frame_format.md, "Legacy frame"): independent blocks of at
      // most 8 MiB, each after its 4-byte compressed size, until the input ends or a size
      // field is a magic number (the next frame), as the lz4 tool reads it.
      pos += 4;
      while (n - pos >= 4) {
        const size = readU32(input, pos);
        if (size === LZ4_FRAME_MAGIC || size === LEGACY_MAGIC || isSkippableMagic(size)) break;
        pos += 4;
        if (size > LEGACY_MAX_COMPRESSED) {
          throw new CompressError("corrupt", "LZ4 legacy block is larger than any valid block");
        }
        if (size > n - pos) throw truncated();
        const blockLimit = op + Math.min(LEGACY_BLOCK_SIZE, size * MAX_EXPANSION);
        const end = Math.min(blockLimit, max);
        grow(end);
        inView ??= new DataView(input.buffer, input.byteOffset, input.byteLength);
        const r = decodeBlockInto(input, pos, pos + size, out, op, end, op, null, inView, outView);
        if (r < 0) {
          if (end === blockLimit) {
            throw new CompressError("corrupt", "LZ4 legacy block decodes past 8 MiB");
          }
          throw overflow(-1, max);
        }
        op = r;
        pos += size;
      }
      if (pos < n && n - pos < 4) throw truncated();
      continue;
    }
    if (magic !== LZ4_FRAME_MAGIC) {
      throw new CompressError("corrupt", "not an LZ4 frame (bad magic number)");
    }
    if (n - pos < 7 || n - pos < headerLength(input[pos + 4])) throw truncated();
    const h = parseFrameHeader(input, pos, max - op);
    pos += h.headerLength;
    const dict = frameDictionary(options.dictionary, h.dictionaryId);
    const frameStart = op;
    // Output may not pass this point: the declared content size, else the limit.
    const frameLimit = h.contentSize >= 0 ? op + h.contentSize : max;
    // Trust the declared size only as far as the remaining input could produce it.
    if (h.contentSize >= 0) grow(Math.min(frameLimit, op + (n - pos) * MAX_EXPANSION));
    for (;;) {
      if (n - pos < 4) throw truncated();
      const field = readU32(input, pos);
      pos += 4;
      if (field === 0) break;
      const size = field & 0x7fffffff;
      if (size > h.blockMaxSize) {
        throw new CompressError("corrupt", "LZ4 block is larger than the frame's block size");
      }
      if (size > n - pos) throw truncated();
      if (h.blockChecksum) {
        if (n - pos - size < 4) throw truncated();
        inView ??= new DataView(input.buffer, input.byteOffset, input.byteLength);
        if (xxhash32Range(input, inView, pos, pos + size) !== readU32(input, pos + size)) {
          throw new CompressError("checksum", "LZ4 block checksum mismatch");
        }
      }
      if (field & 0x80000000) {
        if (size > frameLimit - op) throw overflow(h.contentSize, max);
        grow(op + size);
        out.set(input.subarray(pos, pos + size), op);
        op += size;
      } else {
        // A block decodes to at most blockMaxSize bytes, and to at most 255 per input byte.
        const blockLimit = op + Math.min(h.blockMaxSize, size * MAX_EXPANSION);
        const end = Math.min(blockLimit, frameLimit);
        grow(end);
        const r = decodeBlockInto(
          input,
          pos,
          pos + size,
          out,
          op,
          end,
          h.blockIndependent ? op : frameStart,
          dict,
          inView ??= new DataView(input.buffer, input.byteOffset, input.byteLength),
          outView,
        );
        if (r < 0) {
          if (end === blockLimit) {
            throw new CompressError("corrupt", "LZ4 block decodes past the frame's block size");
          }
          throw overflow(h.contentSize, max);
        }
        op = r;
      }
      pos += size + (h.blockChecksum ? 4 : 0);
    }
    if (h.contentChecksum) {
      if (n - pos < 4) throw truncated();
      if (xxhash32Range(out, outView, frameStart, op) !== readU32(input, pos)) {
        throw new CompressError("checksum", "LZ4 content checksum mismatch");
      }
      pos += 4;
    }
    if (h.contentSize >= 0 && op - frameStart !== h.contentSize) {
      throw new CompressError("corrupt", "LZ4 frame content size does not match its header");
    }
  }
  return op === out.length && out !== scratch ? out : out.slice(0, op);
}

/** Output buffer reused by small one-shot decodes. */
let scratch = new Uint8Array(65536);
/** A DataView over all of `scratch`. */
let scratchView = new DataView(scratch.buffer);
const SCRATCH_MAX = 1 << 20;

/** The error for output beyond the frame's end: past its declared size, or past the limit. */
export function overflow(contentSize: number, max: number): CompressError {
  if (contentSize >= 0) {
    return new CompressError("corrupt", "LZ4 frame content is larger than its declared size");
  }
  return new CompressError("limit", `LZ4 output exceeds the limit of ${max} bytes`);
}
