/**
 * Compression with a {@link Dictionary}, behind the `dictionary` option of `compress` /
 * `decompress` and of `Compressor`.
 *
 * - `lz4`: the dictionary is the frame's prefix dictionary and its id travels in the frame
 *   descriptor (FLG Dict-ID bit, 4-byte DictID; lz4_Frame_format.md). Decoding resolves that id
 *   against the given `Dictionary` or `DictionarySet`; a frame that carries no id (the `lz4`
 *   tool's `-D` writes none) is decoded with a single given `Dictionary`.
 * - `lz4-block`: raw blocks carry no id; decoding needs the `Dictionary` itself.
 * - `zstd`: decoding only, in pure TypeScript (`compress/zstd/`): frames made by `zstd -D` with a
 *   `zstd --train` dictionary (resolved by its Dictionary_ID) or raw content. Compressing is
 *   refused with `unsupported`: the runtime's `node:zlib` (Deno 2.9.6) accepts a `dictionary`
 *   option for zstd but ignores it, so it would silently not be applied.
 *
 * @module
 */

import type { DecodeSettings } from "../_codecs.ts";
import { CompressError } from "../errors.ts";
import { compressFrame, decompressFrame, Lz4FrameDecoder, Lz4FrameEncoder } from "../lz4/mod.ts";
import { decompressBlock } from "../lz4/block_decode.ts";
import { compressBlock } from "../lz4/block_encode.ts";
import { Algorithm, type StreamDecoder, type StreamEncoder } from "../types.ts";
import { decompressZstd, ZstdFrameDecoder } from "../zstd/mod.ts";
import { Dictionary } from "./dictionary.ts";
import { DictionarySet } from "./dictionary_set.ts";

/** What `decompress` accepts: one dictionary, or a set resolved by the frame's id. */
export type DictionarySource = Dictionary | DictionarySet;

function refuse(algorithm: Algorithm): never {
  if (algorithm === Algorithm.Zstd) {
    throw new CompressError(
      "unsupported",
      "zstd compression with a dictionary is not available: this runtime's node:zlib ignores " +
        "the zstd dictionary option (decompression works); use lz4 with a dictionary",
    );
  }
  throw new CompressError(
    "unsupported",
    `${algorithm} takes no dictionary; dictionaries work with lz4 and lz4-block`,
  );
}

function asDictionary(d: unknown): Dictionary {
  if (d instanceof Dictionary) return d;
  if (d instanceof DictionarySet) {
    throw new CompressError(
      "unsupported",
      "compress with one Dictionary; a DictionarySet only resolves ids when decompressing",
    );
  }
  throw new CompressError("unsupported", "opts.dictionary must be a Dictionary");
}

function asSource(d: unknown): DictionarySource {
  if (d instanceof Dictionary || d instanceof DictionarySet) return d;
  throw new CompressError("unsupported", "opts.dictionary must be a Dictionary or a DictionarySet");
}

/**
 * The `dictionary` option of the LZ4 frame decoders for `src`, decided frame by frame: a frame's
 * Dict-ID resolves only to the matching dictionary, never a different one; a frame without an
 * ID (asked as id 0; `lz4 -D` writes none) gets a single given `Dictionary`, as the lz4 tool
 * applies it, and no dictionary from a `DictionarySet` (nothing says which).
 */
function lz4DecodeDictionary(src: DictionarySource): (id: number) => Uint8Array | undefined {
  if (src instanceof Dictionary) return (id) => (id === src.id || id === 0 ? src.bytes : undefined);
  return (id) => (id === 0 ? undefined : src.get(id)?.bytes);
}

/** A zstd frame's dictionary: one applies to frames without an id or with its own. */
function zstdDictionary(
  src: DictionarySource,
): Uint8Array | ((id: number) => Uint8Array | undefined) {
  return src instanceof Dictionary ? src.bytes : (id) => src.get(id)?.bytes;
}

/**
 * Compresses with a dictionary (the caller validated data, algorithm and native level).
 * @throws {CompressError} `unsupported` for algorithms without dictionaries, a non-Dictionary
 */
export function compressWithDictionary(
  data: Uint8Array,
  algorithm: Algorithm,
  level: number,
  dictionary: unknown,
): Uint8Array {
  const dict = asDictionary(dictionary);
  if (algorithm === Algorithm.Lz4) {
    return compressFrame(data, { level, dictionary: dict.bytes, dictionaryId: dict.id });
  }
  if (algorithm === Algorithm.Lz4Block) {
    return compressBlock(data, { level, dictionary: dict.bytes });
  }
  return refuse(algorithm);
}

/**
 * Decompresses with a dictionary or a set of them.
 * @throws {CompressError} `unsupported` when the frame's dictionary id is not available (or for
 *   algorithms without dictionaries), `corrupt`/`checksum`/`limit` from the decoder
 */
export function decompressWithDictionary(
  data: Uint8Array,
  algorithm: Algorithm,
  settings: DecodeSettings,
  dictionary: unknown,
): Uint8Array {
  const src = asSource(dictionary);
  if (algorithm === Algorithm.Lz4) {
    return decompressFrame(data, {
      maxOutputSize: settings.maxOutputSize,
      dictionary: lz4DecodeDictionary(src),
    });
  }
  if (algorithm === Algorithm.Lz4Block) {
    if (!(src instanceof Dictionary)) {
      throw new CompressError(
        "unsupported",
        "lz4-block carries no dictionary id: pass the Dictionary itself, not a DictionarySet",
      );
    }
    const size = settings.decompressedSize;
    if (size === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new CompressError(
        "unsupported",
        "lz4-block carries no length: pass opts.decompressedSize (a non-negative integer)",
      );
    }
    return decompressBlock(data, size, {
      maxOutputSize: settings.maxOutputSize,
      dictionary: src.bytes,
    });
  }
  if (algorithm === Algorithm.Zstd) {
    return decompressZstd(data, {
      maxOutputSize: settings.maxOutputSize,
      dictionary: zstdDictionary(src),
    });
  }
  return refuse(algorithm);
}

/** A streaming encoder with a dictionary (`lz4` only: each frame carries the id). */
export function dictionaryEncoder(
  algorithm: Algorithm,
  level: number,
  dictionary: unknown,
): StreamEncoder {
  const dict = asDictionary(dictionary);
  if (algorithm !== Algorithm.Lz4) return refuse(algorithm);
  return new Lz4FrameEncoder({ level, dictionary: dict.bytes, dictionaryId: dict.id });
}

/**
 * A streaming decoder with a dictionary (`lz4`, and `zstd` in pure TypeScript). Frames with a
 * dictionary id resolve it; frames without one (`lz4 -D`, `zstd --no-dictID`) use a single given
 * `Dictionary`.
 */
export function dictionaryDecoder(
  algorithm: Algorithm,
  maxOutputSize: number,
  dictionary: unknown,
): StreamDecoder {
  const src = asSource(dictionary);
  if (algorithm === Algorithm.Zstd) {
    return new ZstdFrameDecoder({ maxOutputSize, dictionary: zstdDictionary(src) });
  }
  if (algorithm !== Algorithm.Lz4) return refuse(algorithm);
  return new Lz4FrameDecoder({ maxOutputSize, dictionary: lz4DecodeDictionary(src) });
}
