/**
 * Zstandard dictionaries (RFC 8878 §5): the format `zstd --train` writes (magic, Dictionary_ID,
 * entropy tables, repeat offsets, content) and raw-content dictionaries (any other bytes).
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import { le32 } from "./_bits.ts";
import type { Prime } from "./_state.ts";
import { readHuffmanTable } from "./huffman.ts";
import { LL, ML, OF, readSequenceTable } from "./sequences.ts";

/** Magic number of a formatted dictionary, little-endian 0xEC30A437 (§5). */
export const ZSTD_DICTIONARY_MAGIC = 0xec30a437;

/**
 * A parsed zstd dictionary: its id (0 for raw content) and what it primes a frame with.
 *
 * @example
 * ```ts
 * import { parseZstdDictionary } from "./dictionary.ts";
 * const raw = parseZstdDictionary(new TextEncoder().encode("shared words shared words"));
 * console.log(raw.id, raw.contentSize); // 0 25
 * ```
 */
export interface ZstdDictionary {
  /** Dictionary_ID; 0 for a raw-content dictionary. */
  readonly id: number;
  /** Bytes of content matches may reach into. */
  readonly contentSize: number;
  /** @internal The frame prime. */
  readonly prime: Prime;
}

function bad(what: string): never {
  throw new CompressError("corrupt", `zstd dictionary: ${what}`);
}

/**
 * Parses dictionary bytes: the `zstd --train` format when they start with its magic number,
 * raw content otherwise. Throws `CompressError("corrupt")` for a formatted dictionary that is
 * malformed.
 *
 * @example
 * ```ts
 * import { parseZstdDictionary } from "./dictionary.ts";
 * console.log(parseZstdDictionary(new Uint8Array(64)).id); // 0
 * ```
 */
export function parseZstdDictionary(bytes: Uint8Array): ZstdDictionary {
  const n = bytes.length;
  const magic = n >= 8 ? le32(bytes, 0) : 0;
  if (magic !== ZSTD_DICTIONARY_MAGIC) {
    const content = bytes.slice();
    return {
      id: 0,
      contentSize: content.length,
      prime: { id: 0, content, huffman: null, ll: null, of: null, ml: null, rep: [1, 4, 8] },
    };
  }
  const id = le32(bytes, 4);
  {
    let p = 8;
    const h = readHuffmanTable(bytes, p, n);
    p += h.size;
    const of = readSequenceTable(bytes, p, n, OF);
    p += of.size;
    const ml = readSequenceTable(bytes, p, n, ML);
    p += ml.size;
    const ll = readSequenceTable(bytes, p, n, LL);
    p += ll.size;
    if (p + 12 > n) bad("repeat offsets are missing");
    const rep: [number, number, number] = [0, 0, 0];
    const content = bytes.slice(p + 12);
    for (let k = 0; k < 3; k++) {
      const r = le32(bytes, p + 4 * k);
      if (r === 0 || r > content.length) bad("repeat offset out of range");
      rep[k] = r;
    }
    return {
      id,
      contentSize: content.length,
      prime: { id, content, huffman: h.table, ll: ll.table, of: of.table, ml: ml.table, rep },
    };
  }
}
