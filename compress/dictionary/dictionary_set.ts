/**
 * Several dictionaries known to a decoder, looked up by the id a frame carries: what a client
 * keeps when a server rotates its dictionaries.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import { Dictionary } from "./dictionary.ts";

/** Most dictionaries one set holds. */
const MAX_ENTRIES = 4096;

/**
 * Dictionaries by id. Adding a different dictionary under an id already present is an error
 * (two contents must never decode the same frame).
 *
 * @example
 * ```ts
 * import { Dictionary, DictionarySet } from "@avila/compress";
 * const v1 = new Dictionary(new TextEncoder().encode('{"status":"ok"}'), 1);
 * const v2 = new Dictionary(new TextEncoder().encode('{"status":"ok","v":2}'), 2);
 * const set = new DictionarySet([v1, v2]);
 * console.log(set.get(2) === v2, set.get(3)); // true undefined
 * ```
 */
export class DictionarySet {
  readonly #byId = new Map<number, Dictionary>();

  /**
   * Creates the set.
   *
   * @param dictionaries initial members
   * @throws {CompressError} `unsupported` for a non-Dictionary or a conflicting id
   */
  constructor(dictionaries: Iterable<Dictionary> = []) {
    for (const d of dictionaries) this.add(d);
  }

  /**
   * Adds a dictionary; adding the same content twice is a no-op.
   *
   * @throws {CompressError} `unsupported` when another content has that id; `limit` past
   *   4096 entries
   *
   * @example
   * ```ts
   * import { Dictionary, DictionarySet } from "@avila/compress";
   * const set = new DictionarySet().add(new Dictionary(new Uint8Array([1, 2, 3]), 7));
   * console.log(set.size); // 1
   * ```
   */
  add(dictionary: Dictionary): this {
    if (!(dictionary instanceof Dictionary)) {
      throw new CompressError("unsupported", "DictionarySet holds Dictionary instances only");
    }
    const had = this.#byId.get(dictionary.id);
    if (had !== undefined) {
      if (!sameBytes(had.bytes, dictionary.bytes)) {
        throw new CompressError(
          "unsupported",
          `two different dictionaries share the id ${dictionary.id}`,
        );
      }
      return this;
    }
    if (this.#byId.size >= MAX_ENTRIES) {
      throw new CompressError("limit", `a DictionarySet holds at most ${MAX_ENTRIES} entries`);
    }
    this.#byId.set(dictionary.id, dictionary);
    return this;
  }

  /**
   * The dictionary with that id, if present.
   *
   * @example
   * ```ts
   * import { Dictionary, DictionarySet } from "@avila/compress";
   * const d = new Dictionary(new Uint8Array([9, 9, 9]));
   * console.log(new DictionarySet([d]).get(d.id) === d); // true
   * ```
   */
  get(id: number): Dictionary | undefined {
    return this.#byId.get(id);
  }

  /** Number of dictionaries held. */
  get size(): number {
    return this.#byId.size;
  }

  /**
   * The members, in insertion order.
   *
   * @example
   * ```ts
   * import { Dictionary, DictionarySet } from "@avila/compress";
   * const set = new DictionarySet([new Dictionary(new Uint8Array([1]), 5)]);
   * console.log([...set].map((d) => d.id)); // [ 5 ]
   * ```
   */
  [Symbol.iterator](): IterableIterator<Dictionary> {
    return this.#byId.values();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
