/**
 * Streaming LZ4 frame decompression. Input may arrive split anywhere (down to single bytes);
 * the decoder buffers at most one unit (a header, or one block with its size field and
 * checksum, so at most 4 MiB + 8 bytes) and keeps at most 128 KiB of history plus one block of
 * output for linked blocks.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import { XxHash32, xxhash32 } from "../checksum/xxhash32.ts";
import type { StreamDecoder } from "../types.ts";
import { decodeBlockInto } from "./block_decode.ts";
import {
  type FrameHeader,
  headerLength,
  isSkippableMagic,
  LEGACY_MAGIC,
  LZ4_FRAME_MAGIC,
  parseFrameHeader,
  readU32,
} from "./_frame_header.ts";
import { MAX_EXPANSION, outputLimit } from "./frame_decode.ts";
import type { Lz4DecompressOptions } from "./options.ts";
import { checkDictionaryOption, frameDictionary } from "./_dictionary.ts";

const WINDOW = 65536;

const enum Phase {
  /** Expecting a magic number (and then a whole frame header). */
  Magic,
  /** Inside a skippable frame's user data. */
  Skip,
  /** Expecting a block (size field, data, checksum) or the end mark. */
  Block,
  /** Expecting the content checksum. */
  Checksum,
  /** `end()` was called. */
  Ended,
}

/**
 * Incremental LZ4 frame decoder: accepts concatenated frames and skippable frames, in chunks
 * of any size. Each decoded block is returned as soon as it is complete.
 *
 * `maxOutputSize` bounds the total output of the whole stream.
 *
 * @example
 * ```ts
 * import { compressFrame, Lz4FrameDecoder } from "./mod.ts";
 * const frame = compressFrame(new TextEncoder().encode("streamed, byte by byte"));
 * const dec = new Lz4FrameDecoder();
 * const parts: Uint8Array[] = [];
 * for (let i = 0; i < frame.length; i++) parts.push(...dec.write(frame.subarray(i, i + 1)));
 * parts.push(...dec.end());
 * console.log(parts.map((p) => new TextDecoder().decode(p)).join("")); // "streamed, byte by byte"
 * ```
 */
export class Lz4FrameDecoder implements StreamDecoder {
  #max: number;
  #dictionary: Lz4DecompressOptions["dictionary"];
  /** The current frame's dictionary tail, or null. */
  #dict: Uint8Array | null = null;
  #phase = Phase.Magic;
  /** Pending bytes of an incomplete unit. */
  #in = new Uint8Array(0);
  #inLen = 0;
  #skipLeft = 0;
  #sawFrame = false;
  #h: FrameHeader | null = null;
  #hash = new XxHash32();
  /** Output of the current frame so far, and of the whole stream. */
  #frameOut = 0;
  #total = 0;
  /** Decoded output; with linked blocks [0, #winPos) is the frame's recent history. */
  #win = new Uint8Array(0);
  #winPos = 0;

  /**
   * Creates a decoder expecting the start of a frame.
   *
   * @param options `maxOutputSize`: the most bytes the whole stream may decode to
   *   (default 256 MiB); `dictionary`: a dictionary, or a resolver from Dict-ID to dictionary
   */
  constructor(options: Lz4DecompressOptions = {}) {
    this.#max = outputLimit(options);
    checkDictionaryOption(options.dictionary);
    this.#dictionary = options.dictionary;
  }

