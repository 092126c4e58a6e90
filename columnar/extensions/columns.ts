/**
 * Columns of the scientific extension types: subclasses of the core `Column` over
 * `fixed_size_list<float>` storage whose `get(i)` returns typed elements and whose accessor
 * (`.quaternions`, `.complex`, ...) exposes the flat storage as the fast array classes,
 * without copying. Constructors (`quaternionColumn(arr)`, ...) go the other way, so a
 * `QuaternionArray` can be put in a `RecordBatch` and written to IPC as is.
 *
 * The IPC readers return these classes for fields carrying their `ARROW:extension:name`
 * (see {@link scientificExtensionTypes}); importing this module registers nothing.
 *
 * @module
 */
import { Column, type ColumnData, makeColumn, type TypedArray } from "../column.ts";
import { ArrowError } from "../errors.ts";
import type { ExtensionType } from "../extension.ts";
import { type DataType, fixedSizeList, float32, float64, Precision, Type } from "../types.ts";
import { type Complex, Complex128Array, Complex64Array } from "./complex.ts";
import {
  FIXED_SHAPE_TENSOR_EXTENSION_NAME,
  FixedShapeTensorArray,
  fixedShapeTensorMetadata,
  type FixedShapeTensorParams,
  parseFixedShapeTensorMetadata,
  type TensorValues,
} from "./fixed_shape_tensor.ts";
import { GeodesicArray, type GeodesicPoint, parseGeodesicMetadata } from "./geodesic.ts";
import { type Quaternion, QuaternionArray } from "./quaternion.ts";
import { type Spinor, SpinorArray } from "./spinor.ts";
import { type Tensor4d, Tensor4dArray } from "./tensor4d.ts";

/** Storage of the flat extension types: the values of rows [offset, offset + length). */
function flatValues(data: ColumnData, width: number): TypedArray {
  const t = data.type;
  if (t.typeId !== Type.FixedSizeList || t.listSize !== width || data.children.length !== 1) {
    throw new ArrowError(
      "invalid",
      `${data.extension?.name ?? "extension"} storage must be fixed_size_list[${width}]`,
    );
  }
  const child = data.children[0].data;
  if (child.values === null) throw new ArrowError("invalid", "fixed_size_list child has no values");
  const start = child.offset + data.offset * width;
  const end = start + data.length * width;
  if (end > child.values.length) {
    throw new ArrowError("corrupt", "fixed_size_list child is shorter than its parent");
  }
  return child.values.subarray(start, end);
}

/** The validity bitmap re-based to element 0 (zero-copy when the offset is byte aligned). */
function rebasedValidity(data: ColumnData): Uint8Array | null {
  const v = data.validity;
  if (v === null) return null;
  const off = data.offset, n = data.length;
  if ((off & 7) === 0) return v.subarray(off >> 3, (off + n + 7) >> 3);
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    const j = off + i;
    if ((v[j >> 3] >> (j & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
  }
  return out;
}

function countNullBits(validity: Uint8Array | null, n: number): number {
  if (validity === null) return 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) nulls += ((validity[i >> 3] >> (i & 7)) & 1) ^ 1;
  return nulls;
}

/** Builds the storage column data of a flat extension array. */
function storageData(
  values: TensorValues,
  width: number,
  childType: DataType,
  validity: Uint8Array | null,
  name: string,
  metadata: string,
): ColumnData {
  const length = width === 0 ? 0 : values.length / width;
  const child = makeColumn({
    type: childType,
    length: values.length,
    offset: 0,
    nullCount: 0,
    validity: null,
    values,
    offsets: null,
    children: [],
    dictionary: null,
  });
  const nullCount = countNullBits(validity, length);
  return {
    type: fixedSizeList(childType, width),
    length,
    offset: 0,
    nullCount,
    validity: nullCount === 0 ? null : validity,
    values: null,
    offsets: null,
    children: [child],
    dictionary: null,
    extension: { name, metadata },
  };
}

function isFloatList(storage: DataType, width: number, precision: Precision): boolean {
  return storage.typeId === Type.FixedSizeList && storage.listSize === width &&
    storage.child.type.typeId === Type.Float && storage.child.type.precision === precision;
}

// ---- quaternion -------------------------------------------------------------------------

/**
 * An `avila.quaternion` column: `get(i)` → `{ w, x, y, z }`, `.quaternions` → the fast array.
 *
 * @example
 * ```ts
 * import { extensions, RecordBatch } from "@avila/arrow";
 * const c = extensions.quaternionColumn(new extensions.QuaternionArray(new Float64Array([1, 0, 0, 0])));
 * const batch = RecordBatch.fromColumns({ attitude: c });
 * console.log(batch.schema.fields[0].extensionName, c.get(0)); // "avila.quaternion" { w: 1, x: 0, y: 0, z: 0 }
 * ```
 */
export class QuaternionColumn extends Column<Quaternion> {
  #arr: QuaternionArray | undefined;
  /** The rows as a {@linkcode QuaternionArray} over the storage (no copy). */
  get quaternions(): QuaternionArray {
    return this.#arr ??= new QuaternionArray(
      flatValues(this.data, 4) as Float64Array,
      rebasedValidity(this.data),
    );
  }
  /** Element `i`, assuming it is in range and valid. */
  protected override value(i: number): Quaternion {
    const v = this.quaternions.values, o = i * 4;
    return { w: v[o], x: v[o + 1], y: v[o + 2], z: v[o + 3] };
  }
}

