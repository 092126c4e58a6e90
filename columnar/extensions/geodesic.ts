/**
 * `avila.geodesic`: points along a geodesic in spherical coordinates (r, θ, φ, t), stored as
 * Arrow `fixed_size_list<float64>[4]` in that order, with the spacetime metric they live in
 * carried as JSON in `ARROW:extension:metadata`, e.g. `{"metric":"schwarzschild","M":1}`.
 *
 * θ is the polar angle from +z in [0, π]; φ the azimuth from +x in (-π, π].
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
import { Tensor4dArray } from "./tensor4d.ts";

/** The extension name written to `ARROW:extension:name`. */
export const GEODESIC_EXTENSION_NAME = "avila.geodesic";

/** One geodesic point (r, θ, φ, t). */
export interface GeodesicPoint {
  /** Radial coordinate. */
  r: number;
  /** Polar angle from +z, radians. */
  theta: number;
  /** Azimuth from +x, radians. */
  phi: number;
  /** Time coordinate. */
  t: number;
}

/**
 * The metric of a geodesic column: a name plus its parameters, e.g.
 * `{ metric: "schwarzschild", M: 1.989e30 }` or `{ metric: "kerr", M: 1, a: 0.9 }`.
 */
export interface GeodesicMetric {
  /** Metric name ("minkowski", "schwarzschild", "kerr", ...). */
  metric: string;
  /** Parameters of the metric (JSON values). */
  [parameter: string]: unknown;
}

const NAME = GEODESIC_EXTENSION_NAME;

/**
 * Parses and checks `ARROW:extension:metadata` of an `avila.geodesic` field.
 *
 * @throws {ArrowError} `corrupt` unless it is a JSON object with a string `metric`
 * @example
 * ```ts
 * import { parseGeodesicMetadata } from "@avila/avx-http/columnar";
 * console.log(parseGeodesicMetadata('{"metric":"schwarzschild","M":1}').M); // 1
 * ```
 */
export function parseGeodesicMetadata(metadata: string): GeodesicMetric {
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata);
  } catch (cause) {
    throw new ArrowError("corrupt", `${NAME} metadata is not JSON`, { cause });
  }
  return checkMetric(parsed, "corrupt");
}

function checkMetric(value: unknown, code: "invalid" | "corrupt"): GeodesicMetric {
  if (
    typeof value !== "object" || value === null || Array.isArray(value) ||
    typeof (value as { metric?: unknown }).metric !== "string" ||
    (value as { metric: string }).metric === ""
  ) {
    throw new ArrowError(
      code,
      `${NAME} metadata must be a JSON object with a non-empty string "metric"`,
    );
  }
  return value as GeodesicMetric;
}

/**
 * A column of geodesic points over a flat `Float64Array` (r, θ, φ, t per element), with its
 * metric. Constructing one never copies.
 *
 * @example
 * ```ts
 * import { GeodesicArray } from "@avila/avx-http/columnar";
 * const g = new GeodesicArray(new Float64Array([2, Math.PI / 2, 0, 0]), { metric: "schwarzschild", M: 1 });
 * console.log(Array.from(g.toCartesian().values, (n) => Math.round(n))); // [2, 0, 0, 0]
 * ```
 */
export class GeodesicArray {
  /** Numbers per element in the flat storage. */
  static readonly WIDTH = 4;
  /** The flat storage, (r, θ, φ, t) per element. Shared, never copied. */
  readonly values: Float64Array;
  /** Element count. */
  readonly length: number;
  /** Arrow validity bitmap (bit set = valid), or null when every element is valid. */
  readonly validity: Uint8Array | null;
  /** The metric, serialised as the extension metadata. */
  readonly metric: GeodesicMetric;

  /**
   * Wraps flat storage without copying.
   *
   * @throws {ArrowError} `invalid` when `values.length` is not a multiple of 4;
   *   `invalid` for a metric without a name
   */
  constructor(values: Float64Array, metric: GeodesicMetric, validity?: Uint8Array | null) {
    this.length = elementCount(values, 4, NAME);
    this.values = values;
    this.metric = checkMetric(metric, "invalid");
    this.validity = checkValidity(validity, this.length, NAME);
  }

