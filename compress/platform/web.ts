/**
 * gzip, deflate and raw deflate through the web platform's `CompressionStream` /
 * `DecompressionStream`, for runtimes without a usable `node:zlib` (browsers, workers without
 * `nodejs_compat`). Asynchronous only; levels are not adjustable (the platform picks its own).
 *
 * Output limits: a `DecompressionStream` may hand back a whole input chunk's output at once,
 * so input is fed in {@link WEB_INPUT_SLICE}-byte slices. Deflate expands at most about
 * 1032:1 (RFC 1951's longest match per ≥ 1 bit pair), so each step yields at most ~1 MiB and
 * a running count stops a bomb near the limit.
 *
 * Truncation: gzip's CRC/length trailer and (checked here) zlib's Adler-32 catch a cut-off
 * stream; raw deflate has no trailer, and runtimes whose `DecompressionStream` does not report
 * an unfinished stream (Deno 2.9) return the decodable prefix for it.
 *
 * @module
 */

import { concatChunks } from "../concat.ts";
import { CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";

/** Formats the web platform implements everywhere. */
export type WebFormat = "gzip" | "deflate" | "deflate-raw";

/** Running Adler-32 (RFC 1950 §8.2). */
class Adler32 {
  #a = 1;
  #b = 0;
  update(data: Uint8Array): void {
    let a = this.#a;
    let b = this.#b;
    // Reduce every 5552 bytes, as zlib does (NMAX), to keep the sums small.
    for (let i = 0; i < data.length;) {
      const end = Math.min(i + 5552, data.length);
      for (; i < end; i++) {
        a += data[i];
        b += a;
      }
      a %= 65521;
      b %= 65521;
    }
    this.#a = a;
    this.#b = b;
  }
  digest(): number {
    return ((this.#b << 16) | this.#a) >>> 0;
  }
}

/** Input slice fed to a `DecompressionStream` per step (bytes). */
export const WEB_INPUT_SLICE = 1024;

/**
 * Whether this runtime has `CompressionStream` and `DecompressionStream` for `format`.
 *
 * @example
 * ```ts
 * import { webCodecAvailable } from "./web.ts";
 * console.log(webCodecAvailable("gzip")); // true in Deno and browsers
 * ```
 */
export function webCodecAvailable(format: WebFormat): boolean {
  try {
    new CompressionStream(format);
    new DecompressionStream(format);
    return true;
  } catch {
    return false;
  }
}

// DecompressionStream reports every failure as a TypeError with free-form text (Compression
// Streams spec): no stable way to tell a checksum from other damage, so all of it is `corrupt`.
function mapWebError(format: WebFormat, e: unknown): CompressError {
  if (e instanceof CompressError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new CompressError("corrupt", `${format}: corrupt or truncated input (${msg})`);
}

/**
 * Compresses with `CompressionStream`.
 *
 * @example
 * ```ts
 * import { webCompress, webDecompress } from "./web.ts";
 * const packed = await webCompress(new TextEncoder().encode("hello"), "gzip");
 * console.log(new TextDecoder().decode(await webDecompress(packed, "gzip"))); // "hello"
 * ```
 */
export async function webCompress(data: Uint8Array, format: WebFormat): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream(format),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * A decompressing `TransformStream` over `DecompressionStream` that slices its input and
 * enforces `maxOutputSize` as data flows; failures are `CompressError`s.
 *
 * @example
 * ```ts
 * import { webCompress, webDecompressTransform } from "./web.ts";
 * const packed = await webCompress(new Uint8Array(100), "deflate");
 * const out = ReadableStream.from([packed]).pipeThrough(webDecompressTransform("deflate", 1000));
 * console.log((await new Response(out).arrayBuffer()).byteLength); // 100
 * ```
 */
export function webDecompressTransform(
  format: WebFormat,
  maxOutputSize: number = DEFAULT_MAX_OUTPUT_SIZE,
): TransformStream<Uint8Array, Uint8Array> {
  const ds = new DecompressionStream(format);
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  let total = 0;
  let failure: CompressError | null = null;
  // Some runtimes (Deno 2.9) end a cut-off deflate stream without an error. For the zlib
  // wrapper we check the Adler-32 trailer (RFC 1950 §2.2) against the output ourselves.
  const adler = format === "deflate" ? new Adler32() : null;
  const tail = new Uint8Array(4);
  let tailLen = 0;
  let pump: Promise<void> | null = null;
  let ctl: TransformStreamDefaultController<Uint8Array> | null = null;

  // Reads decoded output as it appears, counting it against the limit.
  const startPump = () => {
    pump = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          total += value.length;
          if (total > maxOutputSize) {
            throw new CompressError(
              "limit",
              `${format}: decompressed size exceeds the limit of ${maxOutputSize} bytes`,
            );
          }
          adler?.update(value);
          ctl!.enqueue(value);
        }
      } catch (e) {
        failure = mapWebError(format, e);
        writer.abort(failure).catch(() => {});
        reader.cancel(failure).catch(() => {});
      }
    })();
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      ctl = controller;
      startPump();
    },
    async transform(chunk) {
      if (!(chunk instanceof Uint8Array)) {
        throw new CompressError("unsupported", "stream chunks must be Uint8Array");
      }
      if (adler) {
        // Keep the last 4 input bytes: the Adler-32 trailer once the input ends.
        for (let i = Math.max(0, chunk.length - 4); i < chunk.length; i++) {
          if (tailLen === 4) tail.copyWithin(0, 1);
          tail[Math.min(tailLen, 3)] = chunk[i];
          if (tailLen < 4) tailLen++;
        }
      }
      for (let off = 0; off < chunk.length; off += WEB_INPUT_SLICE) {
        if (failure) throw failure;
        try {
          await writer.write(chunk.slice(off, off + WEB_INPUT_SLICE));
        } catch (e) {
          throw failure ?? mapWebError(format, e);
        }
        // The write settles once the decoder took the slice; its readable side is drained by
        // the pump, so output is counted slice by slice.
      }
      if (failure) throw failure;
    },
    async flush() {
      if (failure) throw failure;
      try {
        await writer.close();
      } catch (e) {
        throw failure ?? mapWebError(format, e);
      }
      await pump;
      if (failure) throw failure;
      if (adler) {
        const want = ((tail[0] << 24) | (tail[1] << 16) | (tail[2] << 8) | tail[3]) >>> 0;
        if (tailLen < 4 || adler.digest() !== want) {
          throw new CompressError(
            "corrupt",
            "deflate: input is truncated or its Adler-32 is wrong",
          );
        }
      }
    },
    cancel(reason) {
      writer.abort(reason).catch(() => {});
      reader.cancel(reason).catch(() => {});
    },
  });
}

/**
 * Decompresses with `DecompressionStream`, never producing (much) more than `maxOutputSize`.
 *
 * @throws {CompressError} `corrupt`, `checksum` or `limit`
 *
 * @example
 * ```ts
 * import { webCompress, webDecompress } from "./web.ts";
 * const packed = await webCompress(new Uint8Array(5000), "deflate-raw");
 * console.log((await webDecompress(packed, "deflate-raw", 10_000)).length); // 5000
 * ```
 */
export async function webDecompress(
  data: Uint8Array,
  format: WebFormat,
  maxOutputSize: number = DEFAULT_MAX_OUTPUT_SIZE,
): Promise<Uint8Array> {
  if (data.length === 0) throw new CompressError("corrupt", `${format}: input is empty`);
  // Not ReadableStream.from: Chromium does not have it.
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(data);
      controller.close();
    },
  });
  const out = input.pipeThrough(webDecompressTransform(format, maxOutputSize));
  const parts: Uint8Array[] = [];
  for await (const p of out) parts.push(p);
  const joined = concatChunks(parts);
  // A single piece comes back as is: copied if it is a view, so that it pins no larger buffer.
  return joined.byteLength === joined.buffer.byteLength ? joined : joined.slice();
}