/**
 * Wraps a {@linkcode QuaternionArray} as a column (storage shared, not copied).
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * console.log(extensions.quaternionColumn(extensions.QuaternionArray.allocate(2)).length); // 2
 * ```
 */
export function quaternionColumn(array: QuaternionArray): QuaternionColumn {
  return new QuaternionColumn(
    storageData(array.values, 4, float64(), array.validity, "avila.quaternion", ""),
  );
}

// ---- complex ----------------------------------------------------------------------------

/**
 * An `avila.complex64` column: `get(i)` → `{ re, im }`, `.complex` → the fast array.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * const c = extensions.complex64Column(new extensions.Complex64Array(new Float32Array([3, 4])));
 * console.log(c.complex.abs()[0]); // 5
 * ```
 */
export class Complex64Column extends Column<Complex> {
  #arr: Complex64Array | undefined;
  /** The rows as a {@linkcode Complex64Array} over the storage (no copy). */
  get complex(): Complex64Array {
    return this.#arr ??= new Complex64Array(
      flatValues(this.data, 2) as Float32Array,
      rebasedValidity(this.data),
    );
  }
  /** Element `i`, assuming it is in range and valid. */
  protected override value(i: number): Complex {
    const v = this.complex.values;
    return { re: v[2 * i], im: v[2 * i + 1] };
  }
}

/**
 * Wraps a {@linkcode Complex64Array} as a column (storage shared, not copied).
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * console.log(extensions.complex64Column(new extensions.Complex64Array(new Float32Array(4))).length); // 2
 * ```
 */
export function complex64Column(array: Complex64Array): Complex64Column {
  return new Complex64Column(
    storageData(array.values, 2, float32(), array.validity, "avila.complex64", ""),
  );
}

/**
 * An `avila.complex128` column: `get(i)` → `{ re, im }`, `.complex` → the fast array.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * const c = extensions.complex128Column(new extensions.Complex128Array(new Float64Array([0, 1])));
 * console.log(c.complex.phase()[0] === Math.PI / 2); // true
 * ```
 */
export class Complex128Column extends Column<Complex> {
  #arr: Complex128Array | undefined;
  /** The rows as a {@linkcode Complex128Array} over the storage (no copy). */
  get complex(): Complex128Array {
    return this.#arr ??= new Complex128Array(
      flatValues(this.data, 2) as Float64Array,
      rebasedValidity(this.data),
    );
  }
  /** Element `i`, assuming it is in range and valid. */
  protected override value(i: number): Complex {
    const v = this.complex.values;
    return { re: v[2 * i], im: v[2 * i + 1] };
  }
}

/**
 * Wraps a {@linkcode Complex128Array} as a column (storage shared, not copied).
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * console.log(extensions.complex128Column(new extensions.Complex128Array(new Float64Array(2))).get(0)); // { re: 0, im: 0 }
 * ```
 */
export function complex128Column(array: Complex128Array): Complex128Column {
  return new Complex128Column(
    storageData(array.values, 2, float64(), array.validity, "avila.complex128", ""),
  );
}

// ---- spinor -----------------------------------------------------------------------------

/**
 * An `avila.spinor` column: `get(i)` → `{ up, down }`, `.spinors` → the fast array.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * const c = extensions.spinorColumn(new extensions.SpinorArray(new Float64Array([1, 0, 0, 0])));
 * console.log(c.spinors.norm()[0]); // 1
 * ```
 */
export class SpinorColumn extends Column<Spinor> {
  #arr: SpinorArray | undefined;
  /** The rows as a {@linkcode SpinorArray} over the storage (no copy). */
  get spinors(): SpinorArray {
    return this.#arr ??= new SpinorArray(
      flatValues(this.data, 4) as Float64Array,
      rebasedValidity(this.data),
    );
  }
  /** Element `i`, assuming it is in range and valid. */
  protected override value(i: number): Spinor {
    const v = this.spinors.values, o = i * 4;
    return { up: { re: v[o], im: v[o + 1] }, down: { re: v[o + 2], im: v[o + 3] } };
  }
}

