/**
 * The common base of the extension arrays of four-float64 records (quaternion, spinor, tensor4d,
 * geodesic). Public, so their documented types name only public classes.
 *
 * @module
 */
import {
  checkIndex,
  checkValidity,
  elementCount,
  isValidAt,
  type Record4Codec,
} from "./_storage.ts";

/**
 * What the extension arrays whose elements are four float64 numbers ({@link QuaternionArray},
 * {@link SpinorArray}, {@link Tensor4dArray}, {@link GeodesicArray}) have in common: zero-copy
 * flat storage, the validity bitmap, and element access as objects. Code that only reads
 * elements can take any of them.
 *
 * @example
 * ```ts
 * import type { Record4Array } from "./record4.ts";
 * import { QuaternionArray } from "./quaternion.ts";
 * function nulls<T>(a: Record4Array<T>): number {
 *   let n = 0;
 *   for (let i = 0; i < a.length; i++) if (!a.isValid(i)) n++;
 *   return n;
 * }
 * console.log(nulls(QuaternionArray.from([{ w: 1, x: 0, y: 0, z: 0 }, null]))); // 1
 * ```
 */
export abstract class Record4Array<T> {
  /** Numbers per element in the flat storage. */
  static readonly WIDTH = 4;
  /** The flat storage, 4 numbers per element. Shared, never copied. */
  readonly values: Float64Array;
  /** Element count. */
  readonly length: number;
  /** Arrow validity bitmap (bit set = valid), or null when every element is valid. */
  readonly validity: Uint8Array | null;
  readonly #name: string;
  readonly #codec: Record4Codec<T>;

  /**
   * Wraps flat storage without copying; for the subclasses, which supply the element codec.
   *
   * @throws {ArrowError} `invalid` when `values.length` is not a multiple of 4 or the bitmap
   *   is too short
   */
  protected constructor(
    values: Float64Array,
    validity: Uint8Array | null | undefined,
    name: string,
    codec: Record4Codec<T>,
  ) {
    this.length = elementCount(values, 4, name);
    this.values = values;
    this.validity = checkValidity(validity, this.length, name);
    this.#name = name;
    this.#codec = codec;
  }

  /** Whether element `i` is non-null. */
  isValid(i: number): boolean {
    checkIndex(i, this.length, this.#name);
    return isValidAt(this.validity, i);
  }

  /** Element `i` as an object, or null. */
  get(i: number): T | null {
    checkIndex(i, this.length, this.#name);
    if (!isValidAt(this.validity, i)) return null;
    return this.#codec.read(this.values, i * 4);
  }

  /**
   * Overwrites element `i` in place (the storage is shared, so views see the change). Setting a
   * value on a null element does not make it valid; the validity bitmap is not changed.
   */
  set(i: number, e: T): void {
    checkIndex(i, this.length, this.#name);
    this.#codec.write(this.values, i * 4, e);
  }

  /** Iterates the elements as objects (null for null elements). */
  *[Symbol.iterator](): IterableIterator<T | null> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }
}
