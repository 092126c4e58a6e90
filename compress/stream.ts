/**
 * Web-stream adapters over the incremental codecs: any {@link StreamEncoder} or
 * {@link StreamDecoder} becomes a `TransformStream<Uint8Array, Uint8Array>`.
 *
 * Backpressure: a `TransformStream` calls the codec for the next input chunk only when its
 * reader has asked for more, so a slow reader stops the writer. Memory held at once is one
 * input chunk's output; a decoder's total output is bounded by its `maxOutputSize`, checked as
 * data flows. Codec failures error both sides of the stream with the codec's `CompressError`.
 *
 * @module
 */

import { toBytes } from "./_bytes.ts";
import type { Compressor } from "./compressor.ts";
import type { BytesLike, StreamDecoder, StreamEncoder } from "./types.ts";

/** Input chunks are handed to the codec in pieces of at most this size. */
const SLICE = 64 * 1024;

type EncoderTransformOptions = NonNullable<Parameters<Compressor["transform"]>[0]>;

function release(coder: unknown): void {
  const close = (coder as { close?: () => void }).close;
  if (typeof close === "function") close.call(coder);
}

/** Chunks may be any `BufferSource`, as `CompressionStream` takes them. */
function checkChunk(chunk: unknown): Uint8Array {
  return toBytes(chunk, "stream chunks");
}

function feed(
  coder: { write(c: Uint8Array): Uint8Array[] },
  chunk: Uint8Array,
  controller: TransformStreamDefaultController<Uint8Array>,
): void {
  for (let off = 0; off < chunk.length; off += SLICE) {
    const out = coder.write(
      off === 0 && chunk.length <= SLICE ? chunk : chunk.subarray(off, off + SLICE),
    );
    for (const o of out) if (o.length > 0) controller.enqueue(o);
  }
}

/**
 * Wraps a streaming encoder as a `TransformStream`.
 *
 * @example
 * ```ts
 * import { Lz4FrameEncoder } from "./lz4/frame_encoder.ts";
 * import { encoderTransform } from "./stream.ts";
 * const body = ReadableStream.from([new TextEncoder().encode("hello ".repeat(100))]);
 * const packed = body.pipeThrough(encoderTransform(new Lz4FrameEncoder()));
 * console.log((await new Response(packed).arrayBuffer()).byteLength > 0); // true
 * ```
 */
export function encoderTransform(
  encoder: StreamEncoder,
  opts: EncoderTransformOptions = {},
): TransformStream<BytesLike, Uint8Array> {
  const flushEach = opts.flushEachChunk === true;
  return new TransformStream<BytesLike, Uint8Array>({
    transform(chunk, controller) {
      feed(encoder, checkChunk(chunk), controller);
      if (flushEach) { for (const o of encoder.flush()) if (o.length > 0) controller.enqueue(o); }
    },
    flush(controller) {
      for (const o of encoder.end()) if (o.length > 0) controller.enqueue(o);
    },
    cancel() {
      release(encoder);
    },
  });
}

/**
 * Wraps a streaming decoder as a `TransformStream`; errors (corrupt data, a broken limit,
 * truncated input at the end) surface as `CompressError` on both sides.
 *
 * @example
 * ```ts
 * import { compressSync, Algorithm } from "@avila/compress";
 * import { SnappyFrameDecoder } from "./snappy/frame_decoder.ts";
 * import { decoderTransform } from "./stream.ts";
 * const packed = compressSync(new TextEncoder().encode("hi there"), Algorithm.Snappy);
 * const out = ReadableStream.from([packed]).pipeThrough(decoderTransform(new SnappyFrameDecoder()));
 * console.log(await new Response(out).text()); // "hi there"
 * ```
 */
export function decoderTransform(decoder: StreamDecoder): TransformStream<BytesLike, Uint8Array> {
  return new TransformStream<BytesLike, Uint8Array>({
    transform(chunk, controller) {
      feed(decoder, checkChunk(chunk), controller);
    },
    flush(controller) {
      for (const o of decoder.end()) if (o.length > 0) controller.enqueue(o);
    },
    cancel() {
      release(decoder);
    },
  });
}

/**
 * Pipes `readable` through `transform` into `writable`, resolving when all output is written
 * and rejecting with the first error (a `CompressError` for codec failures).
 *
 * @example
 * ```ts
 * import { Algorithm, Compressor } from "@avila/compress";
 * import { pipeCoded } from "./stream.ts";
 * const chunks: Uint8Array[] = [];
 * const sink = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) });
 * const c = Compressor.new(Algorithm.Gzip).build();
 * await pipeCoded(ReadableStream.from([new Uint8Array(10)]), c.transform(), sink);
 * console.log(chunks.length > 0); // true
 * ```
 */
export async function pipeCoded(
  readable: ReadableStream<Uint8Array>,
  transform: TransformStream<Uint8Array, Uint8Array>,
  writable: WritableStream<Uint8Array>,
): Promise<void> {
  await readable.pipeThrough(transform).pipeTo(writable);
}
