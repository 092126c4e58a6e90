/**
 * Streaming LZ4 frame compression: the frame header first, then one block whenever a block
 * fills up or `flush()` is called, then the end mark and content checksum on `end()`.
 *
 * @module
 */

import type { StreamEncoder } from "../types.ts";
import { XxHash32, xxhash32 } from "../checksum/xxhash32.ts";
import { compressBound } from "./block_encode.ts";
import { encodeBlockInto, MatchState, outputBuffer, sharedMatchState } from "./_encode_state.ts";
import { dictionaryWork, encoderDictionary, primeWithDictionary } from "./_dictionary.ts";
import {
  type FrameSettings,
  frameSettings,
  MAX_HEADER_LENGTH,
  writeFrameHeader,
  writeU32,
} from "./_frame_header.ts";
import { type LevelPlan, type Lz4CompressOptions, planLevel } from "./options.ts";
import { UNCOMPRESSED_BLOCK } from "./frame_encode.ts";

/** History kept in front of the next block when blocks are linked. */
const WINDOW = 65536;

/**
 * Incremental LZ4 frame encoder. Input is buffered up to one block (`blockSize`); `flush()`
 * emits what is buffered as a block at once, so a streamed response is never stalled. The
 * concatenated output of all calls is one LZ4 frame.
 *
 * With `blockLinked`, the encoder keeps the last 64 KiB of input and its own match tables, so
 * every block (even a small flushed one) can refer to earlier data.
 *
 * @example
 * ```ts
 * import { decompressFrame, Lz4FrameEncoder } from "./mod.ts";
 * const enc = new Lz4FrameEncoder({ blockLinked: true });
 * const parts = [
 *   ...enc.write(new TextEncoder().encode("hello hello hello ")),
 *   ...enc.flush(),
 *   ...enc.write(new TextEncoder().encode("hello hello hello!")),
 *   ...enc.end(),
 * ];
 * const frame = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
 * let at = 0;
 * for (const p of parts) { frame.set(p, at); at += p.length; }
 * console.log(new TextDecoder().decode(decompressFrame(frame)));
 * // "hello hello hello hello hello hello!"
 * ```
 */
export class Lz4FrameEncoder implements StreamEncoder {
  #s: FrameSettings;
  #plan: LevelPlan;
  #hash: XxHash32 | null;
  #headerWritten = false;
  #ended = false;
  /** Linked: [0, #start) history, [#start, #end) pending. Independent: [0, #end) pending. */
  #buf: Uint8Array = new Uint8Array(0);
  #start = 0;
  #end = 0;
  /** Linked only: the stream's own match tables and their base. */
  #state: MatchState | null = null;
  #base = 0;
  /** The caller's dictionary and its last 64 KiB (null: none). */
  #dictKey: Uint8Array | undefined;
  #dict: Uint8Array | null;

  /**
   * Creates an encoder; nothing is written until the first call.
   *
   * @param options level, block size and layout, checksums, dictionary (`contentSize` is
   *   ignored: a stream does not know its size in advance)
   * @throws {CompressError} `unsupported` for an invalid block size or level
   */
  constructor(options: Lz4CompressOptions = {}) {
    this.#s = frameSettings({ ...options, contentSize: false });
    this.#plan = planLevel(options.level);
    this.#hash = this.#s.contentChecksum ? new XxHash32() : null;
    const dict = encoderDictionary(options.dictionary);
    this.#dictKey = options.dictionary;
    this.#dict = dict !== null && dict.length > 0 ? dict : null;
    if (this.#s.blockLinked) {
      this.#state = new MatchState();
      if (this.#dict !== null) {
        // The dictionary is the history of the first block.
        const n = this.#dict.length;
        this.#ensure(n);
        this.#buf.set(this.#dict, 0);
        this.#start = this.#end = n;
        this.#base = primeWithDictionary(this.#dictKey!, this.#dict, this.#plan, this.#state, n);
      } else {
        this.#base = this.#state.reserve(0);
      }
    }
  }

