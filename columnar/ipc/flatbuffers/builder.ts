/**
 * A minimal FlatBuffers builder (back to front, as the format's forward-only offsets require):
 * tables with scalar, offset and struct fields, vectors, strings. Enough for Arrow's
 * `Schema.fbs`, `Message.fbs` and `File.fbs`.
 *
 * Offsets returned by this builder are measured from the end of the buffer, so they stay valid
 * as the buffer grows toward the front.
 *
 * @module
 */

const utf8 = new TextEncoder();

/**
 * Builds one FlatBuffer.
 *
 * @example
 * ```ts
 * import { FlatBufferBuilder } from "./builder.ts";
 * const b = new FlatBufferBuilder();
 * const name = b.createString("x");
 * b.startTable(1);
 * b.addOffset(0, name);
 * console.log(b.finish(b.endTable()).length > 0); // true
 * ```
 */
export class FlatBufferBuilder {
  #buf: Uint8Array;
  #view: DataView;
  #space: number;
  #minAlign = 1;
  #vtable: number[] = [];
  #objectStart = 0;

  /** @param capacity initial byte capacity */
  constructor(capacity = 256) {
    this.#buf = new Uint8Array(capacity);
    this.#view = new DataView(this.#buf.buffer);
    this.#space = capacity;
  }

  /** Current offset (bytes written, measured from the end). */
  offset(): number {
    return this.#buf.length - this.#space;
  }

  #grow(need: number): void {
    while (this.#space < need) {
      const old = this.#buf;
      const n = new Uint8Array(old.length * 2);
      n.set(old, old.length);
      this.#space += old.length;
      this.#buf = n;
      this.#view = new DataView(n.buffer);
    }
  }

  /** Pads so that after writing `additional` bytes, a `size`-byte value is aligned. */
  prep(size: number, additional: number): void {
    if (size > this.#minAlign) this.#minAlign = size;
    const pad = (-(this.offset() + additional)) & (size - 1);
    this.#grow(pad + size + additional);
    this.#space -= pad;
    this.#buf.fill(0, this.#space, this.#space + pad);
  }

  /** Writes an int8 (no alignment). */
  putInt8(v: number): void {
    this.#view.setInt8(--this.#space, v);
  }
  /** Writes an int16 (no alignment). */
  putInt16(v: number): void {
    this.#space -= 2;
    this.#view.setInt16(this.#space, v, true);
  }
  /** Writes an int32 (no alignment). */
  putInt32(v: number): void {
    this.#space -= 4;
    this.#view.setInt32(this.#space, v, true);
  }
  /** Writes an int64 (no alignment). */
  putInt64(v: bigint): void {
    this.#space -= 8;
    this.#view.setBigInt64(this.#space, v, true);
  }

  /** Writes an aligned int8. */
  int8(v: number): void {
    this.prep(1, 0);
    this.putInt8(v);
  }
  /** Writes an aligned int16. */
  int16(v: number): void {
    this.prep(2, 0);
    this.putInt16(v);
  }
  /** Writes an aligned int32. */
  int32(v: number): void {
    this.prep(4, 0);
    this.putInt32(v);
  }
  /** Writes an aligned int64. */
  int64(v: bigint): void {
    this.prep(8, 0);
    this.putInt64(v);
  }

  /** Writes an aligned uoffset pointing at `target` (an offset from this builder). */
  uoffset(target: number): void {
    this.prep(4, 0);
    this.putInt32(this.offset() - target + 4);
  }

  /** Begins a table with `numFields` slots. */
  startTable(numFields: number): void {
    this.#vtable = new Array(numFields).fill(0);
    this.#objectStart = this.offset();
  }

  #slot(i: number): void {
    this.#vtable[i] = this.offset();
  }

  /** Adds an int8/bool/ubyte field unless it equals the default (null: always). */
  addInt8(slot: number, v: number, dflt: number | null = 0): void {
    if (v !== dflt) {
      this.int8(v);
      this.#slot(slot);
    }
  }
  /** Adds an int16 field unless it equals the default (null: always). */
  addInt16(slot: number, v: number, dflt: number | null = 0): void {
    if (v !== dflt) {
      this.int16(v);
      this.#slot(slot);
    }
  }
  /** Adds an int32 field unless it equals the default (null: always). */
  addInt32(slot: number, v: number, dflt: number | null = 0): void {
    if (v !== dflt) {
      this.int32(v);
      this.#slot(slot);
    }
  }
  /** Adds an int64 field unless it equals the default (null: always). */
  addInt64(slot: number, v: bigint, dflt: bigint | null = 0n): void {
    if (v !== dflt) {
      this.int64(v);
      this.#slot(slot);
    }
  }
  /** Adds an offset field (0 = absent). */
  addOffset(slot: number, target: number): void {
    if (target !== 0) {
      this.uoffset(target);
      this.#slot(slot);
    }
  }
  /** Marks the struct just written inline as field `slot`. */
  addStructSlot(slot: number): void {
    this.#slot(slot);
  }

  /** Ends the table; returns its offset. */
  endTable(): number {
    this.int32(0); // soffset to the vtable, patched below
    const objectOffset = this.offset();
    let n = this.#vtable.length;
    while (n > 0 && this.#vtable[n - 1] === 0) n--;
    for (let i = n - 1; i >= 0; i--) {
      this.int16(this.#vtable[i] ? objectOffset - this.#vtable[i] : 0);
    }
    this.int16(objectOffset - this.#objectStart);
    this.int16((n + 2) * 2);
    const vtableOffset = this.offset();
    // table position minus vtable position (the vtable sits before the table)
    this.#view.setInt32(this.#buf.length - objectOffset, vtableOffset - objectOffset, true);
    return objectOffset;
  }

  /** Begins a vector of `count` elements of `elemSize` bytes aligned to `alignment`. */
  startVector(elemSize: number, count: number, alignment: number): void {
    this.prep(4, elemSize * count);
    this.prep(alignment, elemSize * count);
  }

  /** Ends a vector of `count` elements; returns its offset. */
  endVector(count: number): number {
    this.prep(4, 0);
    this.putInt32(count);
    return this.offset();
  }

  /** A vector of offsets (tables or strings). */
  createOffsetVector(targets: readonly number[]): number {
    this.startVector(4, targets.length, 4);
    for (let i = targets.length - 1; i >= 0; i--) this.uoffset(targets[i]);
    return this.endVector(targets.length);
  }

  /** A vector of int64 values. */
  createInt64Vector(values: readonly bigint[]): number {
    this.startVector(8, values.length, 8);
    for (let i = values.length - 1; i >= 0; i--) this.putInt64(values[i]);
    return this.endVector(values.length);
  }

  /** A null-terminated UTF-8 string. */
  createString(s: string): number {
    const bytes = utf8.encode(s);
    this.prep(4, bytes.length + 1);
    this.putInt8(0);
    this.#space -= bytes.length;
    this.#buf.set(bytes, this.#space);
    return this.endVector(bytes.length);
  }

  /** Writes the root offset and returns the finished buffer (a view into the builder). */
  finish(root: number): Uint8Array {
    this.prep(this.#minAlign, 4);
    this.uoffset(root);
    return this.#buf.subarray(this.#space);
  }
}
