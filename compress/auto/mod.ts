/**
 * `Algorithm.Auto`: sample the input, pick codec, level and transforms within a speed budget,
 * and say why.
 *
 * @example
 * ```ts
 * import { chooseAlgorithm } from "./choose.ts";
 * const c = chooseAlgorithm(crypto.getRandomValues(new Uint8Array(4096)));
 * console.log(c.stored); // true
 * ```
 *
 * @module
 */

export { type AutoChoice, byteEntropy, chooseAlgorithm, type SpeedBudget } from "./choose.ts";
export { compressAuto, decompressAutoFrame } from "./compress_auto.ts";
