/**
 * One API over every codec: `compress` / `decompress` (and their `Sync` forms) and
 * `supportedAlgorithms`.
 *
 * Levels map onto each codec's native scale as follows (a plain number is passed through as the
 * codec's native level after a range check):
 *
 * | Algorithm                     | `Level.Fast`   | `Level.Balanced` (default) | `Level.Max` | numeric   |
 * | ----------------------------- | -------------- | -------------------------- | ----------- | --------- |
 * | `lz4`, `lz4-block`            | -3 (`--fast=3`) | 1                         | 9 (HC)      | -65537..12 |
 * | `snappy`, `snappy-raw`        | no levels      | no levels                  | no levels   | ignored   |
 * | `zstd`                        | 1              | 3                          | 19          | -131072..22 |
 * | `br`                          | 1              | 5                          | 11          | 0..11     |
 * | `gzip`, `deflate`, `deflate-raw` | 1           | 6                          | 9           | 0..9      |
 *
 * @module
 */

import { codecFor, decodeSettings, PLATFORM_SLICE, STREAMING } from "./_codecs.ts";
import { assertAlgorithm, nativeLevel } from "./_levels.ts";
import { CompressError } from "./errors.ts";
import { Algorithm, type BytesLike, type Level } from "./types.ts";
import { toBytes } from "./_bytes.ts";
import { concatChunks } from "./concat.ts";
import { detect } from "./_formats.ts";
import type { ElementType } from "./columnar/_format.ts";
import { compressColumnar } from "./columnar/encode.ts";
import { compressAuto, type SpeedBudget } from "./auto/mod.ts";
import { compressAutoAsync } from "./auto/compress_auto.ts";
import type { Dictionary } from "./dictionary/dictionary.ts";
import type { DictionarySet } from "./dictionary/dictionary_set.ts";
import { compressWithDictionary, decompressWithDictionary } from "./dictionary/_codec.ts";

/** Options of {@link compress} and {@link compressSync}. */
export interface CompressOptions {
  /** A portable {@link Level} or a codec-native number (see the module's table). */
  level?: Level;
  /**
   * `columnar` (required for numbers; default "u8") and `auto` (optional hint): the type of the
   * little-endian elements in the input.
   */
  elementType?: ElementType;
  /** `auto` only: MB/s floor or "fast" | "balanced" | "max" (default: from `level`). */
  speedBudget?: SpeedBudget;
  /**
   * `lz4` and `lz4-block` only: a prefix dictionary (see `Dictionary.train`); an `lz4` frame
   * carries its id. Other algorithms refuse it with `unsupported` (zstd: the runtime's
   * `node:zlib` ignores zstd dictionaries).
   */
  dictionary?: Dictionary;
}

/** Columnar and Auto take options beyond the level. */
function compressWithOptions(
  data: Uint8Array,
  algorithm: Algorithm,
  opts: CompressOptions | undefined,
): Uint8Array {
  if (algorithm === Algorithm.Columnar) {
    return compressColumnar(data, { elementType: opts?.elementType ?? "u8", level: opts?.level });
  }
  return compressAuto(data, {
    elementType: opts?.elementType,
    speedBudget: opts?.speedBudget,
    level: opts?.level,
  }).data;
}

/** Options of {@link decompress} and {@link decompressSync}. */
export interface DecompressOptions {
  /**
   * Ceiling on the decompressed size in bytes (default 256 MiB). Enforced
   * while decoding, for every algorithm: exceeding it throws `CompressError("limit")` without
   * allocating the rest.
   */
  maxOutputSize?: number;
  /** `lz4-block` only (it stores no length): the original size, or an upper bound of it. */
  decompressedSize?: number;
  /**
   * `lz4` and `lz4-block`: the dictionary the data was compressed with, or (`lz4`) a
   * `DictionarySet` that resolves the frame's dictionary id. An unknown id is `unsupported`.
   */
  dictionary?: Dictionary | DictionarySet;
}

/**
 * Async compression feeds inputs above this size to the streaming encoder in slices of it (the
 * size the sync path's native slicing uses, so both give the same bytes).
 */
const ASYNC_SLICE = PLATFORM_SLICE;
/**
 * Async decompression feeds inputs above this size in slices of it: compressed input can
 * expand 255-fold, so decoding is sliced finer than encoding.
 */
const ASYNC_DECODE_SLICE = 64 * 1024;
/** The async paths give the event loop a turn after about this much work (ms). */
const YIELD_AFTER_MS = 4;

function requireAvailable(algorithm: Algorithm): void {
  if (!codecFor(algorithm).available()) {
    throw new CompressError("unsupported", `${algorithm} is not available in this runtime`);
  }
}