/**
 * Wraps a {@linkcode SpinorArray} as a column (storage shared, not copied).
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * console.log(extensions.spinorColumn(new extensions.SpinorArray(new Float64Array(8))).length); // 2
 * ```
 */
export function spinorColumn(array: SpinorArray): SpinorColumn {
  return new SpinorColumn(
    storageData(array.values, 4, float64(), array.validity, "avila.spinor", ""),
  );
}

// ---- tensor4d ---------------------------------------------------------------------------

/**
 * An `avila.tensor4d` column: `get(i)` → `{ x, y, z, t }`, `.tensors` → the fast array.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * const c = extensions.tensor4dColumn(new extensions.Tensor4dArray(new Float64Array([1, 0, 0, 1])));
 * console.log(c.tensors.minkowskiInterval()[0]); // 0
 * ```
 */
export class Tensor4dColumn extends Column<Tensor4d> {
  #arr: Tensor4dArray | undefined;
  /** The rows as a {@linkcode Tensor4dArray} over the storage (no copy). */
  get tensors(): Tensor4dArray {
    return this.#arr ??= new Tensor4dArray(
      flatValues(this.data, 4) as Float64Array,
      rebasedValidity(this.data),
    );
  }
  /** Element `i`, assuming it is in range and valid. */
  protected override value(i: number): Tensor4d {
    const v = this.tensors.values, o = i * 4;
    return { x: v[o], y: v[o + 1], z: v[o + 2], t: v[o + 3] };
  }
}

/**
 * Wraps a {@linkcode Tensor4dArray} as a column (storage shared, not copied).
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * console.log(extensions.tensor4dColumn(new extensions.Tensor4dArray(new Float64Array(4))).length); // 1
 * ```
 */
export function tensor4dColumn(array: Tensor4dArray): Tensor4dColumn {
  return new Tensor4dColumn(
    storageData(array.values, 4, float64(), array.validity, "avila.tensor4d", ""),
  );
}

// ---- geodesic ---------------------------------------------------------------------------

/**
 * An `avila.geodesic` column: `get(i)` → `{ r, theta, phi, t }`, `.geodesic` → the fast array
 * with the metric parsed from the extension metadata.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * const g = new extensions.GeodesicArray(new Float64Array([1, 0, 0, 0]), { metric: "schwarzschild", M: 1 });
 * console.log(extensions.geodesicColumn(g).extension?.metadata); // {"metric":"schwarzschild","M":1}
 * ```
 */
export class GeodesicColumn extends Column<GeodesicPoint> {
  #arr: GeodesicArray | undefined;
  /** The rows as a {@linkcode GeodesicArray} over the storage (no copy). */
  get geodesic(): GeodesicArray {
    return this.#arr ??= new GeodesicArray(
      flatValues(this.data, 4) as Float64Array,
      parseGeodesicMetadata(this.data.extension?.metadata ?? ""),
      rebasedValidity(this.data),
    );
  }
  /** Element `i`, assuming it is in range and valid. */
  protected override value(i: number): GeodesicPoint {
    const v = this.geodesic.values, o = i * 4;
    return { r: v[o], theta: v[o + 1], phi: v[o + 2], t: v[o + 3] };
  }
}

/**
 * Wraps a {@linkcode GeodesicArray} as a column; the metric becomes the extension metadata.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * const g = new extensions.GeodesicArray(new Float64Array(8), { metric: "minkowski" });
 * console.log(extensions.geodesicColumn(g).length); // 2
 * ```
 */
export function geodesicColumn(array: GeodesicArray): GeodesicColumn {
  return new GeodesicColumn(
    storageData(array.values, 4, float64(), array.validity, "avila.geodesic", array.metadata()),
  );
}

// ---- fixed shape tensor -----------------------------------------------------------------

/**
 * An `arrow.fixed_shape_tensor` column: `get(i)` → a zero-copy view of tensor i (physical
 * order), `.tensors` → the {@linkcode FixedShapeTensorArray} with shape-aware indexing.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * const t = new extensions.FixedShapeTensorArray(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] });
 * console.log(extensions.fixedShapeTensorColumn(t).tensors.value(0, 1, 0)); // 3
 * ```
 */
