/**
 * Streaming encoder for the Snappy framing format.
 *
 * @module
 */

import type { StreamEncoder } from "../types.ts";
import {
  MAX_CHUNK_DATA,
  maxDataChunkSize,
  STREAM_IDENTIFIER_BYTES,
  writeDataChunk,
  writeStreamIdentifier,
} from "./_chunk.ts";
import { encodeBuffer } from "./_scratch.ts";

/**
 * Incremental framed-Snappy encoder. Input is gathered into 64 KiB chunks (the format's
 * maximum); `write` returns the chunks it completed (as one buffer), `flush` also emits the
 * pending partial chunk so everything written so far is decodable, and `end` finishes the
 * stream. The stream identifier is written first, so the output of an empty stream is still a
 * valid framed stream. Output buffers are fresh and belong to the caller.
 *
 * @example
 * ```ts
 * import { decompressFramed, SnappyFrameEncoder } from "./mod.ts";
 * const enc = new SnappyFrameEncoder();
 * const parts = [
 *   ...enc.write(new TextEncoder().encode("first line\n")),
 *   ...enc.flush(),
 *   ...enc.write(new TextEncoder().encode("second line\n")),
 *   ...enc.end(),
 * ];
 * const framed = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
 * let at = 0;
 * for (const p of parts) {
 *   framed.set(p, at);
 *   at += p.length;
 * }
 * console.log(new TextDecoder().decode(decompressFramed(framed))); // "first line\nsecond line\n"
 * ```
 */
export class SnappyFrameEncoder implements StreamEncoder {
  #pending = new Uint8Array(MAX_CHUNK_DATA);
  #pendingLength = 0;
  #started = false;
  #ended = false;

  /**
   * Buffers `chunk` and encodes every full 64 KiB it completes. The chunk is not retained.
   *
   * @param chunk input bytes
   * @returns zero or one buffer of framed output
   */
  write(chunk: Uint8Array): Uint8Array[] {
    this.#checkOpen("write");
    const n = chunk.length;
    const pending = this.#pendingLength;
    if (pending + n < MAX_CHUNK_DATA) {
      // Not enough for a chunk: only buffer it.
      this.#pending.set(chunk, pending);
      this.#pendingLength = pending + n;
      return [];
    }
    const full = Math.floor((pending + n) / MAX_CHUNK_DATA);
    const out = encodeBuffer(
      STREAM_IDENTIFIER_BYTES.length + full * maxDataChunkSize(MAX_CHUNK_DATA),
    );
    let op = this.#start(out);
    let p = 0;
    if (pending > 0) {
      p = MAX_CHUNK_DATA - pending;
      this.#pending.set(chunk.subarray(0, p), pending);
      op = writeDataChunk(this.#pending, 0, MAX_CHUNK_DATA, out, op);
      this.#pendingLength = 0;
    }
    // Full chunks straight from the caller's buffer, no copy into `#pending`.
    while (n - p >= MAX_CHUNK_DATA) {
      op = writeDataChunk(chunk, p, p + MAX_CHUNK_DATA, out, op);
      p += MAX_CHUNK_DATA;
    }
    this.#pending.set(chunk.subarray(p), 0);
    this.#pendingLength = n - p;
    return [out.slice(0, op)];
  }

  /**
   * Emits the pending data as a complete chunk (and the stream identifier, if not sent yet), so
   * the output so far decodes to everything written so far.
   *
   * @returns zero or one buffer of framed output
   */
  flush(): Uint8Array[] {
    this.#checkOpen("flush");
    const pending = this.#pendingLength;
    if (pending === 0 && this.#started) return [];
    const out = encodeBuffer(STREAM_IDENTIFIER_BYTES.length + maxDataChunkSize(pending));
    let op = this.#start(out);
    if (pending > 0) op = writeDataChunk(this.#pending, 0, pending, out, op);
    this.#pendingLength = 0;
    return [out.slice(0, op)];
  }

  /**
   * Flushes and ends the stream (the framing format has no end marker). Further calls throw.
   *
   * @returns zero or one buffer of framed output
   */
  end(): Uint8Array[] {
    const out = this.flush();
    this.#ended = true;
    return out;
  }

  /** Writes the stream identifier on first use; returns the output position after it. */
  #start(out: Uint8Array): number {
    if (this.#started) return 0;
    this.#started = true;
    return writeStreamIdentifier(out, 0);
  }

  #checkOpen(what: string): void {
    if (this.#ended) throw new TypeError(`SnappyFrameEncoder: ${what}() after end()`);
  }
}
