/**
 * `avila.spinor`: two-component spinors ψ = (ψ↑, ψ↓), a pair of complex numbers, stored as
 * Arrow `fixed_size_list<float64>[4]` in the order (Re ψ↑, Im ψ↑, Re ψ↓, Im ψ↓).
 *
 * @module
 */
import {
  andValidity,
  checkSameLength,
  norm4,
  normalize4,
  outFloat64,
  packRecord4,
  type Record4Codec,
} from "./_storage.ts";
import { Record4Array } from "./record4.ts";
import { type Complex, Complex128Array } from "./complex.ts";

/** The extension name written to `ARROW:extension:name`. */
export const SPINOR_EXTENSION_NAME = "avila.spinor";

/** One spinor: the spin-up and spin-down complex amplitudes. */
export interface Spinor {
  /** ψ↑, the first component. */
  up: Complex;
  /** ψ↓, the second component. */
  down: Complex;
}

const NAME = SPINOR_EXTENSION_NAME;

const SPINOR_CODEC: Record4Codec<Spinor> = {
  read: (v, o) => ({ up: { re: v[o], im: v[o + 1] }, down: { re: v[o + 2], im: v[o + 3] } }),
  write(v, o, s) {
    v[o] = s.up.re;
    v[o + 1] = s.up.im;
    v[o + 2] = s.down.re;
    v[o + 3] = s.down.im;
  },
};

/**
 * A column of two-component spinors over a flat `Float64Array` (4 numbers per element).
 * Constructing one never copies.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * // spin up along z, and spin up along x: (1, 1)/√2
 * const h = Math.SQRT1_2;
 * const psi = new extensions.SpinorArray(new Float64Array([1, 0, 0, 0, h, 0, h, 0]));
 * console.log(Array.from(psi.blochVector(), (n) => Math.round(n))); // [0, 0, 1, 1, 0, 0]
 * ```
 */
export class SpinorArray extends Record4Array<Spinor> {
  /**
   * Wraps flat storage without copying.
   *
   * @throws {ArrowError} `invalid` when `values.length` is not a multiple of 4
   */
  constructor(values: Float64Array, validity?: Uint8Array | null) {
    super(values, validity, NAME, SPINOR_CODEC);
  }

  /**
   * Builds an array from objects; `null` entries become nulls.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const s = extensions.SpinorArray.from([{ up: { re: 1, im: 0 }, down: { re: 0, im: 0 } }]);
   * console.log(s.norm()[0]); // 1
   * ```
   */
  static from(items: Iterable<Spinor | null | undefined>): SpinorArray {
    const { values, validity } = packRecord4(items, SPINOR_CODEC);
    return new SpinorArray(values, validity);
  }

  /**
   * Inner products ⟨this_i|other_i⟩ = conj(ψ↑)φ↑ + conj(ψ↓)φ↓ (antilinear in `this`).
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const up = new extensions.SpinorArray(new Float64Array([1, 0, 0, 0]));
   * const down = new extensions.SpinorArray(new Float64Array([0, 0, 1, 0]));
   * console.log(up.inner(down).get(0)); // orthogonal: { re: 0, im: 0 }
   * ```
   */
  inner(other: SpinorArray, out?: Float64Array): Complex128Array {
    checkSameLength(this.length, other.length, NAME);
    const n = this.length, a = this.values, b = other.values;
    const r = outFloat64(out, n * 2, NAME);
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      const ar = a[o], ai = a[o + 1], cr = a[o + 2], ci = a[o + 3];
      const br = b[o], bi = b[o + 1], dr = b[o + 2], di = b[o + 3];
      // conj(a)·b = (ar·br + ai·bi) + i(ar·bi − ai·br)
      r[2 * i] = ar * br + ai * bi + cr * dr + ci * di;
      r[2 * i + 1] = ar * bi - ai * br + cr * di - ci * dr;
    }
    return new Complex128Array(r, andValidity(this.validity, other.validity, n));
  }

  /**
   * Norms ‖ψ‖ = sqrt(|ψ↑|² + |ψ↓|²).
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log(new extensions.SpinorArray(new Float64Array([1, 1, 1, 1])).norm()[0]); // 2
   * ```
   */
  norm(out?: Float64Array): Float64Array {
    return norm4(this.values, out, NAME);
  }

  /**
   * Scales each spinor to unit norm (the zero spinor becomes NaN).
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const s = new extensions.SpinorArray(new Float64Array([3, 0, 0, 4])).normalize();
   * console.log(Array.from(s.values)); // [0.6, 0, 0, 0.8]
   * ```
   */
  normalize(out?: Float64Array): SpinorArray {
    return new SpinorArray(normalize4(this.values, out, NAME), this.validity);
  }

  /**
   * Spin expectation values (⟨σx⟩, ⟨σy⟩, ⟨σz⟩) / ⟨ψ|ψ⟩ per spinor, 3 numbers per element: the
   * Bloch vector, unit length for any nonzero spinor.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const down = new extensions.SpinorArray(new Float64Array([0, 0, 2, 0]));
   * console.log(Array.from(down.blochVector())); // [0, 0, -1]
   * ```
   */
  blochVector(out?: Float64Array): Float64Array {
    const n = this.length, a = this.values;
    const r = outFloat64(out, n * 3, NAME);
    for (let i = 0, o = 0, k = 0; i < n; i++, o += 4, k += 3) {
      const ur = a[o], ui = a[o + 1], dr = a[o + 2], di = a[o + 3];
      const uu = ur * ur + ui * ui, dd = dr * dr + di * di;
      const inv = 1 / (uu + dd);
      // conj(up)·down
      const xr = ur * dr + ui * di, xi = ur * di - ui * dr;
      r[k] = 2 * xr * inv;
      r[k + 1] = 2 * xi * inv;
      r[k + 2] = (uu - dd) * inv;
    }
    return r;
  }
}
