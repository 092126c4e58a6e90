/**
 * The canonical Arrow extension type `arrow.fixed_shape_tensor`: every element is a tensor of
 * one fixed shape, stored as `fixed_size_list<T>[product(shape)]` in row-major order of the
 * (possibly permuted) physical layout. Metadata is JSON:
 * `{"shape": [...], "dim_names"?: [...], "permutation"?: [...]}` (Arrow spec, "Canonical
 * Extension Types", Fixed shape tensor).
 *
 * @module
 */
import { ArrowError } from "../errors.ts";
import { checkIndex, checkValidity, elementCount, isValidAt } from "./_storage.ts";

/** The canonical extension name written to `ARROW:extension:name`. */
export const FIXED_SHAPE_TENSOR_EXTENSION_NAME = "arrow.fixed_shape_tensor";

/** The typed arrays a tensor's numbers can be stored in (64-bit integers are not supported). */
export type TensorValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array;

/** Parameters of a fixed shape tensor type, as in its extension metadata. */
export interface FixedShapeTensorParams {
  /** Logical dimensions, e.g. [3, 3] for 3×3 matrices. */
  shape: readonly number[];
  /** Optional names of the logical dimensions, one per dimension. */
  dimNames?: readonly string[];
  /**
   * Optional permutation: physical dimension k holds logical dimension `permutation[k]`.
   * Absent means row-major logical order.
   */
  permutation?: readonly number[];
}

/** Upper bound on the elements of one tensor, to refuse absurd shapes from untrusted metadata. */
const MAX_TENSOR_SIZE = 2 ** 31 - 1;

function checkParams(p: FixedShapeTensorParams, code: "invalid" | "corrupt"): number {
  const fail = (why: string): never => {
    throw new ArrowError(code, `${FIXED_SHAPE_TENSOR_EXTENSION_NAME}: ${why}`);
  };
  if (!Array.isArray(p.shape)) fail("shape must be an array");
  let size = 1;
  for (const d of p.shape) {
    if (!Number.isInteger(d) || d < 0) fail(`dimension ${d} is not a non-negative integer`);
    size *= d;
    if (size > MAX_TENSOR_SIZE) fail("tensor has more than 2^31-1 elements");
  }
  const ndim = p.shape.length;
  if (p.dimNames !== undefined) {
    if (
      !Array.isArray(p.dimNames) || p.dimNames.length !== ndim ||
      p.dimNames.some((n) => typeof n !== "string")
    ) fail(`dim_names must be ${ndim} strings`);
  }
  if (p.permutation !== undefined) {
    if (!Array.isArray(p.permutation) || p.permutation.length !== ndim) {
      fail(`permutation must have ${ndim} entries`);
    }
    const seen = new Uint8Array(ndim);
    for (const k of p.permutation) {
      if (!Number.isInteger(k) || k < 0 || k >= ndim || seen[k]) {
        fail("permutation must be a permutation of 0..ndim-1");
      }
      seen[k] = 1;
    }
  }
  return size;
}

/**
 * Parses `ARROW:extension:metadata` of an `arrow.fixed_shape_tensor` field.
 *
 * @throws {ArrowError} `corrupt` for invalid JSON, shapes, names or permutations
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * console.log(extensions.parseFixedShapeTensorMetadata('{"shape":[2,3]}').shape); // [2, 3]
 * ```
 */
export function parseFixedShapeTensorMetadata(metadata: string): FixedShapeTensorParams {
  let raw: unknown;
  try {
    raw = JSON.parse(metadata);
  } catch (cause) {
    throw new ArrowError("corrupt", `${FIXED_SHAPE_TENSOR_EXTENSION_NAME} metadata is not JSON`, {
      cause,
    });
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ArrowError(
      "corrupt",
      `${FIXED_SHAPE_TENSOR_EXTENSION_NAME} metadata is not an object`,
    );
  }
  const o = raw as Record<string, unknown>;
  const params: FixedShapeTensorParams = {
    shape: o.shape as number[],
    ...(o.dim_names !== undefined ? { dimNames: o.dim_names as string[] } : {}),
    ...(o.permutation !== undefined ? { permutation: o.permutation as number[] } : {}),
  };
  checkParams(params, "corrupt");
  return params;
}

/**
 * Serialises tensor parameters as `ARROW:extension:metadata` JSON (spec field names).
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * console.log(extensions.fixedShapeTensorMetadata({ shape: [2, 2], dimNames: ["r", "c"] }));
 * // {"shape":[2,2],"dim_names":["r","c"]}
 * ```
 */
export function fixedShapeTensorMetadata(params: FixedShapeTensorParams): string {
  checkParams(params, "invalid");
  const o: Record<string, unknown> = { shape: params.shape };
  if (params.dimNames) o.dim_names = params.dimNames;
  if (params.permutation) o.permutation = params.permutation;
  return JSON.stringify(o);
}

/**
 * A column of same-shape tensors over one flat typed array; `get(i)` is a zero-copy view.
 *
 * @example
 * ```ts
 * import { extensions } from "@avila/arrow";
 * // two 2×2 matrices
 * const m = new extensions.FixedShapeTensorArray(new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]), { shape: [2, 2] });
 * console.log(m.value(1, 1, 0)); // 7
 * ```
 */