  /**
   * Adds input; returns the frame bytes that became ready (the header on the first call, and
   * every block that filled up). The chunk is not retained.
   *
   * @example
   * ```ts
   * import { Lz4FrameEncoder } from "./mod.ts";
   * const enc = new Lz4FrameEncoder();
   * const out = enc.write(new Uint8Array(10));
   * console.log(out.length); // 1: the frame header; the 10 bytes wait for a block
   * ```
   */
  write(chunk: Uint8Array): Uint8Array[] {
    this.#checkOpen();
    const out: Uint8Array[] = [];
    this.#header(out);
    this.#hash?.update(chunk);
    const bs = this.#s.blockSize;
    const n = chunk.length;
    let i = 0;
    if (this.#s.blockLinked) {
      while (i < n) {
        const take = Math.min(bs - (this.#end - this.#start), n - i);
        this.#ensure(this.#end + take);
        this.#buf.set(chunk.subarray(i, i + take), this.#end);
        this.#end += take;
        i += take;
        if (this.#end - this.#start === bs) this.#emitLinked(out);
      }
    } else {
      while (i < n) {
        if (this.#end === 0 && n - i >= bs) {
          // A whole block straight from the caller's chunk, without copying.
          out.push(this.#block(chunk, i, i + bs, i, sharedMatchState, -1));
          i += bs;
          continue;
        }
        const take = Math.min(bs - this.#end, n - i);
        this.#ensure(this.#end + take);
        this.#buf.set(chunk.subarray(i, i + take), this.#end);
        this.#end += take;
        i += take;
        if (this.#end === bs) {
          out.push(this.#block(this.#buf, 0, bs, 0, sharedMatchState, -1));
          this.#end = 0;
        }
      }
    }
    return out;
  }

  /**
   * Emits the buffered input as one block (nothing if none is buffered). The output so far
   * decodes to all input so far.
   *
   * @example
   * ```ts
   * import { Lz4FrameEncoder } from "./mod.ts";
   * const enc = new Lz4FrameEncoder();
   * enc.write(new TextEncoder().encode("partial"));
   * console.log(enc.flush().length); // 1: the block with "partial"
   * ```
   */
  flush(): Uint8Array[] {
    this.#checkOpen();
    const out: Uint8Array[] = [];
    this.#header(out);
    if (this.#s.blockLinked) {
      if (this.#end > this.#start) this.#emitLinked(out);
    } else if (this.#end > 0) {
      out.push(this.#block(this.#buf, 0, this.#end, 0, sharedMatchState, -1));
      this.#end = 0;
    }
    return out;
  }

  /**
   * Flushes, then writes the end mark and the content checksum. The encoder cannot be used
   * afterwards.
   *
   * @example
   * ```ts
   * import { Lz4FrameEncoder } from "./mod.ts";
   * const enc = new Lz4FrameEncoder({ contentChecksum: false });
   * const tail = enc.end();
   * console.log(tail.reduce((n, p) => n + p.length, 0)); // 11: header (7) + end mark (4)
   * ```
   */
  end(): Uint8Array[] {
    const out = this.flush();
    const tail = new Uint8Array(this.#hash ? 8 : 4);
    writeU32(tail, 0, 0);
    if (this.#hash) writeU32(tail, 4, this.#hash.digest());
    out.push(tail);
    this.#ended = true;
    this.#buf = new Uint8Array(0);
    this.#state = null;
    return out;
  }

  #checkOpen(): void {
    if (this.#ended) throw new TypeError("Lz4FrameEncoder: the stream has already ended");
  }

  #header(out: Uint8Array[]): void {
    if (this.#headerWritten) return;
    const h = new Uint8Array(MAX_HEADER_LENGTH);
    out.push(h.subarray(0, writeFrameHeader(h, 0, this.#s, undefined)));
    this.#headerWritten = true;
  }

  /** Grows the buffer to hold `n` bytes, doubling, up to what the layout can ever need. */
  #ensure(n: number): void {
    if (n <= this.#buf.length) return;
    const cap = this.#s.blockSize + (this.#s.blockLinked ? 2 * WINDOW : 0);
    const next = new Uint8Array(Math.min(cap, Math.max(n, this.#buf.length * 2, 16384)));
    next.set(this.#buf.subarray(0, this.#end));
    this.#buf = next;
  }

  /** Linked mode: emits [#start, #end) as a block, then keeps a window of history. */
  #emitLinked(out: Uint8Array[]): void {
    out.push(this.#block(this.#buf, this.#start, this.#end, 0, this.#state!, this.#base));
    this.#start = this.#end;
    // Once the history passes 128 KiB, keep only the last 64 KiB: the copy is amortised over
    // at least 64 KiB of input.
    if (this.#end > 2 * WINDOW) {
      const shift = this.#end - WINDOW;
      this.#buf.copyWithin(0, shift, this.#end);
      this.#start = this.#end = WINDOW;
      this.#base += shift;
      if (this.#base + this.#buf.length + 1 >= 0x7fffffff) {
        // Position space exhausted (after ~2 GiB): start over with fresh tables.
        this.#state = new MatchState();
        this.#base = this.#state.reserve(0);
      }
    }
  }

  /**
   * Encodes `src[start, end)` as one frame block (size field, data, optional checksum).
   * `base` < 0 takes a fresh base from `state` (independent blocks).
   */
  #block(
    src: Uint8Array,
    start: number,
    end: number,
    windowLow: number,
    state: MatchState,
    base: number,
  ): Uint8Array {
    const len = end - start;
    const dst = outputBuffer(4 + compressBound(len) + 4);
    let size: number;
    if (base < 0 && this.#dict !== null) {
      // Independent block after the dictionary.
      const d = this.#dict.length;
      const w = dictionaryWork(this.#dictKey!, this.#dict, src, start, end, this.#plan);
      size = encodeBlockInto(w.buf, d, d + len, 0, dst, 4, this.#plan, w.state, w.base) - 4;
    } else {
      const b = base < 0 ? state.reserve(end) : base;
      size = encodeBlockInto(src, start, end, windowLow, dst, 4, this.#plan, state, b) - 4;
    }
    if (size >= len) {
      size = len;
      dst.set(src.subarray(start, end), 4);
      writeU32(dst, 0, size | UNCOMPRESSED_BLOCK);
    } else {
      writeU32(dst, 0, size);
    }
    let n = 4 + size;
    if (this.#s.blockChecksum) n = writeU32(dst, n, xxhash32(dst.subarray(4, n)));
    return dst.slice(0, n);
  }
}