  /**
   * Consumes a chunk of compressed input; returns the blocks it completed. The chunk is not
   * retained (incomplete units are copied).
   *
   * @throws {CompressError} on malformed input, checksum mismatches or the output limit
   *
   * @example
   * ```ts
   * import { compressFrame, Lz4FrameDecoder } from "./mod.ts";
   * const frame = compressFrame(new Uint8Array(100));
   * const out = new Lz4FrameDecoder().write(frame);
   * console.log(out[0].length); // 100
   * ```
   */
  write(chunk: Uint8Array): Uint8Array[] {
    if (this.#phase === Phase.Ended) {
      throw new TypeError("Lz4FrameDecoder: the stream has already ended");
    }
    const out: Uint8Array[] = [];
    let cp = 0;
    const n = chunk.length;
    // First complete the unit buffered from earlier chunks, taking only what it needs.
    while (this.#inLen > 0) {
      const need = this.#needed(this.#in, 0, this.#inLen);
      if (this.#inLen >= need) {
        const used = this.#consume(this.#in, 0, out);
        this.#in.copyWithin(0, used, this.#inLen);
        this.#inLen -= used;
        continue;
      }
      if (cp === n) return out;
      const take = Math.min(need - this.#inLen, n - cp);
      this.#reserveInput(need);
      this.#in.set(chunk.subarray(cp, cp + take), this.#inLen);
      this.#inLen += take;
      cp += take;
    }
    // Then work on the chunk in place.
    let p = cp;
    while (p < n) {
      if (this.#phase === Phase.Skip) {
        const k = Math.min(this.#skipLeft, n - p);
        p += k;
        this.#skipLeft -= k;
        if (this.#skipLeft === 0) this.#phase = Phase.Magic;
        continue;
      }
      const need = this.#needed(chunk, p, n);
      if (n - p < need) break;
      p = this.#consume(chunk, p, out);
    }
    if (p < n) {
      this.#reserveInput(n - p);
      this.#in.set(chunk.subarray(p), 0);
      this.#inLen = n - p;
    }
    return out;
  }

  /**
   * Ends the input. Throws `corrupt` when the input stopped inside a frame, or held no frame.
   *
   * @example
   * ```ts
   * import { Lz4FrameDecoder } from "./mod.ts";
   * const dec = new Lz4FrameDecoder();
   * dec.write(new Uint8Array([0x04, 0x22, 0x4d]));
   * try { dec.end(); } catch (e) { console.log((e as { code: string }).code); } // "corrupt"
   * ```
   */
  end(): Uint8Array[] {
    const phase = this.#phase;
    this.#phase = Phase.Ended;
    this.#in = this.#win = new Uint8Array(0);
    if (phase === Phase.Ended) return [];
    if (phase !== Phase.Magic || this.#inLen > 0) {
      throw new CompressError("corrupt", "LZ4 stream ended inside a frame");
    }
    if (!this.#sawFrame) throw new CompressError("corrupt", "LZ4 input is empty");
    return [];
  }

  #reserveInput(n: number): void {
    if (n <= this.#in.length) return;
    const next = new Uint8Array(Math.max(n, Math.min(this.#in.length * 2, 4194312)));
    next.set(this.#in.subarray(0, this.#inLen));
    this.#in = next;
  }

  /** Bytes needed at `p` to consume the next unit (it may grow as more is seen). */
  #needed(b: Uint8Array, p: number, end: number): number {
    const avail = end - p;
    switch (this.#phase) {
      case Phase.Magic: {
        if (avail < 4) return 4;
        const magic = readU32(b, p);
        if (isSkippableMagic(magic)) return 8;
        if (magic !== LZ4_FRAME_MAGIC) {
          if (magic === LEGACY_MAGIC) {
            throw new CompressError(
              "unsupported",
              "the legacy LZ4 frame format (lz4 -l) is read one-shot only (decompressFrame)",
            );
          }
          throw new CompressError("corrupt", "not an LZ4 frame (bad magic number)");
        }
        return avail < 5 ? 5 : headerLength(b[p + 4]);
      }
      case Phase.Block: {
        if (avail < 4) return 4;
        const field = readU32(b, p);
        if (field === 0) return 4;
        const size = field & 0x7fffffff;
        if (size > this.#h!.blockMaxSize) {
          throw new CompressError("corrupt", "LZ4 block is larger than the frame's block size");
        }
        return 4 + size + (this.#h!.blockChecksum ? 4 : 0);
      }
      default:
        return 4;
    }
  }

  /** Consumes one complete unit at `p` (its `#needed` bytes are present); returns the end. */
  #consume(b: Uint8Array, p: number, out: Uint8Array[]): number {
    switch (this.#phase) {
      case Phase.Magic: {
        this.#sawFrame = true;
        if (isSkippableMagic(readU32(b, p))) {
          this.#skipLeft = readU32(b, p + 4);
          this.#phase = this.#skipLeft > 0 ? Phase.Skip : Phase.Magic;
          return p + 8;
        }
        const h = parseFrameHeader(b, p, this.#max - this.#total);
        this.#dict = frameDictionary(this.#dictionary, h.dictionaryId);
        this.#h = h;
        this.#hash.reset();
        this.#frameOut = 0;
        this.#winPos = 0;
        this.#phase = Phase.Block;
        return p + h.headerLength;
      }
      case Phase.Block: {
        const field = readU32(b, p);
        if (field === 0) {
          if (this.#h!.contentChecksum) this.#phase = Phase.Checksum;
          else this.#endFrame();
          return p + 4;
        }
        return this.#block(b, p + 4, field, out);
      }
      default: {
        if (this.#hash.digest() !== readU32(b, p)) {
          throw new CompressError("checksum", "LZ4 content checksum mismatch");
        }
        this.#endFrame();
        return p + 4;
      }
    }
  }

  #endFrame(): void {
    const h = this.#h!;
    if (h.contentSize >= 0 && this.#frameOut !== h.contentSize) {
      throw new CompressError("corrupt", "LZ4 frame content size does not match its header");
    }
    this.#h = null;
    this.#phase = Phase.Magic;
  }

  /** Decodes the block whose data starts at `p`; returns the position after it. */
  #block(b: Uint8Array, p: number, field: number, out: Uint8Array[]): number {
    const h = this.#h!;
    const size = field & 0x7fffffff;
    if (h.blockChecksum && xxhash32(b.subarray(p, p + size)) !== readU32(b, p + size)) {
      throw new CompressError("checksum", "LZ4 block checksum mismatch");
    }
    const streamLeft = this.#max - this.#total;
    const frameLeft = h.contentSize >= 0 ? h.contentSize - this.#frameOut : Infinity;
    const linked = !h.blockIndependent;
    if (linked) {
      // Keep the last 64 KiB once the history passes 128 KiB (amortised copy).
      if (this.#winPos > 2 * WINDOW) {
        this.#win.copyWithin(0, this.#winPos - WINDOW, this.#winPos);
        this.#winPos = WINDOW;
      }
    } else {
      this.#winPos = 0;
    }
    const at = this.#winPos;
    let produced: Uint8Array;
    if (field & 0x80000000) {
      if (size > frameLeft) {
        throw new CompressError("corrupt", "LZ4 frame content is larger than its declared size");
      }
      if (size > streamLeft) throw this.#limit();
      if (linked) {
        this.#reserveWindow(at + size);
        this.#win.set(b.subarray(p, p + size), at);
        this.#winPos = at + size;
      }
      produced = b.slice(p, p + size);
    } else {
      const blockCap = Math.min(h.blockMaxSize, size * MAX_EXPANSION);
      const cap = Math.min(blockCap, frameLeft, streamLeft);
      this.#reserveWindow(at + cap);
      // Linked blocks: once the history is trimmed (output > 128 KiB), `at` >= 64 KiB and no
      // offset reaches the dictionary, which then no longer lies right before the window.
      const r = decodeBlockInto(
        b,
        p,
        p + size,
        this.#win,
        at,
        at + cap,
        linked ? 0 : at,
        this.#dict,
      );
      if (r < 0) {
        if (cap === blockCap) {
          throw new CompressError("corrupt", "LZ4 block decodes past the frame's block size");
        }
        if (cap === frameLeft) {
          throw new CompressError("corrupt", "LZ4 frame content is larger than its declared size");
        }
        throw this.#limit();
      }
      produced = this.#win.slice(at, r);
      if (linked) this.#winPos = r;
    }
    if (h.contentChecksum) this.#hash.update(produced);
    this.#frameOut += produced.length;
    this.#total += produced.length;
    if (produced.length > 0) out.push(produced);
    return p + size + (h.blockChecksum ? 4 : 0);
  }

  #limit(): CompressError {
    return new CompressError("limit", `LZ4 output exceeds the limit of ${this.#max} bytes`);
  }

  #reserveWindow(n: number): void {
    if (n <= this.#win.length) return;
    const next = new Uint8Array(Math.max(n, this.#win.length * 2, 65536));
    next.set(this.#win.subarray(0, this.#winPos));
    this.#win = next;
  }
}
