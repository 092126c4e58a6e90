// Private helpers shared by the extension accessors: storage checks and validity bitmaps.
// Validity follows the Arrow columnar format: bit i (LSB first) set means element i is valid;
// a null bitmap means every element is valid.
import { ArrowError } from "../errors.ts";

/** Float element arrays an extension type may be stored in. */
export type FloatArray = Float32Array | Float64Array;

/** Checks that `values` holds whole elements of `width` numbers; returns the element count. */
export function elementCount(values: ArrayLike<number>, width: number, typeName: string): number {
  if (values.length % width !== 0) {
    throw new ArrowError(
      "invalid",
      `${typeName} storage must hold ${width} numbers per element, got ${values.length} numbers`,
    );
  }
  return values.length / width;
}

/** Checks a validity bitmap covers `length` elements. */
export function checkValidity(
  validity: Uint8Array | null | undefined,
  length: number,
  typeName: string,
): Uint8Array | null {
  if (validity == null) return null;
  if (validity.length * 8 < length) {
    throw new ArrowError(
      "invalid",
      `${typeName} validity bitmap has ${validity.length} bytes, ${length} elements need ${
        Math.ceil(length / 8)
      }`,
    );
  }
  return validity;
}

/** Throws `out-of-range` unless `0 <= i < length` and `i` is an integer. */
export function checkIndex(i: number, length: number, typeName: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= length) {
    throw new ArrowError("invalid", `${typeName} index ${i} outside 0..${length - 1}`);
  }
}

/** Throws `length-mismatch` unless both operands have the same element count. */
export function checkSameLength(a: number, b: number, typeName: string): void {
  if (a !== b) {
    throw new ArrowError("invalid", `${typeName} operands have ${a} and ${b} elements`);
  }
}

/** Whether element `i` is valid under `validity` (null = all valid). */
export function isValidAt(validity: Uint8Array | null, i: number): boolean {
  return validity === null || (validity[i >> 3] & (1 << (i & 7))) !== 0;
}

/** Sets or clears bit `i` of a validity bitmap. */
export function setValidAt(validity: Uint8Array, i: number, valid: boolean): void {
  if (valid) validity[i >> 3] |= 1 << (i & 7);
  else validity[i >> 3] &= ~(1 << (i & 7));
}

/** The validity of an elementwise result of two operands: null iff either input is null. */
export function andValidity(
  a: Uint8Array | null,
  b: Uint8Array | null,
  length: number,
): Uint8Array | null {
  if (a === null) return b;
  if (b === null) return a;
  const bytes = Math.ceil(length / 8);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = a[i] & b[i];
  return out;
}

/** A result buffer: `out` when given (checked for size), else a fresh array. */
export function outBuffer<T extends FloatArray>(
  out: T | undefined,
  size: number,
  make: (n: number) => T,
  typeName: string,
): T {
  if (out === undefined) return make(size);
  if (out.length !== size) {
    throw new ArrowError(
      "invalid",
      `${typeName} output buffer has ${out.length} numbers, needs ${size}`,
    );
  }
  return out;
}

/** `out` when given (checked for size), else a fresh Float64Array. */
export function outFloat64(
  out: Float64Array | undefined,
  size: number,
  typeName: string,
): Float64Array {
  return outBuffer(out, size, (n) => new Float64Array(n), typeName);
}

/**
 * |(a, b)| without the overflow/underflow of sqrt(a² + b²): the fast path is used whenever the
 * sum of squares is a normal, finite number, otherwise Math.hypot rescales.
 */
export function hypot2(a: number, b: number): number {
  const s = a * a + b * b;
  if (s < 1.7976931348623157e308 && s > 2.2250738585072014e-308) return Math.sqrt(s);
  return Math.hypot(a, b);
}

/** How one element of a 4-number record type reads from and writes to the flat storage. */
export interface Record4Codec<T> {
  /** The element at storage offset `o`. */
  read(v: Float64Array, o: number): T;
  /** Writes `e` at storage offset `o`. */
  write(v: Float64Array, o: number, e: T): void;
}

/**
 * The codec of a record of four named numbers stored in the order of `keys` (quaternion
 * `w x y z`, 4-vector `x y z t`, geodesic point `r theta phi t`).
 */
export function namedRecord4Codec<K extends string>(
  keys: readonly [K, K, K, K],
): Record4Codec<Record<K, number>> {
  const [a, b, c, d] = keys;
  return {
    read: (v, o) =>
      ({ [a]: v[o], [b]: v[o + 1], [c]: v[o + 2], [d]: v[o + 3] }) as Record<K, number>,
    write(v, o, e) {
      v[o] = e[a];
      v[o + 1] = e[b];
      v[o + 2] = e[c];
      v[o + 3] = e[d];
    },
  };
}

/** Euclidean norms of the 4-number records of `values`, one per record. */
export function norm4(
  values: Float64Array,
  out: Float64Array | undefined,
  typeName: string,
): Float64Array {
  const n = values.length >> 2;
  const r = outFloat64(out, n, typeName);
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const p = values[o], q = values[o + 1], s = values[o + 2], t = values[o + 3];
    r[i] = Math.sqrt(p * p + q * q + s * s + t * t);
  }
  return r;
}

/** Each 4-number record of `values` scaled to unit Euclidean norm (a zero record becomes NaN). */
export function normalize4(
  values: Float64Array,
  out: Float64Array | undefined,
  typeName: string,
): Float64Array {
  const n4 = values.length;
  const r = outFloat64(out, n4, typeName);
  for (let o = 0; o < n4; o += 4) {
    const p = values[o], q = values[o + 1], s = values[o + 2], t = values[o + 3];
    const inv = 1 / Math.sqrt(p * p + q * q + s * s + t * t);
    r[o] = p * inv;
    r[o + 1] = q * inv;
    r[o + 2] = s * inv;
    r[o + 3] = t * inv;
  }
  return r;
}

/** Packs records (nulls allowed) into flat storage plus a validity bitmap (null when none). */
export function packRecord4<T>(
  items: Iterable<T | null | undefined>,
  codec: Record4Codec<T>,
): { values: Float64Array; validity: Uint8Array | null } {
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
    codec.write(values, i * 4, e);
  }
  return { values, validity };
}
