/**
 * The LZ4 frame header and footer fields (lz4_Frame_format.md, "Frame Descriptor",
 * "Skippable Frames"): writing a descriptor, parsing and validating one.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import { xxhash32 } from "../checksum/xxhash32.ts";
import type { Lz4BlockSize, Lz4CompressOptions } from "./options.ts";

/** Magic number that starts every LZ4 frame (little endian on the wire). */
export const LZ4_FRAME_MAGIC = 0x184d2204;
/** Skippable frames use magic numbers 0x184D2A50 .. 0x184D2A5F. */
export const SKIPPABLE_MAGIC_BASE = 0x184d2a50;
/** The legacy frame format (`lz4 -l`): read by the one-shot decoder only. */
export const LEGACY_MAGIC = 0x184c2102;
/** A legacy frame's blocks decode to at most 8 MiB each (lz4_Frame_format.md, "Legacy frame"). */
export const LEGACY_BLOCK_SIZE = 8 << 20;
/** LZ4_compressBound(8 MiB): no valid legacy block is larger. */
export const LEGACY_MAX_COMPRESSED = LEGACY_BLOCK_SIZE + LEGACY_BLOCK_SIZE / 255 + 16;

/** Bytes of magic plus the smallest descriptor (FLG, BD, HC). */
export const MIN_HEADER_LENGTH = 7;
/** Bytes of magic plus the largest descriptor. */
export const MAX_HEADER_LENGTH = 19;

const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION = 0x40;
const FLG_BLOCK_INDEPENDENT = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICT_ID = 0x01;

/** Block maximum size for BD codes 4..7. */
const BLOCK_SIZES = [65536, 262144, 1048576, 4194304];

/** Reads an unsigned 32-bit little-endian value. */
export function readU32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** Writes an unsigned 32-bit little-endian value; returns the next position. */
export function writeU32(b: Uint8Array, i: number, v: number): number {
  b[i] = v;
  b[i + 1] = v >>> 8;
  b[i + 2] = v >>> 16;
  b[i + 3] = v >>> 24;
  return i + 4;
}

