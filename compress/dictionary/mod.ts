/**
 * Compression dictionaries for many small similar payloads: training, the {@link Dictionary}
 * type with its serialized form, and {@link DictionarySet} to resolve a frame's dictionary id.
 *
 * @example
 * ```ts
 * import { Algorithm, compress, decompress, Dictionary } from "@avila/compress";
 * const enc = new TextEncoder();
 * const samples = Array.from({ length: 300 }, (_, i) =>
 *   enc.encode(JSON.stringify({ id: i, status: "active", region: "eu-west", plan: "pro" })));
 * const dictionary = Dictionary.train(samples, { size: 4096 });
 * const body = enc.encode(JSON.stringify({ id: 9001, status: "active", region: "eu-west", plan: "pro" }));
 * const packed = await compress(body, Algorithm.Lz4, { dictionary });
 * console.log((await decompress(packed, Algorithm.Lz4, { dictionary })).length === body.length); // true
 * ```
 *
 * @module
 */

export { Dictionary, dictionaryIdOf, MAX_DICTIONARY_SIZE } from "./dictionary.ts";
export { DictionarySet } from "./dictionary_set.ts";
export type { DictionarySource } from "./_codec.ts";
export { trainDictionary } from "./train.ts";
