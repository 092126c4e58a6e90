/**
 * Builder for list views (list view and large list view).
 *
 * @module
 */

import { type Column, ListViewColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type ListViewType, Type } from "../types.ts";
import { type Builder, builtColumnData, describe, grow, ValidityBuilder } from "./builder.ts";
import { makeBuilder } from "./make.ts";

/**
 * Appends arrays (or typed arrays) as list views; each list's elements are appended to the
 * child in order, so the views it writes never overlap.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { ListViewBuilder } from "./list_view.ts";
 * const b = new ListViewBuilder(types.listView(types.utf8()));
 * b.append(["a", "b"]);
 * b.append(null);
 * console.log(b.finish().toArray()); // [ [ "a", "b" ], null ]
 * ```
 */
export class ListViewBuilder implements Builder<ArrayLike<unknown>> {
  /** The list view type. */
  readonly type: ListViewType;
  /** Lists appended. */
  length = 0;
  #child: Builder;
  #offsets = new Int32Array(64);
  #sizes = new Int32Array(64);
  #validity = new ValidityBuilder();

  /**
   * Creates an empty builder.
   *
   * @param type a list view type
   */
  constructor(type: ListViewType) {
    this.type = type;
    this.#child = makeBuilder(type.child.type);
  }

  /** Appends a list or null. */
  append(value: ArrayLike<unknown> | null | undefined): void {
    const valid = value !== null && value !== undefined;
    if (
      valid &&
      !(Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)))
    ) {
      throw new ArrowError("invalid", `list view column cannot hold a ${describe(value)}`);
    }
    const i = this.length++;
    if (i + 1 > this.#offsets.length) {
      const cap = grow(this.#offsets.length, i + 1);
      const o = new Int32Array(cap);
      o.set(this.#offsets);
      this.#offsets = o;
      const s = new Int32Array(cap);
      s.set(this.#sizes);
      this.#sizes = s;
    }
    const start = this.#child.length;
    this.#offsets[i] = start;
    this.#validity.set(i, valid);
    if (!valid) return;
    for (let k = 0; k < value.length; k++) this.#child.append(value[k]);
    if (this.#child.length > 0x7fffffff) throw new ArrowError("limit", "list child too long");
    this.#sizes[i] = value.length;
  }

  /** The list view column. */
  finish(): Column {
    const n = this.length;
    const large = this.type.typeId === Type.LargeListView;
    const offsets = this.#offsets.subarray(0, n);
    const sizes = this.#sizes.subarray(0, n);
    return new ListViewColumn(
      builtColumnData(this.type, n, this.#validity, {
        values: large ? BigInt64Array.from(sizes, BigInt) : sizes,
        offsets: large ? BigInt64Array.from(offsets, BigInt) : offsets,
        children: [this.#child.finish()],
      }),
    );
  }
}
