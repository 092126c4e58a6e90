/**
 * Walks the structure of a Zstandard stream (RFC 8878 §3.1) without decoding it, so we can tell
 * a complete stream from a truncated one. The runtime's native decoder reports neither a cut-off
 * frame nor garbage after a valid magic number as an error; this walker does.
 *
 * @module
 */

import { CompressError } from "../errors.ts";

/** Zstandard frame magic, little-endian 0xFD2FB528 (RFC 8878 §3.1.1). */
export const ZSTD_MAGIC = 0xfd2fb528;

const STATE_MAGIC = 0;
const STATE_FRAME_HEADER = 1;
const STATE_BLOCK_HEADER = 2;
const STATE_SKIP = 3;
const STATE_SKIPPABLE_SIZE = 4;

/** Largest Block_Size the format allows (RFC 8878 §3.1.1.2.4: Block_Maximum_Size). */
const MAX_BLOCK_SIZE = 128 * 1024;

/**
 * Largest window the native decoders accept by default (zstd's ZSTD_WINDOWLOG_LIMIT_DEFAULT,
 * 2^27 bytes); a frame that needs more is refused as a `limit` before it reaches them.
 */
export const MAX_WINDOW_SIZE = 2 ** 27;

/**
 * Incremental structural validator for a sequence of zstd frames (and skippable frames).
 * Feed every input byte through `push`; call `finish` at the end of input.
 */
export class ZstdFrameWalker {
  #state = STATE_MAGIC;
  /** Bytes of the header being collected (magic, frame header, block header, skip size). */
  #head = new Uint8Array(18);
  #headLen = 0;
  /** How many header bytes the current state needs in `#head`. */
  #need = 4;
  /** Bytes still to skip (block content, checksum, skippable frame body). */
  #skip = 0;
  /** State to enter after the skip. */
  #afterSkip = STATE_BLOCK_HEADER;
  #checksum = false;
  #single = false;
  #dictSize = 0;
  #frames = 0;

  /** Number of frames (including skippable frames) completed so far. */
  get frames(): number {
    return this.#frames;
  }

  /** Validates `chunk`; throws `CompressError("corrupt")` on a structural error. */
  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.#state === STATE_SKIP) {
        const take = Math.min(this.#skip, n - i);
        this.#skip -= take;
        i += take;
        if (this.#skip === 0) this.#endSkip();
        continue;
      }
      // Collect header bytes.
      const take = Math.min(this.#need - this.#headLen, n - i);
      this.#head.set(chunk.subarray(i, i + take), this.#headLen);
      this.#headLen += take;
      i += take;
      if (this.#headLen === this.#need) this.#onHeader();
    }
  }

  /** Throws `corrupt` unless the input ended exactly at a frame boundary after ≥1 frame. */
  finish(): void {
    if (this.#state !== STATE_MAGIC || this.#headLen !== 0) {
      throw new CompressError("corrupt", "zstd: input ends in the middle of a frame (truncated)");
    }
    if (this.#frames === 0) throw new CompressError("corrupt", "zstd: input holds no frame");
  }

  #endSkip(): void {
    if (this.#afterSkip === STATE_MAGIC) this.#frames++;
    this.#enter(this.#afterSkip);
  }

  #enter(state: number): void {
    this.#state = state;
    this.#headLen = 0;
    if (state === STATE_MAGIC) this.#need = 4;
    else if (state === STATE_BLOCK_HEADER) this.#need = 3;
    else if (state === STATE_SKIPPABLE_SIZE) this.#need = 4;
    else if (state === STATE_FRAME_HEADER) this.#need = 1;
  }

  #skipThen(count: number, next: number): void {
    if (count === 0) {
      if (next === STATE_MAGIC) this.#frames++;
      this.#enter(next);
      return;
    }
    this.#state = STATE_SKIP;
    this.#skip = count;
    this.#afterSkip = next;
  }

  /** Window_Size of the frame header in `#head` (§3.1.1.1.2), or its content size if single. */
  #windowSize(): number {
    const h = this.#head;
    if (!this.#single) {
      const exponent = h[1] >> 3;
      const base = 2 ** (10 + exponent);
      return base + (base / 8) * (h[1] & 7);
    }
    // Frame_Content_Size (§3.1.1.1.4): 1, 2 (plus 256), 4 or 8 bytes, little-endian.
    const at = 1 + this.#dictSize;
    const size = this.#need - at;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + h[at + i];
    return size === 2 ? v + 256 : v;
  }

  #onHeader(): void {
    const h = this.#head;
    switch (this.#state) {
      case STATE_MAGIC: {
        const magic = (h[0] | (h[1] << 8) | (h[2] << 16) | (h[3] << 24)) >>> 0;
        if (magic === ZSTD_MAGIC) {
          this.#enter(STATE_FRAME_HEADER);
        } else if ((magic & 0xfffffff0) === 0x184d2a50) {
          this.#enter(STATE_SKIPPABLE_SIZE);
        } else {
          throw new CompressError("corrupt", "zstd: bad frame magic number");
        }
        return;
      }
      case STATE_SKIPPABLE_SIZE: {
        const size = (h[0] | (h[1] << 8) | (h[2] << 16) | (h[3] << 24)) >>> 0;
        this.#skipThen(size, STATE_MAGIC);
        return;
      }
      case STATE_FRAME_HEADER: {
        if (this.#headLen === 1) {
          // Frame_Header_Descriptor (§3.1.1.1.1): compute the rest of the header's length.
          const fhd = h[0];
          if (fhd & 0x08) throw new CompressError("corrupt", "zstd: reserved header bit is set");
          const fcsFlag = fhd >> 6;
          const single = (fhd >> 5) & 1;
          const dictFlag = fhd & 3;
          this.#checksum = ((fhd >> 2) & 1) === 1;
          const fcsSize = fcsFlag === 0 ? single : 1 << fcsFlag;
          const dictSize = dictFlag === 3 ? 4 : dictFlag;
          this.#single = single === 1;
          this.#dictSize = dictSize;
          const rest = (single ? 0 : 1) + dictSize + fcsSize;
          // A single-segment frame always has a Frame_Content_Size, so rest > 0 here.
          this.#need = 1 + rest;
          return;
        }
        if (this.#windowSize() > MAX_WINDOW_SIZE) {
          throw new CompressError("limit", "zstd: frame needs a window larger than allowed");
        }
        this.#enter(STATE_BLOCK_HEADER);
        return;
      }
      case STATE_BLOCK_HEADER: {
        // Block_Header (§3.1.1.2): Last_Block (1 bit), Block_Type (2), Block_Size (21).
        const v = h[0] | (h[1] << 8) | (h[2] << 16);
        const last = v & 1;
        const type = (v >> 1) & 3;
        const size = v >>> 3;
        if (type === 3) throw new CompressError("corrupt", "zstd: reserved block type");
        if (size > MAX_BLOCK_SIZE) throw new CompressError("corrupt", "zstd: block too large");
        const content = type === 1 ? 1 : size;
        if (last) {
          // The optional Content_Checksum (4 bytes) follows the last block.
          const tail = this.#checksum ? 4 : 0;
          if (content + tail === 0) {
            this.#frames++;
            this.#enter(STATE_MAGIC);
          } else {
            this.#skipThen(content + tail, STATE_MAGIC);
          }
        } else {
          this.#skipThen(content, STATE_BLOCK_HEADER);
        }
        return;
      }
    }
  }
}