/**
 * Compresses `data` synchronously. Works for the pure-TypeScript codecs (LZ4, Snappy) and for
 * the `node:zlib` ones (zstd, brotli, gzip, deflate, deflate-raw) where the runtime has them.
 *
 * @throws {CompressError} `unsupported` for an unknown algorithm, an out-of-range level, or an
 *   algorithm this runtime cannot run synchronously
 *
 * @example
 * ```ts
 * import { Algorithm, compressSync, decompressSync, Level } from "@avila/compress";
 * const text = new TextEncoder().encode("to be or not to be, to be or not to be");
 * const packed = compressSync(text, Algorithm.Zstd, { level: Level.Max });
 * console.log(decompressSync(packed, Algorithm.Zstd).length === text.length); // true
 * ```
 */
export function compressSync(
  input: BytesLike,
  algorithm: Algorithm,
  opts?: CompressOptions,
): Uint8Array {
  assertAlgorithm(algorithm);
  const data = toBytes(input);
  const level = nativeLevel(algorithm, opts?.level);
  if (opts?.dictionary !== undefined) {
    return compressWithDictionary(data, algorithm, level, opts.dictionary);
  }
  if (algorithm === Algorithm.Columnar || algorithm === Algorithm.Auto) {
    return compressWithOptions(data, algorithm, opts);
  }
  const codec = codecFor(algorithm);
  if (!codec.sync()) {
    throw new CompressError("unsupported", `${algorithm} cannot run synchronously here`);
  }
  return codec.compress(data, level);
}

/**
 * `Algorithm.Auto` after decoding `data` as its detected format failed with `e`: a weak guess
 * (zlib's 2-byte header, which plain data can match) gives the bytes back as they are, unless
 * the output limit stopped it; a certain magic number's error is thrown.
 */
function autoFailed(data: Uint8Array, certain: boolean, e: unknown): Uint8Array {
  if (!certain && e instanceof CompressError && e.code !== "limit") return data;
  throw e;
}

/**
 * Decompresses `data` synchronously, never producing more than `opts.maxOutputSize` bytes.
 *
 * @throws {CompressError} `corrupt` / `checksum` for bad input, `limit` past `maxOutputSize`,
 *   `unsupported` as for {@link compressSync}
 *
 * @example
 * ```ts
 * import { Algorithm, compressSync, decompressSync } from "@avila/compress";
 * const packed = compressSync(new Uint8Array(1000), Algorithm.Gzip);
 * console.log(decompressSync(packed, Algorithm.Gzip, { maxOutputSize: 4096 }).length); // 1000
 * ```
 */
export function decompressSync(
  input: BytesLike,
  algorithm: Algorithm,
  opts?: DecompressOptions,
): Uint8Array {
  assertAlgorithm(algorithm);
  const data = toBytes(input);
  const settings = decodeSettings(opts);
  if (algorithm === Algorithm.Auto) {
    const found = detect(data);
    if (found === null || found.algorithm === null) return data;
    try {
      return decompressSync(data, found.algorithm, opts);
    } catch (e) {
      return autoFailed(data, found.certain, e);
    }
  }
  if (opts?.dictionary !== undefined) {
    return decompressWithDictionary(data, algorithm, settings, opts.dictionary);
  }
  const codec = codecFor(algorithm);
  if (!codec.sync() && !codec.decodeAnywhere) {
    throw new CompressError("unsupported", `${algorithm} cannot run synchronously here`);
  }
  return codec.decompress(data, settings);
}

