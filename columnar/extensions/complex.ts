/**
 * `avila.complex64` and `avila.complex128`: complex numbers stored as Arrow
 * `fixed_size_list<float32>[2]` and `fixed_size_list<float64>[2]`, (re, im) per element, the
 * NumPy naming (complex64 = two float32). Operations are tight loops over the flat storage.
 *
 * @module
 */
import {
  andValidity,
  checkIndex,
  checkSameLength,
  checkValidity,
  elementCount,
  type FloatArray,
  hypot2,
  isValidAt,
  outBuffer,
  setValidAt,
} from "./_storage.ts";

/** The extension name of complex numbers made of two float32. */
export const COMPLEX64_EXTENSION_NAME = "avila.complex64";
/** The extension name of complex numbers made of two float64. */
export const COMPLEX128_EXTENSION_NAME = "avila.complex128";

/** One complex number re + i·im. */
export interface Complex {
  /** Real part. */
  re: number;
  /** Imaginary part. */
  im: number;
}

// Kernels shared by both widths; `r` may alias `a` or `b` (each element is read before written).
function absKernel(a: FloatArray, r: FloatArray, n: number): void {
  for (let i = 0, o = 0; i < n; i++, o += 2) r[i] = hypot2(a[o], a[o + 1]);
}
function phaseKernel(a: FloatArray, r: FloatArray, n: number): void {
  for (let i = 0, o = 0; i < n; i++, o += 2) r[i] = Math.atan2(a[o + 1], a[o]);
}
function mulKernel(a: FloatArray, b: FloatArray, r: FloatArray, n2: number): void {
  for (let o = 0; o < n2; o += 2) {
    const ar = a[o], ai = a[o + 1], br = b[o], bi = b[o + 1];
    r[o] = ar * br - ai * bi;
    r[o + 1] = ar * bi + ai * br;
  }
}
function mulScalarKernel(a: FloatArray, br: number, bi: number, r: FloatArray, n2: number): void {
  for (let o = 0; o < n2; o += 2) {
    const ar = a[o], ai = a[o + 1];
    r[o] = ar * br - ai * bi;
    r[o + 1] = ar * bi + ai * br;
  }
}
function conjKernel(a: FloatArray, r: FloatArray, n2: number): void {
  for (let o = 0; o < n2; o += 2) {
    r[o] = a[o];
    r[o + 1] = -a[o + 1];
  }
}
function fromItems(list: (Complex | null | undefined)[], values: FloatArray): Uint8Array | null {
  let validity: Uint8Array | null = null;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c == null) {
      validity ??= new Uint8Array(Math.ceil(list.length / 8)).fill(0xff);
      setValidAt(validity, i, false);
      continue;
    }
    values[2 * i] = c.re;
    values[2 * i + 1] = c.im;
  }
  return validity;
}

/**
 * The one implementation behind {@link Complex64Array} and {@link Complex128Array}: a column of
 * complex numbers over a flat float array `F` ((re, im) per element), `C` being the concrete
 * class its operations return. Constructing one never copies.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * const z: extensions.ComplexArray<Float64Array, extensions.Complex128Array> = new extensions.Complex128Array(new Float64Array([3, 4]));
 * console.log(z.abs()[0]); // 5
 * ```
 */
export abstract class ComplexArray<
  F extends Float32Array | Float64Array,
  C extends ComplexArray<F, C>,
