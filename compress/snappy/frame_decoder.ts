/**
 * Streaming decoder for the Snappy framing format.
 *
 * @module
 */

import { checkOutputSize, CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";
import type { StreamDecoder } from "../types.ts";
import { CHUNK_STREAM_IDENTIFIER, HEADER_SIZE } from "./_chunk.ts";
import {
  checkChunkHeader,
  checkStreamIdentifier,
  dataChunkSize,
  decodeDataChunk,
} from "./_read_chunk.ts";
import type { SnappyDecompressOptions } from "./raw_decompress.ts";

/**
 * Incremental framed-Snappy decoder: accepts the stream split anywhere (down to single bytes),
 * returns each data chunk as soon as its last byte arrives, and enforces `maxOutputSize` on
 * the running total before decoding a chunk. Chunk bodies are buffered only up to the largest
 * size a valid chunk can have; padding and skippable chunks are skipped without buffering.
 *
 * @example
 * ```ts
 * import { compressFramed, SnappyFrameDecoder } from "./mod.ts";
 * const framed = compressFramed(new TextEncoder().encode("streamed ".repeat(100)));
 * const dec = new SnappyFrameDecoder({ maxOutputSize: 1 << 20 });
 * let size = 0;
 * for (let i = 0; i < framed.length; i += 7) {
 *   for (const part of dec.write(framed.subarray(i, i + 7))) size += part.length;
 * }
 * dec.end();
 * console.log(size); // 900
 * ```
 */
export class SnappyFrameDecoder implements StreamDecoder {
  readonly #max: number;
  #total = 0;
  #seenIdentifier = false;
  #ended = false;
  /** Partial chunk header. */
  readonly #header = new Uint8Array(HEADER_SIZE);
  #headerLength = 0;
  /** Type of the chunk whose body is being read, or -1 between chunks. */
  #type = -1;
  /** Body bytes still to come for the current chunk. */
  #remaining = 0;
  #skipping = false;
  /** Buffered body of the current chunk; grows to at most the largest valid body. */
  #body = new Uint8Array(0);
  #bodyLength = 0;

  /**
   * Creates the decoder.
   *
   * @param options `maxOutputSize` caps the total decoded size of the stream (256 MiB).
   */
  constructor(options?: SnappyDecompressOptions) {
    this.#max = options?.maxOutputSize ?? DEFAULT_MAX_OUTPUT_SIZE;
  }

  /**
   * Consumes any slice of the framed stream.
   *
   * @param chunk the next bytes of the stream (not retained)
   * @returns the data of every chunk completed by these bytes, as fresh buffers
   * @throws {CompressError} `corrupt`, `checksum`, `unsupported` or `limit`
   */
  write(chunk: Uint8Array): Uint8Array[] {
    if (this.#ended) throw new TypeError("SnappyFrameDecoder: write() after end()");
    const out: Uint8Array[] = [];
    const n = chunk.length;
    let p = 0;
    while (p < n) {
      if (this.#type < 0) {
        // Reading a chunk header, straight from the input when it is all there.
        let type: number;
        let length: number;
        if (this.#headerLength === 0 && n - p >= HEADER_SIZE) {
          type = chunk[p];
          length = chunk[p + 1] | (chunk[p + 2] << 8) | (chunk[p + 3] << 16);
          p += HEADER_SIZE;
        } else {
          const h = this.#header;
          while (this.#headerLength < HEADER_SIZE && p < n) h[this.#headerLength++] = chunk[p++];
          if (this.#headerLength < HEADER_SIZE) break;
          this.#headerLength = 0;
          type = h[0];
          length = h[1] | (h[2] << 8) | (h[3] << 16);
        }
        this.#skipping = checkChunkHeader(type, length, this.#seenIdentifier);
        this.#type = type;
        this.#remaining = length;
        this.#bodyLength = 0;
        if (length === 0) this.#type = -1; // only padding/skippable chunks can be empty
        continue;
      }
      if (this.#skipping) {
        const k = Math.min(this.#remaining, n - p);
        p += k;
        this.#remaining -= k;
        if (this.#remaining === 0) this.#type = -1;
        continue;
      }
      if (this.#bodyLength === 0 && n - p >= this.#remaining) {
        // The whole body is in this input: decode it in place.
        const end = p + this.#remaining;
        this.#chunk(chunk, p, end, out);
        p = end;
        continue;
      }
      const k = Math.min(this.#remaining, n - p);
      if (this.#bodyLength === 0 && this.#body.length < this.#remaining) {
        // Bounded by checkChunkHeader: at most ~384 KiB for a compressed chunk.
        this.#body = new Uint8Array(
          Math.max(this.#remaining, Math.min(2 * this.#body.length, 65540)),
        );
      }
      this.#body.set(chunk.subarray(p, p + k), this.#bodyLength);
      this.#bodyLength += k;
      this.#remaining -= k;
      p += k;
      if (this.#remaining === 0) this.#chunk(this.#body, 0, this.#bodyLength, out);
    }
    return out;
  }

  /**
   * Ends the stream.
   *
   * @returns nothing more (every chunk was returned by `write`), as an empty array
   * @throws {CompressError} `corrupt` when the stream stopped inside a chunk
   */
  end(): Uint8Array[] {
    if (this.#ended) return [];
    this.#ended = true;
    if (this.#type >= 0 || this.#headerLength > 0) {
      throw new CompressError("corrupt", "snappy framing: stream ends inside a chunk");
    }
    // A stream of no bytes at all is the empty stream (python-snappy, cramjam and Go write
    // nothing for empty input); any other byte before the identifier failed in write().
    return [];
  }

  /** Handles one complete, validated chunk body `src[start..end)`. */
  #chunk(src: Uint8Array, start: number, end: number, out: Uint8Array[]): void {
    const type = this.#type;
    this.#type = -1;
    this.#remaining = 0;
    this.#bodyLength = 0;
    if (type === CHUNK_STREAM_IDENTIFIER) {
      checkStreamIdentifier(src, start);
      this.#seenIdentifier = true;
      return;
    }
    const size = dataChunkSize(type, src, start, end);
    checkOutputSize(this.#total + size, this.#max);
    const data = new Uint8Array(size);
    decodeDataChunk(type, src, start, end, data, 0, size);
    this.#total += size;
    if (size > 0) out.push(data);
  }
}
