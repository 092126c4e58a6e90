/**
 * A compression dictionary: content that many small payloads share (field names, enum values,
 * boilerplate), given to the compressor and the decompressor so that even a tiny payload finds
 * matches. Identified by a 32-bit id that travels in the compressed frame.
 *
 * The serialized form (`serialize()` / `Dictionary.from`), little endian:
 *
 * | offset | size | field                                                  |
 * | ------ | ---- | ------------------------------------------------------ |
 * | 0      | 4    | magic `AVXD` (0x41 0x56 0x58 0x44)                     |
 * | 4      | 1    | version, 1                                             |
 * | 5      | 3    | reserved, zero                                         |
 * | 8      | 4    | dictionary id                                          |
 * | 12     | 4    | content length `n` (at most {@link MAX_DICTIONARY_SIZE}) |
 * | 16     | n    | content                                                |
 * | 16 + n | 4    | xxHash32 (seed 0) of bytes 0 .. 16 + n                 |
 *
 * The content itself is a raw-content dictionary, as the `lz4` tool's `-D FILE` takes.
 *
 * @module
 */

import { xxhash32 } from "../checksum/xxhash32.ts";
import { CompressError } from "../errors.ts";
import { trainDictionary } from "./train.ts";

/** Largest dictionary content accepted, in bytes (1 MiB). LZ4 uses only the last 64 KiB. */
export const MAX_DICTIONARY_SIZE = 1024 * 1024;

const MAGIC = [0x41, 0x56, 0x58, 0x44];
const VERSION = 1;
const HEADER = 16;
const TRAILER = 4;
/** Seed of the content hash that derives an id ("AVXD"). */
const ID_SEED = 0x44585641;

function u32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

function putU32(b: Uint8Array, i: number, v: number): void {
  b[i] = v;
  b[i + 1] = v >>> 8;
  b[i + 2] = v >>> 16;
  b[i + 3] = v >>> 24;
}

/**
 * The id derived from a dictionary's content: xxHash32 with the seed "AVXD", never 0 (0 means
 * "no dictionary" in the zstd and LZ4 frame conventions).
 *
 * @example
 * ```ts
 * import { dictionaryIdOf } from "./dictionary.ts";
 * const id = dictionaryIdOf(new TextEncoder().encode('{"id":,"name":""}'));
 * console.log(id > 0 && id <= 0xffffffff); // true
 * ```
 */
export function dictionaryIdOf(content: Uint8Array): number {
  return xxhash32(content, ID_SEED) || 1;
}

function checkId(id: unknown): number {
  if (typeof id !== "number" || !Number.isInteger(id) || id < 1 || id > 0xffffffff) {
    throw new CompressError("unsupported", "a dictionary id must be an integer in 1..2^32-1");
  }
  return id;
}

/**
 * A raw-content dictionary with its 32-bit id. Immutable: the content is copied in.
 *
 * @example
 * ```ts
 * import { Dictionary } from "@avila/compress";
 * const d = new Dictionary(new TextEncoder().encode('{"status":"ok","region":"eu-west"}'));
 * const again = Dictionary.from(d.serialize());
 * console.log(again.id === d.id, again.bytes.length); // true 34
 * ```
 */
export class Dictionary {
  /** The dictionary content (do not modify). */
  readonly bytes: Uint8Array;
  /** Its id: given, or derived from the content (a seeded xxHash32 of it, never 0). */
  readonly id: number;

  /**
   * Wraps raw dictionary content (e.g. a file made for `lz4 -D`).
   *
   * @param content the dictionary bytes, 1 byte to 1 MiB
   * @param id an explicit id (1 .. 2^32-1); default: derived from the content
   * @throws {CompressError} `limit` for empty or oversized content, `unsupported` for a bad id
   */
  constructor(content: Uint8Array, id?: number) {
    if (!(content instanceof Uint8Array)) {
      throw new CompressError("unsupported", "dictionary content must be a Uint8Array");
    }
    if (content.length === 0 || content.length > MAX_DICTIONARY_SIZE) {
      throw new CompressError(
        "limit",
        `dictionary content must be 1..${MAX_DICTIONARY_SIZE} bytes, got ${content.length}`,
      );
    }
    this.bytes = content.slice();
    this.id = id === undefined ? dictionaryIdOf(this.bytes) : checkId(id);
  }