export class FixedShapeTensorColumn extends Column<TensorValues> {
  #arr: FixedShapeTensorArray<TensorValues> | undefined;
  /** The rows as a {@linkcode FixedShapeTensorArray} over the storage (no copy). */
  get tensors(): FixedShapeTensorArray<TensorValues> {
    if (this.#arr) return this.#arr;
    const params = parseFixedShapeTensorMetadata(this.data.extension?.metadata ?? "");
    const size = params.shape.reduce((a, b) => a * b, 1);
    const values = flatValues(this.data, size);
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      throw new ArrowError("unsupported", "64-bit integer tensors are not supported");
    }
    return this.#arr = new FixedShapeTensorArray(
      values as TensorValues,
      params,
      rebasedValidity(this.data),
    );
  }
  /** Element `i`, assuming it is in range and valid. */
  protected override value(i: number): TensorValues {
    const t = this.tensors;
    return t.values.subarray(i * t.size, (i + 1) * t.size) as TensorValues;
  }
}

function tensorChildType(values: TensorValues): DataType {
  if (values instanceof Float64Array) return float64();
  if (values instanceof Float32Array) return float32();
  const bits = values.BYTES_PER_ELEMENT * 8 as 8 | 16 | 32;
  const signed = values instanceof Int8Array || values instanceof Int16Array ||
    values instanceof Int32Array;
  return { typeId: Type.Int, bitWidth: bits, signed };
}

/**
 * Wraps a {@linkcode FixedShapeTensorArray} as an `arrow.fixed_shape_tensor` column.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * const t = new extensions.FixedShapeTensorArray(new Int32Array(12), { shape: [3, 2] });
 * console.log(extensions.fixedShapeTensorColumn(t).length); // 2
 * ```
 */
export function fixedShapeTensorColumn<T extends TensorValues>(
  array: FixedShapeTensorArray<T>,
): FixedShapeTensorColumn {
  const params: FixedShapeTensorParams = {
    shape: array.shape,
    ...(array.dimNames ? { dimNames: array.dimNames } : {}),
    ...(array.permutation ? { permutation: array.permutation } : {}),
  };
  return new FixedShapeTensorColumn(
    storageData(
      array.values,
      array.size,
      tensorChildType(array.values),
      array.validity,
      FIXED_SHAPE_TENSOR_EXTENSION_NAME,
      fixedShapeTensorMetadata(params),
    ),
  );
}

// ---- registry ---------------------------------------------------------------------------

/**
 * The extension types the IPC readers know without registration: the scientific columns
 * (`avila.quaternion`, `avila.complex64`, `avila.complex128`, `avila.spinor`, `avila.tensor4d`,
 * `avila.geodesic`) and `arrow.fixed_shape_tensor`. They are consulted after the types given
 * to `registerExtensionType`, which can override one by name. Fields whose storage does not
 * match (e.g. an `avila.quaternion` that is not `fixed_size_list<float64>[4]`) are left as
 * plain storage columns.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * console.log(extensions.scientificExtensionTypes().some((t) => t.name === "avila.spinor")); // true
 * ```
 */
export function scientificExtensionTypes(): ExtensionType[] {
  const D = Precision.DOUBLE, S = Precision.SINGLE;
  // the types without metadata: name, storage (float list width and precision), column class
  const plain: [string, number, Precision, new (data: ColumnData) => Column][] = [
    ["avila.quaternion", 4, D, QuaternionColumn],
    ["avila.complex64", 2, S, Complex64Column],
    ["avila.complex128", 2, D, Complex128Column],
    ["avila.spinor", 4, D, SpinorColumn],
    ["avila.tensor4d", 4, D, Tensor4dColumn],
  ];
  return [
    ...plain.map(([name, width, precision, ColumnClass]): ExtensionType => ({
      name,
      accepts: (s) => isFloatList(s, width, precision),
      wrap: (d) => new ColumnClass(d),
    })),
    {
      name: "avila.geodesic",
      accepts: (s, md) => isFloatList(s, 4, D) && parses(() => parseGeodesicMetadata(md)),
      wrap: (d) => new GeodesicColumn(d),
    },
    {
      name: FIXED_SHAPE_TENSOR_EXTENSION_NAME,
      accepts: (s, md) => {
        if (s.typeId !== Type.FixedSizeList) return false;
        const c = s.child.type;
        const numeric = c.typeId === Type.Float
          ? c.precision !== Precision.HALF
          : c.typeId === Type.Int && c.bitWidth !== 64;
        if (!numeric) return false;
        let size = -1;
        if (
          !parses(() => size = parseFixedShapeTensorMetadata(md).shape.reduce((a, b) => a * b, 1))
        ) {
          return false;
        }
        return size === s.listSize;
      },
      wrap: (d) => new FixedShapeTensorColumn(d),
    },
  ];
}

function parses(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof ArrowError) return false;
    throw e;
  }
}