  /**
   * Builds an array from objects; `null` entries become nulls.
   *
   * @example
   * ```ts
   * import { GeodesicArray } from "@avila/avx-http/columnar";
   * const g = GeodesicArray.from([{ r: 1, theta: 0, phi: 0, t: 0 }, null], { metric: "minkowski" });
   * console.log(g.get(1)); // null
   * ```
   */
  static from(
    items: Iterable<GeodesicPoint | null | undefined>,
    metric: GeodesicMetric,
  ): GeodesicArray {
    const list = Array.from(items);
    const values = new Float64Array(list.length * 4);
    let validity: Uint8Array | null = null;
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (p == null) {
        validity ??= new Uint8Array(Math.ceil(list.length / 8)).fill(0xff);
        setValidAt(validity, i, false);
        continue;
      }
      const o = i * 4;
      values[o] = p.r;
      values[o + 1] = p.theta;
      values[o + 2] = p.phi;
      values[o + 3] = p.t;
    }
    return new GeodesicArray(values, metric, validity);
  }

  /**
   * Converts Cartesian 4-vectors (x, y, z, t) to spherical points: r = |(x, y, z)|,
   * θ = atan2(√(x² + y²), z), φ = atan2(y, x); the origin gets θ = φ = 0.
   *
   * @example
   * ```ts
   * import { GeodesicArray, Tensor4dArray } from "@avila/avx-http/columnar";
   * const c = new Tensor4dArray(new Float64Array([0, 0, 3, 1]));
   * console.log(GeodesicArray.fromCartesian(c, { metric: "minkowski" }).get(0));
   * // { r: 3, theta: 0, phi: 0, t: 1 }
   * ```
   */
  static fromCartesian(
    cartesian: Tensor4dArray,
    metric: GeodesicMetric,
    out?: Float64Array,
  ): GeodesicArray {
    const n = cartesian.length, a = cartesian.values;
    const r = outFloat64(out, n * 4, NAME);
    for (let o = 0; o < n * 4; o += 4) {
      const x = a[o], y = a[o + 1], z = a[o + 2], t = a[o + 3];
      const rho = Math.sqrt(x * x + y * y);
      r[o] = Math.sqrt(rho * rho + z * z);
      r[o + 1] = Math.atan2(rho, z);
      r[o + 2] = Math.atan2(y, x);
      r[o + 3] = t;
    }
    return new GeodesicArray(r, metric, cartesian.validity);
  }

  /**
   * The metric as `ARROW:extension:metadata` JSON.
   *
   * @example
   * ```ts
   * import { GeodesicArray } from "@avila/avx-http/columnar";
   * console.log(new GeodesicArray(new Float64Array(0), { metric: "minkowski" }).metadata()); // {"metric":"minkowski"}
   * ```
   */
  metadata(): string {
    return JSON.stringify(this.metric);
  }

  /**
   * Whether element `i` is non-null.
   *
   * @example
   * ```ts
   * import { GeodesicArray } from "@avila/avx-http/columnar";
   * console.log(new GeodesicArray(new Float64Array(4), { metric: "minkowski" }).isValid(0)); // true
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
   * import { GeodesicArray } from "@avila/avx-http/columnar";
   * const g = new GeodesicArray(new Float64Array([1, 2, 3, 4]), { metric: "minkowski" });
   * console.log(g.get(0)); // { r: 1, theta: 2, phi: 3, t: 4 }
   * ```
   */
  get(i: number): GeodesicPoint | null {
    checkIndex(i, this.length, NAME);
    if (!isValidAt(this.validity, i)) return null;
    const v = this.values, o = i * 4;
    return { r: v[o], theta: v[o + 1], phi: v[o + 2], t: v[o + 3] };
  }

  /**
   * Overwrites element `i` in place; validity is unchanged.
   *
   * @example
   * ```ts
   * import { GeodesicArray } from "@avila/avx-http/columnar";
   * const g = new GeodesicArray(new Float64Array(4), { metric: "minkowski" });
   * g.set(0, { r: 5, theta: 0, phi: 0, t: 0 });
   * console.log(g.values[0]); // 5
   * ```
   */
  set(i: number, p: GeodesicPoint): void {
    checkIndex(i, this.length, NAME);
    const v = this.values, o = i * 4;
    v[o] = p.r;
    v[o + 1] = p.theta;
    v[o + 2] = p.phi;
    v[o + 3] = p.t;
  }

  /**
   * Converts to Cartesian 4-vectors: x = r sinθ cosφ, y = r sinθ sinφ, z = r cosθ, t = t.
   *
   * @example
   * ```ts
   * import { GeodesicArray } from "@avila/avx-http/columnar";
   * const g = new GeodesicArray(new Float64Array([1, 0, 0, 7]), { metric: "minkowski" });
   * console.log(g.toCartesian().get(0)); // { x: 0, y: 0, z: 1, t: 7 }
   * ```
   */
  toCartesian(out?: Float64Array): Tensor4dArray {
    const n4 = this.length * 4, a = this.values;
    const r = outFloat64(out, n4, NAME);
    for (let o = 0; o < n4; o += 4) {
      const rad = a[o], th = a[o + 1], ph = a[o + 2], t = a[o + 3];
      const s = rad * Math.sin(th);
      r[o] = s * Math.cos(ph);
      r[o + 1] = s * Math.sin(ph);
      r[o + 2] = rad * Math.cos(th);
      r[o + 3] = t;
    }
    return new Tensor4dArray(r, this.validity);
  }

  /**
   * Iterates the elements as objects (null for null elements).
   *
   * @example
   * ```ts
   * import { GeodesicArray } from "@avila/avx-http/columnar";
   * console.log([...new GeodesicArray(new Float64Array(4), { metric: "minkowski" })].length); // 1
   * ```
   */
  *[Symbol.iterator](): IterableIterator<GeodesicPoint | null> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }
}
