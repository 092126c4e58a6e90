/**
 * Typed-array conveniences over the columnar codec.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import type { Level } from "../types.ts";
import { ELEMENT_TYPES, type ElementType, widthOf } from "./_format.ts";
import { decompressColumnar, inspectColumnar } from "./decode.ts";
import { compressColumnar } from "./encode.ts";

/** Typed arrays the columnar codec reads and returns. */
export type ColumnarArray =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** The typed array class of each element type: one table for both directions. */
const ARRAY_CLASS: Record<
  ElementType,
  new (buffer: ArrayBuffer, byteOffset: number, length: number) => ColumnarArray
> = {
  f64: Float64Array,
  f32: Float32Array,
  i64: BigInt64Array,
  u64: BigUint64Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
};

/**
 * The element type of a typed array (`Uint8Array` is "u8").
 *
 * @example
 * ```ts
 * import { elementTypeOf } from "./array.ts";
 * console.log(elementTypeOf(new BigInt64Array(1))); // "i64"
 * ```
 */
export function elementTypeOf(a: ColumnarArray): ElementType {
  for (const t of ELEMENT_TYPES) if (a instanceof ARRAY_CLASS[t]) return t;
  throw new CompressError("unsupported", "compressArray needs a numeric typed array");
}

/**
 * Compresses a typed array into a columnar frame (element type from the array's class).
 *
 * @example
 * ```ts
 * import { compressArray, decompressArray } from "@avila/compress";
 * const c = Int32Array.from({ length: 5000 }, (_, i) => i);
 * console.log((decompressArray(compressArray(c)) as Int32Array)[4999]); // 4999
 * ```
 */
export function compressArray(a: ColumnarArray, opts: {
  /**
   * `Level.Fast` (or native levels <= 1): LZ4 as the inner codec; `Level.Balanced` (default):
   * zstd 3; `Level.Max`: zstd 19; other numbers: zstd at that level.
   */
  level?: Level;
} = {}): Uint8Array {
  const t = elementTypeOf(a);
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return compressColumnar(bytes, { elementType: t, level: opts.level });
}

/**
 * Decodes a columnar frame into a typed array of its element type.
 *
 * @example
 * ```ts
 * import { compressArray, decompressArray } from "@avila/compress";
 * const back = decompressArray(compressArray(new Float32Array([1, -0, NaN])));
 * console.log(back instanceof Float32Array, back.length); // true 3
 * ```
 */
export function decompressArray(
  frame: Uint8Array,
  opts?: {
    /** Ceiling on decompressed bytes (default 256 MiB): larger frames throw `limit` up front. */
    maxOutputSize?: number;
  },
): ColumnarArray {
  const t = inspectColumnar(frame).elementType;
  const b = decompressColumnar(frame, opts);
  // The decoder's result is a fresh, aligned buffer of exactly the elements.
  return t === "u8" ? b : new ARRAY_CLASS[t](b.buffer as ArrayBuffer, 0, b.length / widthOf(t));
}