export class FixedShapeTensorArray<T extends TensorValues = Float64Array> {
  /** The flat storage, one tensor after another. Shared, never copied. */
  readonly values: T;
  /** Element (tensor) count. */
  readonly length: number;
  /** Arrow validity bitmap (bit set = valid), or null when every tensor is valid. */
  readonly validity: Uint8Array | null;
  /** Logical shape. */
  readonly shape: readonly number[];
  /** Names of the logical dimensions, if any. */
  readonly dimNames: readonly string[] | undefined;
  /** Physical-to-logical dimension permutation, if any. */
  readonly permutation: readonly number[] | undefined;
  /** Numbers per tensor: the product of the shape. */
  readonly size: number;
  // strides[d] = distance in the flat tensor between consecutive indices of LOGICAL dimension d
  readonly #strides: number[];

  /**
   * Wraps flat storage without copying.
   *
   * @throws {ArrowError} `invalid` for a bad shape/permutation or storage not a whole number of
   *   tensors
   */
  constructor(values: T, params: FixedShapeTensorParams, validity?: Uint8Array | null) {
    this.size = checkParams(params, "invalid");
    this.shape = [...params.shape];
    this.dimNames = params.dimNames ? [...params.dimNames] : undefined;
    this.permutation = params.permutation ? [...params.permutation] : undefined;
    this.length = this.size === 0
      ? 0
      : elementCount(values, this.size, FIXED_SHAPE_TENSOR_EXTENSION_NAME);
    this.values = values;
    this.validity = checkValidity(validity, this.length, FIXED_SHAPE_TENSOR_EXTENSION_NAME);
    const ndim = this.shape.length;
    const perm = this.permutation ?? this.shape.map((_, k) => k);
    const strides = new Array<number>(ndim).fill(0);
    let stride = 1;
    for (let k = ndim - 1; k >= 0; k--) {
      strides[perm[k]] = stride;
      stride *= this.shape[perm[k]];
    }
    this.#strides = strides;
  }

  /**
   * The extension metadata JSON for this column.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log(new extensions.FixedShapeTensorArray(new Float32Array(6), { shape: [2, 3] }).metadata()); // {"shape":[2,3]}
   * ```
   */
  metadata(): string {
    return fixedShapeTensorMetadata(this);
  }

  /**
   * Whether tensor `i` is non-null.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * console.log(new extensions.FixedShapeTensorArray(new Float64Array(4), { shape: [4] }).isValid(0)); // true
   * ```
   */
  isValid(i: number): boolean {
    checkIndex(i, this.length, FIXED_SHAPE_TENSOR_EXTENSION_NAME);
    return isValidAt(this.validity, i);
  }

  /**
   * Tensor `i` as a zero-copy view of its flat physical storage, or null.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const t = new extensions.FixedShapeTensorArray(new Int32Array([1, 2, 3, 4]), { shape: [2] });
   * console.log(Array.from(t.get(1)!)); // [3, 4]
   * ```
   */
  get(i: number): T | null {
    checkIndex(i, this.length, FIXED_SHAPE_TENSOR_EXTENSION_NAME);
    if (!isValidAt(this.validity, i)) return null;
    return this.values.subarray(i * this.size, (i + 1) * this.size) as T;
  }

  /**
   * Overwrites tensor `i` from flat physical-order numbers; validity is unchanged.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const t = new extensions.FixedShapeTensorArray(new Float64Array(4), { shape: [2] });
   * t.set(0, [5, 6]);
   * console.log(t.values[1]); // 6
   * ```
   */
  set(i: number, tensor: ArrayLike<number>): void {
    checkIndex(i, this.length, FIXED_SHAPE_TENSOR_EXTENSION_NAME);
    if (tensor.length !== this.size) {
      throw new ArrowError(
        "invalid",
        `tensor has ${tensor.length} numbers, shape needs ${this.size}`,
      );
    }
    this.values.set(tensor, i * this.size);
  }

  /**
   * The number at logical index `index` of tensor `i` (honours the permutation).
   *
   * @throws {ArrowError} `invalid` for a wrong number of indices or one out of range
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * // a 2×3 logical tensor stored transposed (physical 3×2)
   * const t = new extensions.FixedShapeTensorArray(new Float64Array([0, 3, 1, 4, 2, 5]), {
   *   shape: [2, 3],
   *   permutation: [1, 0],
   * });
   * console.log(t.value(0, 1, 2)); // 5
   * ```
   */
  value(i: number, ...index: number[]): number {
    checkIndex(i, this.length, FIXED_SHAPE_TENSOR_EXTENSION_NAME);
    if (index.length !== this.shape.length) {
      throw new ArrowError("invalid", `expected ${this.shape.length} indices, got ${index.length}`);
    }
    let off = i * this.size;
    for (let d = 0; d < index.length; d++) {
      checkIndex(index[d], this.shape[d], `${FIXED_SHAPE_TENSOR_EXTENSION_NAME} dimension ${d}`);
      off += index[d] * this.#strides[d];
    }
    return this.values[off];
  }

  /**
   * Frobenius norms sqrt(Σ aᵢ²), one per tensor.
   *
   * @example
   * ```ts
   * import { extensions } from "@avila/arrow";
   * const t = new extensions.FixedShapeTensorArray(new Float64Array([3, 4, 0, 0]), { shape: [2, 2] });
   * console.log(t.frobeniusNorm()[0]); // 5
   * ```
   */
  frobeniusNorm(out?: Float64Array): Float64Array {
    const n = this.length, size = this.size, a = this.values;
    if (out !== undefined && out.length !== n) {
      throw new ArrowError("invalid", `output has ${out.length} slots, needs ${n}`);
    }
    const r = out ?? new Float64Array(n);
    for (let i = 0, o = 0; i < n; i++) {
      let s = 0;
      const end = o + size;
      for (; o < end; o++) s += a[o] * a[o];
      r[i] = Math.sqrt(s);
    }
    return r;
  }
}
