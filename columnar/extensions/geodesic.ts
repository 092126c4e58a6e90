/**
 * `avila.geodesic`: points along a geodesic in spherical coordinates (r, θ, φ, t), stored as
 * Arrow `fixed_size_list<float64>[4]` in that order, with the spacetime metric they live in
 * carried as JSON in `ARROW:extension:metadata`, e.g. `{"metric":"schwarzschild","M":1}`.
 *
 * θ is the polar angle from +z in [0, π]; φ the azimuth from +x in (-π, π].
 *
 * @module
 */
import { namedRecord4Codec, outFloat64, packRecord4, type Record4Codec } from "./_storage.ts";
import { Record4Array } from "./record4.ts";
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

const GEODESIC_CODEC: Record4Codec<GeodesicPoint> = namedRecord4Codec(["r", "theta", "phi", "t"]);

/**
 * Parses and checks `ARROW:extension:metadata` of an `avila.geodesic` field.
 *
 * @throws {ArrowError} `corrupt` unless it is a JSON object with a string `metric`
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * console.log(extensions.parseGeodesicMetadata('{"metric":"schwarzschild","M":1}').M); // 1
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
 * import { extensions } from "@avila/arrow";
 * const g = new extensions.GeodesicArray(new Float64Array([2, Math.PI / 2, 0, 0]), { metric: "schwarzschild", M: 1 });
 * console.log(Array.from(g.toCartesian().values, (n) => Math.round(n))); // [2, 0, 0, 0]
 * ```
 */
export class GeodesicArray extends Record4Array<GeodesicPoint> {
  /** The metric, serialised as the extension metadata. */
  readonly metric: GeodesicMetric;

  /**
   * Wraps flat storage without copying.
   *
   * @throws {ArrowError} `invalid` when `values.length` is not a multiple of 4;
   *   `invalid` for a metric without a name
   */
  constructor(values: Float64Array, metric: GeodesicMetric, validity?: Uint8Array | null) {
    super(values, validity, NAME, GEODESIC_CODEC);
    this.metric = checkMetric(metric, "invalid");
  }

  /**
   * Builds an array from objects; `null` entries become nulls.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const g = extensions.GeodesicArray.from([{ r: 1, theta: 0, phi: 0, t: 0 }, null], { metric: "minkowski" });
   * console.log(g.get(1)); // null
   * ```
   */
  static from(
    items: Iterable<GeodesicPoint | null | undefined>,
    metric: GeodesicMetric,
  ): GeodesicArray {
    const { values, validity } = packRecord4(items, GEODESIC_CODEC);
    return new GeodesicArray(values, metric, validity);
  }

  /**
   * Converts Cartesian 4-vectors (x, y, z, t) to spherical points: r = |(x, y, z)|,
   * θ = atan2(√(x² + y²), z), φ = atan2(y, x); the origin gets θ = φ = 0.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const c = new extensions.Tensor4dArray(new Float64Array([0, 0, 3, 1]));
   * console.log(extensions.GeodesicArray.fromCartesian(c, { metric: "minkowski" }).get(0));
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
   * import { extensions } from "@avila/arrow";
   * console.log(new extensions.GeodesicArray(new Float64Array(0), { metric: "minkowski" }).metadata()); // {"metric":"minkowski"}
   * ```
   */
  metadata(): string {
    return JSON.stringify(this.metric);
  }

  /**
   * Converts to Cartesian 4-vectors: x = r sinθ cosφ, y = r sinθ sinφ, z = r cosθ, t = t.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const g = new extensions.GeodesicArray(new Float64Array([1, 0, 0, 7]), { metric: "minkowski" });
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
}
