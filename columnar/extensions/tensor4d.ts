/**
 * `avila.tensor4d`: spacetime 4-vectors (x, y, z, t) stored as Arrow
 * `fixed_size_list<float64>[4]` in that order.
 *
 * @module
 */
import {
  namedRecord4Codec,
  norm4,
  outFloat64,
  packRecord4,
  type Record4Codec,
} from "./_storage.ts";
import { Record4Array } from "./record4.ts";
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

const TENSOR4D_CODEC: Record4Codec<Tensor4d> = namedRecord4Codec(["x", "y", "z", "t"]);

/**
 * A column of 4-vectors over a flat `Float64Array` (x, y, z, t per element). Constructing one
 * never copies.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * const ev = new extensions.Tensor4dArray(new Float64Array([3, 4, 0, 5, 1, 0, 0, 0]));
 * console.log(Array.from(ev.minkowskiInterval())); // [0 (lightlike), 1 (spacelike)]
 * ```
 */
export class Tensor4dArray extends Record4Array<Tensor4d> {
  /**
   * Wraps flat storage without copying.
   *
   * @throws {ArrowError} `invalid` when `values.length` is not a multiple of 4
   */
  constructor(values: Float64Array, validity?: Uint8Array | null) {
    super(values, validity, NAME, TENSOR4D_CODEC);
  }

  /**
   * Builds an array from objects; `null` entries become nulls.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log(extensions.Tensor4dArray.from([{ x: 1, y: 2, z: 3, t: 4 }]).values[3]); // 4
   * ```
   */
  static from(items: Iterable<Tensor4d | null | undefined>): Tensor4dArray {
    const { values, validity } = packRecord4(items, TENSOR4D_CODEC);
    return new Tensor4dArray(values, validity);
  }

  /**
   * Euclidean norms sqrt(x² + y² + z² + t²).
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log(new extensions.Tensor4dArray(new Float64Array([1, 1, 1, 1])).euclideanNorm()[0]); // 2
   * ```
   */
  euclideanNorm(out?: Float64Array): Float64Array {
    return norm4(this.values, out, NAME);
  }

  /**
   * Squared Minkowski intervals s² from the origin, per element. With the default signature
   * `"-+++"`, s² < 0 is timelike, 0 lightlike, > 0 spacelike.
   *
   * @throws {ArrowError} `invalid` for a non-positive or non-finite `c` or an
   *   unknown signature
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const e = new extensions.Tensor4dArray(new Float64Array([0, 0, 0, 2]));
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
}