> {
  /** Numbers per element in the flat storage. */
  static readonly WIDTH = 2;
  /** The flat storage, (re, im) per element. Shared, never copied. */
  readonly values: F;
  /** Element count. */
  readonly length: number;
  /** Arrow validity bitmap (bit set = valid), or null when every element is valid. */
  readonly validity: Uint8Array | null;
  #name: string;

  /**
   * Wraps flat storage without copying.
   *
   * @throws {ArrowError} `invalid` when `values.length` is odd or the bitmap short
   */
  protected constructor(values: F, validity: Uint8Array | null | undefined, name: string) {
    this.#name = name;
    this.length = elementCount(values, 2, name);
    this.values = values;
    this.validity = checkValidity(validity, this.length, name);
  }

  /** A new storage array of `n` numbers of this width. */
  protected abstract alloc(n: number): F;
  /** An array of this class over `values`. */
  protected abstract wrap(values: F, validity: Uint8Array | null): C;

  /**
   * Whether element `i` is non-null.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log(new extensions.Complex64Array(new Float32Array(2)).isValid(0)); // true
   * ```
   */
  isValid(i: number): boolean {
    checkIndex(i, this.length, this.#name);
    return isValidAt(this.validity, i);
  }

  /**
   * Element `i`, or null.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log(new extensions.Complex128Array(new Float64Array([1, -1])).get(0)); // { re: 1, im: -1 }
   * ```
   */
  get(i: number): Complex | null {
    checkIndex(i, this.length, this.#name);
    if (!isValidAt(this.validity, i)) return null;
    return { re: this.values[2 * i], im: this.values[2 * i + 1] };
  }

  /**
   * Overwrites element `i` in place (rounded to the storage's precision); validity is unchanged.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const z = new extensions.Complex64Array(new Float32Array(2));
   * z.set(0, { re: 0.5, im: 2 });
   * console.log(z.get(0)); // { re: 0.5, im: 2 }
   * ```
   */
  set(i: number, z: Complex): void {
    checkIndex(i, this.length, this.#name);
    this.values[2 * i] = z.re;
    this.values[2 * i + 1] = z.im;
  }

  /**
   * Moduli |z|, computed without overflow for huge or tiny parts, in the storage's precision.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log(new extensions.Complex128Array(new Float64Array([1e200, 1e200])).abs()[0]); // 1.4142135623730952e+200
   * ```
   */
  abs(out?: F): F {
    const r = outBuffer(out, this.length, (n) => this.alloc(n), this.#name);
    absKernel(this.values, r, this.length);
    return r;
  }

  /**
   * Arguments arg z = atan2(im, re) in (-π, π].
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log(new extensions.Complex128Array(new Float64Array([-1, 0])).phase()[0]); // 3.141592653589793
   * ```
   */
  phase(out?: F): F {
    const r = outBuffer(out, this.length, (n) => this.alloc(n), this.#name);
    phaseKernel(this.values, r, this.length);
    return r;
  }

  /**
   * Elementwise product with another array, or with one complex number. Nulls propagate.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const z = new extensions.Complex64Array(new Float32Array([1, 1]));
   * console.log(z.multiply({ re: 0, im: 1 }).get(0)); // { re: -1, im: 1 }
   * ```
   */
  multiply(other: C | Complex, out?: F): C {
    const n2 = this.length * 2;
    const r = outBuffer(out, n2, (n) => this.alloc(n), this.#name);
    if (other instanceof ComplexArray) {
      checkSameLength(this.length, other.length, this.#name);
      mulKernel(this.values, other.values, r, n2);
      return this.wrap(r, andValidity(this.validity, other.validity, this.length));
    }
    mulScalarKernel(this.values, other.re, other.im, r, n2);
    return this.wrap(r, this.validity);
  }

  /**
   * Complex conjugates re - i·im.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log(new extensions.Complex64Array(new Float32Array([1, 2])).conjugate().get(0)); // { re: 1, im: -2 }
   * ```
   */
  conjugate(out?: F): C {
    const n2 = this.length * 2;
    const r = outBuffer(out, n2, (n) => this.alloc(n), this.#name);
    conjKernel(this.values, r, n2);
    return this.wrap(r, this.validity);
  }

  /**
   * Iterates the elements as objects (null for null elements).
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log([...new extensions.Complex64Array(new Float32Array([1, 2]))]); // [{ re: 1, im: 2 }]
   * ```
   */
  *[Symbol.iterator](): IterableIterator<Complex | null> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }
}

/**
 * A column of complex numbers made of two float32 (`avila.complex64`) over a flat
 * `Float32Array` (re, im per element). Constructing one never copies. Results of `abs` and
 * `phase` are float32, like the storage.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * const z = new extensions.Complex64Array(new Float32Array([3, 4, 0, 1]));
 * console.log(Array.from(z.abs())); // [5, 1]
 * ```
 */
export class Complex64Array extends ComplexArray<Float32Array, Complex64Array> {
  /**
   * Wraps flat storage without copying.
   *
   * @throws {ArrowError} `invalid` when `values.length` is odd or the bitmap short
   */
  constructor(values: Float32Array, validity?: Uint8Array | null) {
    super(values, validity, COMPLEX64_EXTENSION_NAME);
  }

  /**
   * Builds an array from objects; `null` entries become nulls.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log(extensions.Complex64Array.from([{ re: 1, im: 2 }, null]).get(0)); // { re: 1, im: 2 }
   * ```
   */
  static from(items: Iterable<Complex | null | undefined>): Complex64Array {
    const list = Array.from(items);
    const values = new Float32Array(list.length * 2);
    return new Complex64Array(values, fromItems(list, values));
  }

  /** A new `Float32Array` of `n` numbers. */
  protected alloc(n: number): Float32Array {
    return new Float32Array(n);
  }

  /** A `Complex64Array` over `values`. */
  protected wrap(values: Float32Array, validity: Uint8Array | null): Complex64Array {
    return new Complex64Array(values, validity);
  }
}

/**
 * A column of complex numbers made of two float64 (`avila.complex128`) over a flat
 * `Float64Array` (re, im per element). Constructing one never copies.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * const z = new extensions.Complex128Array(new Float64Array([3, 4, 0, 1]));
 * console.log(Array.from(z.multiply(z.conjugate()).values)); // |z|²: [25, 0, 1, 0]
 * ```
 */
export class Complex128Array extends ComplexArray<Float64Array, Complex128Array> {
  /**
   * Wraps flat storage without copying.
   *
   * @throws {ArrowError} `invalid` when `values.length` is odd or the bitmap short
   */
  constructor(values: Float64Array, validity?: Uint8Array | null) {
    super(values, validity, COMPLEX128_EXTENSION_NAME);
  }

  /**
   * Builds an array from objects; `null` entries become nulls.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log(extensions.Complex128Array.from([null, { re: 1, im: 2 }]).get(0)); // null
   * ```
   */
  static from(items: Iterable<Complex | null | undefined>): Complex128Array {
    const list = Array.from(items);
    const values = new Float64Array(list.length * 2);
    return new Complex128Array(values, fromItems(list, values));
  }

  /** A new `Float64Array` of `n` numbers. */
  protected alloc(n: number): Float64Array {
    return new Float64Array(n);
  }

  /** A `Complex128Array` over `values`. */
  protected wrap(values: Float64Array, validity: Uint8Array | null): Complex128Array {
    return new Complex128Array(values, validity);
  }
}
