/**
 * Streaming zstd decompression in pure TypeScript. Input may arrive split anywhere (down to
 * single bytes); the decoder buffers at most one unit (a frame header, a block header, or one
 * block of at most 128 KiB) and keeps the frame's window of history (at most twice the declared
 * Window_Size, or the declared content size when smaller) plus one block of output.
 *
 * @module
 */

import { CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";
import type { StreamDecoder } from "../types.ts";
import { corrupt, le32 } from "./_bits.ts";
import { BLOCK_MAX, FrameState } from "./_state.ts";
import { Xxh64 } from "./_xxh64.ts";
import { decodeCompressedBlock } from "./block.ts";
import {
  DEFAULT_MAX_WINDOW_SIZE,
  DictionaryResolver,
  type FrameHeader,
  readFrameHeader,
  ZSTD_FRAME_MAGIC,
  type ZstdDecompressOptions,
} from "./frame.ts";

const MAGIC = 0;
const SKIP_SIZE = 1;
const SKIP = 2;
const HEADER = 3;
const BLOCK_HEADER = 4;
const BLOCK_BODY = 5;
const CHECKSUM = 6;

/**
 * Incremental zstd decoder: concatenated frames and skippable frames, in chunks of any size,
 * with dictionaries. Each block's output is returned as soon as the block is complete.
 * `maxOutputSize` bounds the total output of the whole stream. Use it with
 * `decoderTransform` for a `TransformStream`.
 *
 * @example
 * ```ts
 * import { ZstdFrameDecoder } from "./decoder.ts";
 * const frame = Uint8Array.of(
 *   0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x31, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x0a,
 *   0x53, 0x88, 0xbd, 0x91,
 * );
 * const dec = new ZstdFrameDecoder();
 * const parts: Uint8Array[] = [];
 * for (let i = 0; i < frame.length; i++) parts.push(...dec.write(frame.subarray(i, i + 1)));
 * parts.push(...dec.end());
 * console.log(parts.map((p) => new TextDecoder().decode(p)).join("")); // "hello\n"
 * ```
 */
export class ZstdFrameDecoder implements StreamDecoder {
  #maxOut: number;
  #maxWindow: number;
  #dicts: DictionaryResolver;
  #st = new FrameState();
  #phase = MAGIC;
  /** Bytes of the current unit gathered so far. */
  #unit = new Uint8Array(32);
  #have = 0;
  #need = 4;
  #skip = 0;
  #frames = 0;
  #h: FrameHeader | null = null;
  #blockType = 0;
  #blockLast = false;
  #blockSize = 0;
  #blockMax = BLOCK_MAX;
  /** History the frame needs, and the most the window buffer may grow to. */
  #keep = 0;
  #cap = 0;
  #produced = 0;
  #total = 0;
  #hash = new Xxh64();
  #error: unknown = null;
  #ended = false;

  /**
   * Creates the decoder.
   *
   * @param options `maxOutputSize` (whole stream), `maxWindowSize`, `dictionary`
   * @throws {CompressError} `unsupported` for a `dictionary` option of the wrong type
   */
  constructor(options: ZstdDecompressOptions = {}) {
    this.#maxOut = options.maxOutputSize ?? DEFAULT_MAX_OUTPUT_SIZE;
    this.#maxWindow = options.maxWindowSize ?? DEFAULT_MAX_WINDOW_SIZE;
    this.#dicts = new DictionaryResolver(options.dictionary);
  }

  /**
   * Consumes a chunk; returns the output of every block it completes.
   * @throws {CompressError} `corrupt`, `checksum`, `limit` or `unsupported`; after a throw the
   *   decoder keeps throwing the same error
   */
  write(chunk: Uint8Array): Uint8Array[] {
    if (this.#error !== null) throw this.#error;
    if (this.#ended) throw new CompressError("corrupt", "zstd: write after end");
    const outs: Uint8Array[] = [];
    try {
      this.#consume(chunk, outs);
    } catch (e) {
      this.#error = e;
      throw e;
    }
    return outs;
  }

  /**
   * Ends the input.
   * @throws {CompressError} `corrupt` when the input stopped inside a frame or held no frame
   */
  end(): Uint8Array[] {
    if (this.#error !== null) throw this.#error;
    this.#ended = true;
    if (this.#phase !== MAGIC || this.#have !== 0) {
      this.#error = new CompressError("corrupt", "zstd: input ends inside a frame (truncated)");
      throw this.#error;
    }
    if (this.#frames === 0) {
      this.#error = new CompressError("corrupt", "zstd: input holds no frame");
      throw this.#error;
    }
    return [];
  }

  #consume(chunk: Uint8Array, outs: Uint8Array[]): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.#phase === SKIP) {
        const take = Math.min(this.#skip, n - i);
        this.#skip -= take;
        i += take;
        if (this.#skip === 0) this.#endFrame();
        continue;
      }
      if (this.#have === 0 && n - i >= this.#need) {
        // The whole unit is in this chunk: decode it in place.
        const need = this.#need;
        this.#unitDone(chunk, i, i + need, outs);
        i += need;
        continue;
      }
      if (this.#unit.length < this.#need) {
        const grown = new Uint8Array(Math.max(this.#need, this.#unit.length * 2));
        grown.set(this.#unit.subarray(0, this.#have));
        this.#unit = grown;
      }
      const take = Math.min(this.#need - this.#have, n - i);
      this.#unit.set(chunk.subarray(i, i + take), this.#have);
      this.#have += take;
      i += take;
      if (this.#have === this.#need) {
        const need = this.#need;
        this.#have = 0;
        this.#unitDone(this.#unit, 0, need, outs);
      }
    }
  }

  /** Expects a unit of `need` bytes next in `phase`. */
  #expect(phase: number, need: number): void {
    this.#phase = phase;
    this.#need = need;
  }

  #endFrame(): void {
    this.#frames++;
    this.#expect(MAGIC, 4);
  }

  #unitDone(src: Uint8Array, s: number, e: number, outs: Uint8Array[]): void {
    switch (this.#phase) {
      case MAGIC: {
        const magic = le32(src, s);
        if ((magic & 0xfffffff0) === 0x184d2a50) this.#expect(SKIP_SIZE, 4);
        else if (magic === ZSTD_FRAME_MAGIC) this.#expect(HEADER, 1);
        else corrupt("bad frame magic number");
        return;
      }
      case SKIP_SIZE: {
        this.#skip = le32(src, s);
        if (this.#skip === 0) this.#endFrame();
        else this.#phase = SKIP;
        return;
      }
      case HEADER: {
        const h = readFrameHeader(src, s, e, this.#maxWindow);
        if (h === null) {
          // Only the descriptor so far: now gather the whole header (descriptor included).
          const fhd = src[s];
          const fcsFlag = fhd >> 6;
          const single = (fhd >> 5) & 1;
          const dictFlag = fhd & 3;
          const size = 1 + (single ? 0 : 1) + (dictFlag === 3 ? 4 : dictFlag) +
            (fcsFlag === 0 ? single : 1 << fcsFlag);
          this.#unit[0] = fhd;
          this.#have = 1;
          this.#need = size;
          return;
        }
        this.#startFrame(h);
        return;
      }
      case BLOCK_HEADER: {
        const bh = src[s] | (src[s + 1] << 8) | (src[s + 2] << 16);
        const type = (bh >> 1) & 3;
        const size = bh >>> 3;
        if (type === 3) corrupt("reserved block type");
        if (size > this.#blockMax) corrupt("block larger than the frame's maximum block size");
        this.#blockType = type;
        this.#blockLast = (bh & 1) === 1;
        this.#blockSize = size;
        const body = type === 1 ? 1 : size;
        if (body === 0) this.#block(src, s, s, size, outs);
        else this.#expect(BLOCK_BODY, body);
        return;
      }
      case BLOCK_BODY:
        this.#block(src, s, e, this.#blockSize, outs);
        return;
      case CHECKSUM: {
        if (this.#hash.digestLow32() !== le32(src, s)) {
          throw new CompressError("checksum", "zstd: content checksum mismatch");
        }
        this.#endFrame();
        return;
      }
    }
  }

  #startFrame(h: FrameHeader): void {
    this.#h = h;
    const st = this.#st;
    st.prime(this.#dicts.resolve(h.dictionaryId));
    if (h.contentSize >= 0 && this.#total + h.contentSize > this.#maxOut) {
      throw new CompressError(
        "limit",
        `zstd: decompressed size exceeds the limit of ${this.#maxOut} bytes`,
      );
    }
    this.#blockMax = Math.min(h.windowSize, BLOCK_MAX);
    this.#keep = Math.min(h.windowSize, this.#maxOut);
    this.#cap = 2 * this.#keep + BLOCK_MAX;
    if (h.contentSize >= 0) {
      this.#keep = Math.min(this.#keep, h.contentSize);
      this.#cap = Math.min(this.#cap, h.contentSize);
    }
    st.pos = 0;
    st.base = 0;
    this.#produced = 0;
    this.#hash.reset();
    this.#expect(BLOCK_HEADER, 3);
  }

  /** Makes room for `room` more bytes at `st.pos`, sliding out history beyond the window. */
  #makeRoom(room: number): void {
    const st = this.#st;
    if (st.pos + room <= st.out.length) return;
    const drop = st.pos - this.#keep;
    if (drop > 0 && st.pos + room > this.#cap) {
      st.out.copyWithin(0, drop, st.pos);
      st.pos -= drop;
      st.base -= drop;
    }
    if (st.pos + room > st.out.length) {
      const size = Math.max(st.pos + room, Math.min(this.#cap, st.out.length * 2));
      const grown = new Uint8Array(size);
      grown.set(st.out.subarray(0, st.pos));
      st.out = grown;
    }
  }

  /** Decodes a block whose content is `src[s:e]` (`size`: its regenerated size if known). */
  #block(src: Uint8Array, s: number, e: number, size: number, outs: Uint8Array[]): void {
    const st = this.#st;
    const h = this.#h!;
    const type = this.#blockType;
    const room = type === 2 ? this.#blockMax : size;
    const frameLeft = h.contentSize >= 0 ? h.contentSize - this.#produced : Infinity;
    const outLeft = this.#maxOut - this.#total;
    const want = Math.min(room, frameLeft);
    const allowed = Math.min(want, outLeft);
    this.#makeRoom(Math.max(0, Math.min(room, frameLeft, outLeft)));
    const start = st.pos;
    st.limit = start + allowed;
    st.limitIsOutput = outLeft < want;
    if (type !== 2 && size > allowed) st.overflow();
    if (type === 0) {
      st.out.set(src.subarray(s, e), start);
      st.pos += size;
    } else if (type === 1) {
      st.out.fill(src[s], start, start + size);
      st.pos += size;
    } else {
      decodeCompressedBlock(st, src, s, e);
    }
    const made = st.pos - start;
    this.#produced += made;
    this.#total += made;
    if (made > 0) {
      if (h.checksum) this.#hash.update(st.out, start, st.pos);
      outs.push(st.out.slice(start, st.pos));
    }
    if (!this.#blockLast) {
      this.#expect(BLOCK_HEADER, 3);
      return;
    }
    if (h.contentSize >= 0 && this.#produced !== h.contentSize) {
      corrupt("frame content size does not match its header");
    }
    if (h.checksum) this.#expect(CHECKSUM, 4);
    else this.#endFrame();
  }
}
