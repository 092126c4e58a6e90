/**
 * `Algorithm.Columnar`: self-describing, lossless frames for arrays of numbers. Transforms
 * (delta, delta-of-delta, decimal or quantum mapping, XOR, byte shuffle, frame-of-reference bit
 * packing) are chosen by sampling; LZ4 or zstd follow when they still pay.
 *
 * @example
 * ```ts
 * import { compressArray, decompressArray } from "@avila/compress";
 * const v = Float64Array.from({ length: 1000 }, (_, i) => i * 0.25);
 * const back = decompressArray(compressArray(v)) as Float64Array;
 * console.log(back[999]); // 249.75
 * ```
 *
 * @module
 */

export { type ElementType } from "./_format.ts";
export {
  type ColumnarEncoding,
  type ColumnarInfo,
  type ColumnarOptions,
  compressColumnar,
  encodeColumnar,
  storedColumnar,
} from "./encode.ts";
export { type ColumnarDecodeOptions, decompressColumnar, inspectColumnar } from "./decode.ts";
export { type ColumnarArray, compressArray, decompressArray, elementTypeOf } from "./array.ts";
