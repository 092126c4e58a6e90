/**
 * `avila.tensor4d`: spacetime 4-vectors (x, y, z, t) stored as Arrow
 * `fixed_size_list<float64>[4]` in that order.
 *
 * @module
 */
import {
  checkIndex,
  checkValidity,
  elementCount,
  isValidAt,
  outFloat64,
  setValidAt,
} from "./_storage.ts";
import { ArrowError } from "../errors.ts";

/** The extension name written to `ARROW:extension:name`. */
export const TENSOR4D_EXTENSION_NAME = "avila.tensor4d";

/** One spacetime event (x, y, z, t). */
export interface Tensor4d {
  /** x coordinate. */
  x: number;
  /** y coordinate. */
  y: number;
  /** z coordinate. */
  z: number;
  /** Time coordinate. */
  t: number;
}

/** Options of {@linkcode Tensor4dArray.minkowskiInterval}. */
export interface MinkowskiOptions {
  /** Speed of light in the units of the data; default 1 (natural units). */
  c?: number;
  /**
   * Metric signature. `"-+++"` (default): s² = -c²t² + x² + y² + z² (spacelike > 0);
   * `"+---"`: s² = c²t² - x² - y² - z² (timelike > 0).
   */
  signature?: "-+++" | "+---";
}

const NAME = TENSOR4D_EXTENSION_NAME;

/**
 * A column of 4-vectors over a flat `Float64Array` (x, y, z, t per element). Constructing one
 * never copies.
 *
 * @example
 * ```ts
 * import { Tensor4dArray } from "@avila/avx-http/columnar";
 * const ev = new Tensor4dArray(new Float64Array([3, 4, 0, 5, 1, 0, 0, 0]));
 * console.log(Array.from(ev.minkowskiInterval())); // [0 (lightlike), 1 (spacelike)]
 * ```
 */
export class Tensor4dArray {
  /** Numbers per element in the flat storage. */
  static readonly WIDTH = 4;
  /** The flat storage, (x, y, z, t) per element. Shared, never copied. */
  readonly values: Float64Array;
  /** Element count. */
  readonly length: number;
  /** Arrow validity bitmap (bit set = valid), or null when every element is valid. */
  readonly validity: Uint8Array | null;

  /**
   * Wraps flat storage without copying.
   *
   * @throws {ArrowError} `invalid` when `values.length` is not a multiple of 4
   */
  constructor(values: Float64Array, validity?: Uint8Array | null) {
    this.length = elementCount(values, 4, NAME);
    this.values = values;
    this.validity = checkValidity(validity, this.length, NAME);
  }

  /**
   * Builds an array from objects; `null` entries become nulls.
   *
   * @example
   * ```ts
   * import { Tensor4dArray } from "@avila/avx-http/columnar";
   * console.log(Tensor4dArray.from([{ x: 1, y: 2, z: 3, t: 4 }]).values[3]); // 4
   * ```
   */
  static from(items: Iterable<Tensor4d | null | undefined>): Tensor4dArray {
    const list = Array.from(items);
    const values = new Float64Array(list.length * 4);
    let validity: Uint8Array | null = null;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (e == null) {
        validity ??= new Uint8Array(Math.ceil(list.length / 8)).fill(0xff);
        setValidAt(validity, i, false);
        continue;
      }
      const o = i * 4;
      values[o] = e.x;
      values[o + 1] = e.y;
      values[o + 2] = e.z;
      values[o + 3] = e.t;
    }
    return new Tensor4dArray(values, validity);
  }

  /**
   * Whether element `i` is non-null.
   *
   * @example
   * ```ts
   * import { Tensor4dArray } from "@avila/avx-http/columnar";
   * console.log(new Tensor4dArray(new Float64Array(4)).isValid(0)); // true
   * ```
   */
  isValid(i: number): boolean {
    checkIndex(i, this.length, NAME);
    return isValidAt(this.validity, i);
  }

  /**
   * Element `i`, or null.
   *
   * @example
   * ```ts
   * import { Tensor4dArray } from "@avila/avx-http/columnar";
   * console.log(new Tensor4dArray(new Float64Array([1, 2, 3, 4])).get(0)); // { x: 1, y: 2, z: 3, t: 4 }
   * ```
   */
  get(i: number): Tensor4d | null {
    checkIndex(i, this.length, NAME);
    if (!isValidAt(this.validity, i)) return null;
    const v = this.values, o = i * 4;
    return { x: v[o], y: v[o + 1], z: v[o + 2], t: v[o + 3] };
  }

  /**
   * Overwrites element `i` in place; validity is unchanged.
   *
   * @example
   * ```ts
   * import { Tensor4dArray } from "@avila/avx-http/columnar";
   * const e = new Tensor4dArray(new Float64Array(4));
   * e.set(0, { x: 0, y: 0, z: 0, t: 9 });
   * console.log(e.values[3]); // 9
   * ```
   */
  set(i: number, e: Tensor4d): void {
    checkIndex(i, this.length, NAME);
    const v = this.values, o = i * 4;
    v[o] = e.x;
    v[o + 1] = e.y;
    v[o + 2] = e.z;
    v[o + 3] = e.t;
  }

  /**
   * Euclidean norms sqrt(x² + y² + z² + t²).
   *
   * @example
   * ```ts
   * import { Tensor4dArray } from "@avila/avx-http/columnar";
   * console.log(new Tensor4dArray(new Float64Array([1, 1, 1, 1])).euclideanNorm()[0]); // 2
   * ```
   */
  euclideanNorm(out?: Float64Array): Float64Array {
    const n = this.length, a = this.values;
    const r = outFloat64(out, n, NAME);
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      const x = a[o], y = a[o + 1], z = a[o + 2], t = a[o + 3];
      r[i] = Math.sqrt(x * x + y * y + z * z + t * t);
    }
    return r;
  }

  /**
   * Squared Minkowski intervals s² from the origin, per element. With the default signature
   * `"-+++"`, s² < 0 is timelike, 0 lightlike, > 0 spacelike.
   *
   * @throws {ArrowError} `invalid` for a non-positive or non-finite `c` or an
   *   unknown signature
   * @example
   * ```ts
   * import { Tensor4dArray } from "@avila/avx-http/columnar";
   * const e = new Tensor4dArray(new Float64Array([0, 0, 0, 2]));
   * console.log(e.minkowskiInterval({ signature: "+---" })[0]); // 4
   * ```
   */
  minkowskiInterval(options: MinkowskiOptions = {}, out?: Float64Array): Float64Array {
    const c = options.c ?? 1;
    const signature = options.signature ?? "-+++";
    if (!(c > 0) || !Number.isFinite(c)) {
      throw new ArrowError("invalid", `speed of light must be > 0, got ${c}`);
    }
    if (signature !== "-+++" && signature !== "+---") {
      throw new ArrowError("invalid", `unknown metric signature ${signature}`);
    }
    const sign = signature === "-+++" ? 1 : -1;
    const c2 = c * c;
    const n = this.length, a = this.values;
    const r = outFloat64(out, n, NAME);
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      const x = a[o], y = a[o + 1], z = a[o + 2], t = a[o + 3];
      r[i] = sign * (x * x + y * y + z * z - c2 * t * t);
    }
    return r;
  }

  /**
   * Iterates the elements as objects (null for null elements).
   *
   * @example
   * ```ts
   * import { Tensor4dArray } from "@avila/avx-http/columnar";
   * console.log([...new Tensor4dArray(new Float64Array(4))]); // [{ x: 0, y: 0, z: 0, t: 0 }]
   * ```
   */
  *[Symbol.iterator](): IterableIterator<Tensor4d | null> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }
}
