/**
 * Typed-array conveniences over the columnar codec.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import type { Level } from "../types.ts";
import type { ElementType } from "./_format.ts";
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
  if (a instanceof Float64Array) return "f64";
  if (a instanceof Float32Array) return "f32";
  if (a instanceof BigInt64Array) return "i64";
  if (a instanceof BigUint64Array) return "u64";
  if (a instanceof Int32Array) return "i32";
  if (a instanceof Uint32Array) return "u32";
  if (a instanceof Int16Array) return "i16";
  if (a instanceof Uint16Array) return "u16";
  if (a instanceof Int8Array) return "i8";
  if (a instanceof Uint8Array) return "u8";
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
  const buf = b.buffer as ArrayBuffer;
  const n = b.length;
  switch (t) {
    case "f64":
      return new Float64Array(buf, 0, n / 8);
    case "f32":
      return new Float32Array(buf, 0, n / 4);
    case "i64":
      return new BigInt64Array(buf, 0, n / 8);
    case "u64":
      return new BigUint64Array(buf, 0, n / 8);
    case "i32":
      return new Int32Array(buf, 0, n / 4);
    case "u32":
      return new Uint32Array(buf, 0, n / 4);
    case "i16":
      return new Int16Array(buf, 0, n / 2);
    case "u16":
      return new Uint16Array(buf, 0, n / 2);
    case "i8":
      return new Int8Array(buf, 0, n);
    default:
      return b;
  }
}
