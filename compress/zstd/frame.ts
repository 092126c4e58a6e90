/**
 * Zstandard frames (RFC 8878 §3.1): frame header, blocks, content checksum, skippable frames;
 * and the one-shot decoder over a sequence of frames.
 *
 * @module
 */

import { CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";
import { corrupt, le32 } from "./_bits.ts";
import { BLOCK_MAX, FrameState, NO_DICTIONARY, type Prime } from "./_state.ts";
import { Xxh64 } from "./_xxh64.ts";
import { decodeCompressedBlock } from "./block.ts";
import { parseZstdDictionary, type ZstdDictionary } from "./dictionary.ts";

/** Zstandard frame magic, little-endian 0xFD2FB528 (§3.1.1). */
export const ZSTD_FRAME_MAGIC = 0xfd2fb528;

/** Default largest window a frame may ask for: 128 MiB (`zstd --long`, level 22). */
export const DEFAULT_MAX_WINDOW_SIZE = 1 << 27;

/** Options of the pure-TypeScript zstd decoders. */
export interface ZstdDecompressOptions {
  /**
   * Refuse to produce more than this many bytes in total (default `DEFAULT_MAX_OUTPUT_SIZE`,
   * 256 MiB): a `limit` error is thrown before anything larger is allocated.
   */
  maxOutputSize?: number;
  /**
   * Largest Window_Size a frame may declare (default 128 MiB, the reference decoder's default
   * limit); a frame asking for more fails with `limit`. Bounds the streaming decoder's memory.
   */
  maxWindowSize?: number;
  /**
   * The dictionary the frames were compressed with (bytes from `zstd --train`, any other bytes
   * as raw content, or a parsed {@link ZstdDictionary}), or a resolver from a frame's
   * Dictionary_ID to its dictionary. A single dictionary applies to frames without an id and
   * to frames with its id. A frame with an id and no matching dictionary fails with
   * `unsupported`.
   */
  dictionary?:
    | Uint8Array
    | ZstdDictionary
    | ((id: number) => Uint8Array | ZstdDictionary | undefined);
}

/** A parsed frame header (§3.1.1.1). */
export interface FrameHeader {
  /** Bytes of the header after the magic number. */
  size: number;
  windowSize: number;
  dictionaryId: number;
  /** Frame_Content_Size, or -1 when absent. */
  contentSize: number;
  checksum: boolean;
}

/**
 * Parses the frame header at `src[pos:end]` (just after the magic). Returns `null` when more
 * bytes are needed; throws `corrupt` for reserved bits and `limit` for an oversized window.
 */
export function readFrameHeader(
  src: Uint8Array,
  pos: number,
  end: number,
  maxWindowSize: number,
): FrameHeader | null {
  if (pos >= end) return null;
  const fhd = src[pos];
  if (fhd & 0x08) corrupt("reserved bit set in the frame header");
  const fcsFlag = fhd >> 6;
  const single = (fhd >> 5) & 1;
  const dictFlag = fhd & 3;
  const fcsSize = fcsFlag === 0 ? single : 1 << fcsFlag;
  const dictSize = dictFlag === 3 ? 4 : dictFlag;
  const size = 1 + (single ? 0 : 1) + dictSize + fcsSize;
  if (pos + size > end) return null;
  let p = pos + 1;
  let windowSize = 0;
  if (!single) {
    const wd = src[p++];
    const log = 10 + (wd >> 3);
    const wbase = 2 ** log;
    windowSize = wbase + (wbase / 8) * (wd & 7);
  }
  let dictionaryId = 0;
  for (let k = 0; k < dictSize; k++) dictionaryId += src[p + k] * 2 ** (8 * k);
  p += dictSize;
  let contentSize = -1;
  if (fcsSize > 0) {
    contentSize = 0;
    for (let k = 0; k < fcsSize; k++) contentSize += src[p + k] * 2 ** (8 * k);
    if (fcsSize === 2) contentSize += 256;
  }
  if (single) windowSize = contentSize;
  if (windowSize > maxWindowSize) {
    throw new CompressError(
      "limit",
      `zstd: frame needs a ${windowSize}-byte window, over maxWindowSize ${maxWindowSize}`,
    );
  }
  return { size, windowSize, dictionaryId, contentSize, checksum: ((fhd >> 2) & 1) === 1 };
}

/** Resolves the dictionary of a frame with `id` from the `dictionary` option. */
export class DictionaryResolver {
  #option: ZstdDecompressOptions["dictionary"];
  #cache = new Map<number, Prime>();
  #single: Prime | null = null;

  constructor(option: ZstdDecompressOptions["dictionary"]) {
    if (
      option !== undefined && typeof option !== "function" && !(option instanceof Uint8Array) &&
      !(typeof option === "object" && option !== null && "prime" in option)
    ) {
      throw new CompressError(
        "unsupported",
        "zstd: dictionary must be bytes, a parsed dictionary or a resolver",
      );
    }
    this.#option = option;
  }

  #parse(d: Uint8Array | ZstdDictionary): Prime {
    return d instanceof Uint8Array ? parseZstdDictionary(d).prime : d.prime;
  }

  /** The prime for a frame that declares `id` (0: none declared). */
  resolve(id: number): Prime {
    const opt = this.#option;
    if (opt === undefined) {
      if (id === 0) return NO_DICTIONARY;
      return missing(id);
    }
    if (typeof opt === "function") {
      if (id === 0) return NO_DICTIONARY;
      let p = this.#cache.get(id);
      if (p === undefined) {
        const d = opt(id);
        if (d === undefined) return missing(id);
        p = this.#parse(d);
        this.#cache.set(id, p);
      }
      return p;
    }
    this.#single ??= this.#parse(opt);
    if (id !== 0 && this.#single.id !== id) return missing(id);
    return this.#single;
  }
}

function missing(id: number): never {
  throw new CompressError("unsupported", `zstd: frame needs dictionary ${id}, which was not given`);
}

/** Ensures `st.out` holds at least `need` bytes, growing geometrically up to `cap`. */
function ensure(st: FrameState, need: number, cap: number): void {
  if (st.out.length >= need) return;
  const size = Math.max(need, Math.min(cap, st.out.length * 2));
  const grown = new Uint8Array(size);
  grown.set(st.out.subarray(0, st.pos));
  st.out = grown;
}

/**
 * Largest output decoded through the shared scratch below. Frames without a declared content size
 * have only a bound from their block headers (up to twice the real size); allocating that bound
 * afresh per call and then copying the result out costs more than the decoding of a MiB, so
 * outputs up to this size are decoded into one reused buffer and copied out once at exact size.
 */
const SCRATCH_MAX = 4 << 20;
let scratch = new Uint8Array(0);
/** Set while a call decodes into `scratch` (a dictionary resolver may call back in). */
let scratchBusy = false;

/**
 * Upper bound of the bytes the blocks at `src[pos:end]` decode to, read from their headers
 * alone (§3.1.1.2): raw and RLE blocks give their size, a compressed block at most `blockMax`.
 * Stops at the last block or where the input ends (decoding then reports the damage).
 */
function blocksBound(src: Uint8Array, pos: number, end: number, blockMax: number): number {
  let bound = 0;
  while (pos + 3 <= end) {
    const bh = src[pos] | (src[pos + 1] << 8) | (src[pos + 2] << 16);
    const size = bh >>> 3;
    const type = (bh >> 1) & 3;
    bound += type === 2 || size > blockMax ? blockMax : size;
    pos += 3 + (type === 1 ? 1 : size);
    if (bh & 1) break;
  }
  return bound;
}

/**
 * Decodes a complete zstd stream (one or more frames, skippable frames skipped) in pure
 * TypeScript: every frame the reference `zstd` tool writes, with dictionaries.
 *
 * @param input concatenated frames
 * @param options `maxOutputSize`, `maxWindowSize`, `dictionary`
 * @returns the decoded bytes (an exact-size array)
 * @throws {CompressError} `corrupt` (malformed or truncated), `checksum`, `limit`, or
 *   `unsupported` (a frame's dictionary was not given)
 *
 * @example
 * ```ts
 * import { decompressZstd } from "./frame.ts";
 * // `zstd` of "hello\n": a single raw block
 * const frame = Uint8Array.of(
 *   0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x31, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x0a,
 *   0x53, 0x88, 0xbd, 0x91,
 * );
 * console.log(new TextDecoder().decode(decompressZstd(frame))); // "hello\n"
 * ```
 */
export function decompressZstd(input: Uint8Array, options: ZstdDecompressOptions = {}): Uint8Array {
  const maxOut = options.maxOutputSize ?? DEFAULT_MAX_OUTPUT_SIZE;
  const maxWindow = options.maxWindowSize ?? DEFAULT_MAX_WINDOW_SIZE;
  const dicts = new DictionaryResolver(options.dictionary);
  const st = new FrameState();
  let usesScratch = false;
  try {
    decodeFrames(input, st, maxOut, maxWindow, dicts, () => {
      // Claimed once, for the rest of this call.
      if (scratchBusy) return false;
      scratchBusy = usesScratch = true;
      return true;
    });
  } finally {
    if (usesScratch) scratchBusy = false;
  }
  if (st.out === scratch) return scratch.slice(0, st.pos);
  return st.out.length === st.pos ? st.out : st.out.slice(0, st.pos);
}

/** Decodes every frame of `input` into `st.out`; `claimScratch` says if `scratch` may be used. */
function decodeFrames(
  input: Uint8Array,
  st: FrameState,
  maxOut: number,
  maxWindow: number,
  dicts: DictionaryResolver,
  claimScratch: () => boolean,
): void {
  const n = input.length;
  let i = 0;
  let frames = 0;
  while (i < n) {
    if (i + 4 > n) corrupt("truncated frame magic");
    const magic = le32(input, i);
    i += 4;
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      // Skippable frame (§3.1.2).
      if (i + 4 > n) corrupt("truncated skippable frame");
      const size = le32(input, i);
      i += 4;
      if (size > n - i) corrupt("truncated skippable frame");
      i += size;
      frames++;
      continue;
    }
    if (magic !== ZSTD_FRAME_MAGIC) corrupt("bad frame magic number");
    const h = readFrameHeader(input, i, n, maxWindow);
    if (h === null) corrupt("truncated frame header");
    i += h.size;
    st.prime(dicts.resolve(h.dictionaryId));
    st.base = st.pos;
    if (h.contentSize >= 0) {
      if (st.pos + h.contentSize > maxOut) {
        throw new CompressError(
          "limit",
          `zstd: decompressed size exceeds the limit of ${maxOut} bytes`,
        );
      }
      // Preallocate the declared size, but never more than the remaining input can expand to.
      const bound = Math.ceil((n - i) / 3) * BLOCK_MAX;
      ensure(st, st.pos + Math.min(h.contentSize, bound), st.pos + h.contentSize);
    } else {
      // No declared size (streaming encoders, `node:zlib`): size the output once from the block
      // headers instead of doubling (and copying) it block by block.
      const bound = blocksBound(input, i, n, Math.min(h.windowSize, BLOCK_MAX));
      const need = Math.min(st.pos + bound, maxOut);
      if (need <= SCRATCH_MAX && (st.out === scratch || claimScratch())) {
        if (scratch.length < need) {
          const grown = new Uint8Array(Math.min(Math.max(need, 2 * scratch.length), SCRATCH_MAX));
          grown.set(st.out.subarray(0, st.pos));
          scratch = grown;
        } else if (st.out !== scratch) {
          scratch.set(st.out.subarray(0, st.pos));
        }
        st.out = scratch;
      } else {
        ensure(st, need, maxOut);
      }
    }
    const frameEnd = h.contentSize >= 0 ? st.base + h.contentSize : Infinity;
    const cap = Math.min(frameEnd, maxOut);
    const blockMax = Math.min(h.windowSize, BLOCK_MAX);
    for (;;) {
      if (i + 3 > n) corrupt("truncated block header");
      const bh = input[i] | (input[i + 1] << 8) | (input[i + 2] << 16);
      i += 3;
      const last = bh & 1;
      const type = (bh >> 1) & 3;
      const size = bh >>> 3;
      if (type === 3) corrupt("reserved block type");
      if (size > blockMax) corrupt("block larger than the frame's maximum block size");
      // This block's output stays within the block maximum, the declared content size and
      // maxOutputSize; only the last is the caller's limit rather than corrupt data.
      const want = Math.min(st.pos + (type === 2 ? blockMax : size), frameEnd);
      st.limit = Math.min(want, maxOut);
      st.limitIsOutput = maxOut < want;
      if (type !== 2 && st.pos + size > st.limit) st.overflow();
      ensure(st, st.limit, cap);
      if (type === 0) {
        if (i + size > n) corrupt("truncated raw block");
        st.out.set(input.subarray(i, i + size), st.pos);
        st.pos += size;
        i += size;
      } else if (type === 1) {
        if (i >= n) corrupt("truncated RLE block");
        st.out.fill(input[i], st.pos, st.pos + size);
        st.pos += size;
        i += 1;
      } else {
        if (i + size > n) corrupt("truncated compressed block");
        decodeCompressedBlock(st, input, i, i + size);
        i += size;
      }
      if (last) break;
    }
    if (h.contentSize >= 0 && st.pos - st.base !== h.contentSize) {
      corrupt("frame content size does not match its header");
    }
    if (h.checksum) {
      if (i + 4 > n) corrupt("truncated content checksum");
      const x = new Xxh64();
      x.update(st.out, st.base, st.pos);
      if (x.digestLow32() !== le32(input, i)) {
        throw new CompressError("checksum", "zstd: content checksum mismatch");
      }
      i += 4;
    }
    frames++;
  }
  if (frames === 0) corrupt("input holds no frame");
}