/** True for the 16 skippable-frame magic numbers. */
export function isSkippableMagic(magic: number): boolean {
  return (magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC_BASE;
}

/** Encoder settings after defaults and validation. */
export interface FrameSettings {
  blockSize: Lz4BlockSize;
  blockLinked: boolean;
  blockChecksum: boolean;
  contentChecksum: boolean;
  contentSize: boolean;
  /** Dict-ID written in the descriptor; 0 writes none. */
  dictionaryId: number;
}

/**
 * Applies the defaults of {@link Lz4CompressOptions}.
 * @throws {CompressError} `unsupported` for a block size the format does not have
 */
export function frameSettings(options: Lz4CompressOptions): FrameSettings {
  const blockSize = options.blockSize ?? 4194304;
  if (!BLOCK_SIZES.includes(blockSize)) {
    throw new CompressError(
      "unsupported",
      "LZ4 block size must be 65536, 262144, 1048576 or 4194304",
    );
  }
  const dictionaryId = options.dictionaryId ?? 0;
  if (!Number.isInteger(dictionaryId) || dictionaryId < 0 || dictionaryId > 0xffffffff) {
    throw new CompressError("unsupported", "LZ4 dictionaryId must be an unsigned 32-bit integer");
  }
  if (dictionaryId !== 0 && options.dictionary === undefined) {
    throw new CompressError("unsupported", "LZ4 dictionaryId needs a dictionary");
  }
  return {
    dictionaryId,
    blockSize,
    blockLinked: options.blockLinked ?? false,
    blockChecksum: options.blockChecksum ?? false,
    contentChecksum: options.contentChecksum ?? true,
    contentSize: options.contentSize ?? false,
  };
}

/**
 * Header checksums of the 2-byte descriptors, -1 until first computed. Indexed by FLG bits
 * 2..5 (the only ones that vary here) and the block size code.
 */
const headerChecksums = new Int16Array(64).fill(-1);

/**
 * Writes magic and frame descriptor at `op`; returns the next position. `contentSize` is
 * written when not undefined.
 */
export function writeFrameHeader(
  dst: Uint8Array,
  op: number,
  s: FrameSettings,
  contentSize: number | undefined,
): number {
  op = writeU32(dst, op, LZ4_FRAME_MAGIC);
  const descStart = op;
  let flg = FLG_VERSION;
  if (!s.blockLinked) flg |= FLG_BLOCK_INDEPENDENT;
  if (s.blockChecksum) flg |= FLG_BLOCK_CHECKSUM;
  if (contentSize !== undefined) flg |= FLG_CONTENT_SIZE;
  if (s.contentChecksum) flg |= FLG_CONTENT_CHECKSUM;
  if (s.dictionaryId !== 0) flg |= FLG_DICT_ID;
  dst[op++] = flg;
  const sizeCode = BLOCK_SIZES.indexOf(s.blockSize);
  dst[op++] = (4 + sizeCode) << 4;
  if (contentSize !== undefined) {
    op = writeU32(dst, op, contentSize >>> 0);
    op = writeU32(dst, op, Math.floor(contentSize / 4294967296));
  }
  if (s.dictionaryId !== 0) op = writeU32(dst, op, s.dictionaryId);
  let hc: number;
  if (contentSize === undefined && s.dictionaryId === 0) {
    // Without a content size the descriptor is FLG and BD only: few distinct values, so their
    // checksums are remembered (a small one-shot frame then costs no hashing of its header).
    const key = (((flg >>> 2) & 15) << 2) | sizeCode;
    hc = headerChecksums[key];
    if (hc < 0) hc = headerChecksums[key] = (xxhash32(dst.subarray(descStart, op)) >>> 8) & 0xff;
  } else {
    hc = (xxhash32(dst.subarray(descStart, op)) >>> 8) & 0xff;
  }
  dst[op] = hc;
  return op + 1;
}

/** A parsed frame descriptor. */
export interface FrameHeader {
  blockIndependent: boolean;
  blockChecksum: boolean;
  contentChecksum: boolean;
  /** Declared content size, or -1 when absent. */
  contentSize: number;
  /** The Dict-ID, or -1 when the frame carries none. */
  dictionaryId: number;
  /** Largest decoded size of one block. */
  blockMaxSize: number;
  /** Length of magic + descriptor. */
  headerLength: number;
}

/** Length of magic + descriptor given the FLG byte. */
export function headerLength(flg: number): number {
  return MIN_HEADER_LENGTH + (flg & FLG_CONTENT_SIZE ? 8 : 0) + (flg & FLG_DICT_ID ? 4 : 0);
}

/**
 * Parses and validates the descriptor of a frame whose magic starts at `pos`; the caller
 * guarantees `headerLength(src[pos + 4])` bytes are available.
 * @throws {CompressError} `corrupt` for bad fields, `checksum` for a bad header checksum,
 *   `limit` for a content size above `maxOutputSize`
 */
export function parseFrameHeader(src: Uint8Array, pos: number, maxOutputSize: number): FrameHeader {
  const flg = src[pos + 4];
  const bd = src[pos + 5];
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION) {
    throw new CompressError("unsupported", "LZ4 frame version is not 01");
  }
  if (flg & FLG_RESERVED || bd & 0x8f) {
    throw new CompressError("corrupt", "LZ4 frame descriptor has reserved bits set");
  }
  const bdCode = bd >>> 4;
  if (bdCode < 4) throw new CompressError("corrupt", "LZ4 frame has an invalid block maximum size");
  const length = headerLength(flg);
  const hc = (xxhash32(src.subarray(pos + 4, pos + length - 1)) >>> 8) & 0xff;
  if (hc !== src[pos + length - 1]) {
    throw new CompressError("checksum", "LZ4 frame header checksum mismatch");
  }
  let contentSize = -1;
  if (flg & FLG_CONTENT_SIZE) {
    const lo = readU32(src, pos + 6);
    const hi = readU32(src, pos + 10);
    // Values beyond 2^53 are certainly beyond any output limit.
    contentSize = hi >= 0x200000 ? Infinity : hi * 4294967296 + lo;
    if (contentSize > maxOutputSize) {
      throw new CompressError(
        "limit",
        `LZ4 frame declares ${contentSize} bytes of content, above the limit of ${maxOutputSize}`,
      );
    }
  }
  return {
    dictionaryId: flg & FLG_DICT_ID ? readU32(src, pos + length - 5) : -1,
    blockIndependent: (flg & FLG_BLOCK_INDEPENDENT) !== 0,
    blockChecksum: (flg & FLG_BLOCK_CHECKSUM) !== 0,
    contentChecksum: (flg & FLG_CONTENT_CHECKSUM) !== 0,
    contentSize,
    blockMaxSize: BLOCK_SIZES[bdCode - 4],
    headerLength: length,
  };
}