/** Legacy LZ4 frames (`lz4 -l`) are read by the one-shot decoder only. */
function legacyLz4(algorithm: Algorithm, data: Uint8Array): boolean {
  return algorithm === Algorithm.Lz4 && data[0] === 0x02 && data[1] === 0x21 &&
    data[2] === 0x4c && data[3] === 0x18;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs `data` through a streaming coder in slices, giving the event loop a turn whenever about
 * {@link YIELD_AFTER_MS} of work has passed, so that a large body does not stall other
 * requests (a turn costs a timer; taking one per slice would cost more than the work).
 */
async function sliced(
  coder: { write(c: Uint8Array): Uint8Array[]; end(): Uint8Array[] },
  data: Uint8Array,
  slice: number,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let since = performance.now();
  for (let off = 0; off < data.length; off += slice) {
    if (off > 0 && performance.now() - since >= YIELD_AFTER_MS) {
      await yieldToEventLoop();
      since = performance.now();
    }
    parts.push(...coder.write(data.subarray(off, off + slice)));
  }
  parts.push(...coder.end());
  return concatChunks(parts);
}

/**
 * Algorithms whose async one-shot calls run through their streaming coders in slices, with
 * event-loop turns in between (same bytes as the sync call: for LZ4 and Snappy above one
 * slice, the frame encoders write the blocks the one-shot encoders write).
 */
const STREAMED = new Set(STREAMING);

/**
 * Compresses `data` with `algorithm`. Output is byte-identical to {@link compressSync}; large
 * inputs to LZ4, Snappy and the `node:zlib` codecs are fed in 1 MiB slices, with an event-loop
 * turn after every ~4 ms of work (decompression likewise, in 64 KiB slices of input).
 *
 * @throws {CompressError} `unsupported` for an unknown algorithm, an out-of-range level or an
 *   algorithm this runtime lacks (see {@link supportedAlgorithms})
 *
 * @example
 * ```ts
 * import { Algorithm, compress, decompress } from "@avila/compress";
 * const rows = new TextEncoder().encode(JSON.stringify([{ id: 1 }, { id: 2 }, { id: 3 }]));
 * const packed = await compress(rows, Algorithm.Lz4);
 * console.log((await decompress(packed, Algorithm.Lz4)).length === rows.length); // true
 * ```
 */
export async function compress(
  input: BytesLike,
  algorithm: Algorithm,
  opts?: CompressOptions,
): Promise<Uint8Array> {
  assertAlgorithm(algorithm);
  const data = toBytes(input);
  const level = nativeLevel(algorithm, opts?.level);
  requireAvailable(algorithm);
  if (opts?.dictionary !== undefined) {
    return compressWithDictionary(data, algorithm, level, opts.dictionary);
  }
  if (algorithm === Algorithm.Auto && data.length > ASYNC_SLICE) {
    // A zstd or LZ4 choice runs sliced, with event-loop turns, as those algorithms do here.
    const auto = await compressAutoAsync(
      data,
      { elementType: opts?.elementType, speedBudget: opts?.speedBudget, level: opts?.level },
      (d, a, l) => sliced(codecFor(a).encoder(l, d.length), d, ASYNC_SLICE),
    );
    return auto.data;
  }
  if (algorithm === Algorithm.Columnar || algorithm === Algorithm.Auto) {
    return compressWithOptions(data, algorithm, opts);
  }
  const codec = codecFor(algorithm);
  if (!codec.sync() && codec.web) return await codec.web.compress(data);
  if (STREAMED.has(algorithm) && data.length > ASYNC_SLICE) {
    return await sliced(codec.encoder(level, data.length), data, ASYNC_SLICE);
  }
  return codec.compress(data, level);
}

/**
 * Decompresses `data`, enforcing `opts.maxOutputSize` (default 256 MiB) while decoding.
 *
 * @throws {CompressError} `corrupt` (malformed or truncated), `checksum`, `limit`, or
 *   `unsupported`
 *
 * @example
 * ```ts
 * import { Algorithm, compress, CompressError, decompress } from "@avila/compress";
 * const bomb = await compress(new Uint8Array(10 * 1024 * 1024), Algorithm.Zstd);
 * try {
 *   await decompress(bomb, Algorithm.Zstd, { maxOutputSize: 1024 * 1024 });
 * } catch (e) {
 *   console.log(e instanceof CompressError && e.code); // "limit"
 * }
 * ```
 */
export async function decompress(
  input: BytesLike,
  algorithm: Algorithm,
  opts?: DecompressOptions,
): Promise<Uint8Array> {
  assertAlgorithm(algorithm);
  const data = toBytes(input);
  const settings = decodeSettings(opts);
  if (algorithm === Algorithm.Auto) {
    // Any recognised format, Auto's own frames included; unrecognised bytes come back as they
    // are (the same as decompressAuto).
    const found = detect(data);
    if (found === null || found.algorithm === null) return data;
    try {
      return await decompress(data, found.algorithm, opts);
    } catch (e) {
      return autoFailed(data, found.certain, e);
    }
  }
  if (!codecFor(algorithm).decodeAnywhere) requireAvailable(algorithm);
  if (opts?.dictionary !== undefined) {
    return decompressWithDictionary(data, algorithm, settings, opts.dictionary);
  }
  const codec = codecFor(algorithm);
  if (!codec.sync() && codec.web) {
    return await codec.web.decompress(data, settings.maxOutputSize);
  }
  if (STREAMED.has(algorithm) && data.length > ASYNC_DECODE_SLICE && !legacyLz4(algorithm, data)) {
    return await sliced(codec.decoder(settings.maxOutputSize), data, ASYNC_DECODE_SLICE);
  }
  return codec.decompress(data, settings);
}

/**
 * The algorithms this runtime can compress and decompress (the pure-TypeScript ones always;
 * zstd, brotli and the deflate family when the runtime's `node:zlib` provides them; the
 * deflate family also through `CompressionStream` where `node:zlib` is missing, async only).
 *
 * @example
 * ```ts
 * import { Algorithm, supportedAlgorithms } from "@avila/compress";
 * console.log(supportedAlgorithms().includes(Algorithm.Lz4)); // true
 * ```
 */
export function supportedAlgorithms(): Algorithm[] {
  return Object.values(Algorithm).filter((a) => codecFor(a).available());
}