  /**
   * Trains a dictionary for many small, similar payloads (JSON API responses, log lines,
   * rows): the content is chosen from substrings that recur across samples. The result is
   * deterministic for the same samples and options, and may be smaller than `size` when the
   * samples share less than that.
   *
   * @param samples representative payloads (hundreds or more work best; ideally 10-100× the
   *   dictionary size in total)
   * @throws {CompressError} `limit` when the samples exceed `maxSampleBytes` or number more than
   *   a million, or share nothing to learn; `unsupported` for bad options or non-byte samples
   *
   * @example
   * ```ts
   * import { Dictionary } from "@avila/compress";
   * const samples = Array.from({ length: 200 }, (_, i) =>
   *   new TextEncoder().encode(JSON.stringify({ id: i, status: "active", region: "eu-west" })));
   * const dict = Dictionary.train(samples, { size: 4096 });
   * console.log(dict.bytes.length > 0); // true
   * ```
   */
  static train(samples: readonly Uint8Array[], options?: {
    /** Target dictionary size in bytes (default 16 KiB, at most 1 MiB). */
    size?: number;
    /**
     * Length of the segments picked from the samples (default 512, range 16..4096). Long
     * segments suit LZ4, whose greedy matches stop at a segment boundary.
     */
    segmentSize?: number;
    /** Length of the substrings counted across samples (default 6, range 4..16). */
    dmerSize?: number;
    /** Ceiling on the total bytes of all samples (default 32 MiB): above it, `limit`. */
    maxSampleBytes?: number;
    /** Explicit id for the result (default: derived from the content). */
    id?: number;
  }): Dictionary {
    return trainDictionary(samples, options);
  }

  /**
   * Parses the serialized form written by {@link Dictionary.serialize}.
   *
   * @throws {CompressError} `corrupt` for a bad magic, version, reserved bits or length,
   *   `checksum` for a bad trailer, `limit` for content above {@link MAX_DICTIONARY_SIZE}
   *
   * @example
   * ```ts
   * import { CompressError, Dictionary } from "@avila/compress";
   * try {
   *   Dictionary.from(new Uint8Array(8));
   * } catch (e) {
   *   console.log(e instanceof CompressError && e.code); // "corrupt"
   * }
   * ```
   */
  static from(serialized: Uint8Array): Dictionary {
    if (!(serialized instanceof Uint8Array)) {
      throw new CompressError("unsupported", "a serialized dictionary must be a Uint8Array");
    }
    const b = serialized;
    if (b.length < HEADER + TRAILER || MAGIC.some((m, i) => b[i] !== m)) {
      throw new CompressError("corrupt", "not an avila dictionary (bad magic or too short)");
    }
    if (b[4] !== VERSION) {
      throw new CompressError("unsupported", `avila dictionary version ${b[4]} is not 1`);
    }
    if (b[5] | b[6] | b[7]) {
      throw new CompressError("corrupt", "avila dictionary has reserved bytes set");
    }
    const id = u32(b, 8);
    const n = u32(b, 12);
    if (n > MAX_DICTIONARY_SIZE) {
      throw new CompressError("limit", `avila dictionary declares ${n} bytes of content`);
    }
    if (n === 0 || b.length !== HEADER + n + TRAILER) {
      throw new CompressError("corrupt", "avila dictionary length does not match its content");
    }
    if (xxhash32(b.subarray(0, HEADER + n)) !== u32(b, HEADER + n)) {
      throw new CompressError("checksum", "avila dictionary checksum mismatch");
    }
    if (id === 0) throw new CompressError("corrupt", "avila dictionary has id 0");
    return new Dictionary(b.subarray(HEADER, HEADER + n), id);
  }

  /**
   * The portable serialized form (header with id and length, content, checksum).
   *
   * @example
   * ```ts
   * import { Dictionary } from "@avila/compress";
   * const d = new Dictionary(new TextEncoder().encode("common words"), 42);
   * console.log(d.serialize().length); // 32
   * ```
   */
  serialize(): Uint8Array {
    const n = this.bytes.length;
    const out = new Uint8Array(HEADER + n + TRAILER);
    out.set(MAGIC, 0);
    out[4] = VERSION;
    putU32(out, 8, this.id);
    putU32(out, 12, n);
    out.set(this.bytes, HEADER);
    putU32(out, HEADER + n, xxhash32(out.subarray(0, HEADER + n)));
    return out;
  }
}

export type TrainOptions = NonNullable<Parameters<typeof Dictionary.train>[1]>;
