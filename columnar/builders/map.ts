/**
 * Builder for maps.
 *
 * @module
 */

import { type Column, type ListColumn, MapColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type MapType, Type } from "../types.ts";
import { type Builder, describe } from "./builder.ts";
import { ListBuilder } from "./list.ts";

/**
 * Appends maps: a JS `Map`, an array of `[key, value]` pairs or a plain object (its own
 * enumerable string keys). Keys must not be null.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { MapBuilder } from "./map.ts";
 * const b = new MapBuilder(types.map(types.utf8(), types.int32()));
 * b.append(new Map([["x", 1]]));
 * b.append([["y", null]]);
 * console.log(b.finish().toArray()); // [ [ [ "x", 1 ] ], [ [ "y", null ] ] ]
 * ```
 */
export class MapBuilder implements Builder<unknown> {
  /** The map type. */
  readonly type: MapType;
  #list: ListBuilder;

  /**
   * Creates an empty builder.
   *
   * @param type a map type
   */
  constructor(type: MapType) {
    this.type = type;
    this.#list = new ListBuilder({ typeId: Type.List, child: type.child });
  }

  /** Maps appended. */
  get length(): number {
    return this.#list.length;
  }

  /** Appends a map (Map, pairs or object) or null. */
  append(value: unknown): void {
    if (value === null || value === undefined) return this.#list.append(null);
    let pairs: Iterable<unknown>;
    if (value instanceof Map || Array.isArray(value)) pairs = value;
    else if (typeof value === "object" && !ArrayBuffer.isView(value)) {
      pairs = Object.entries(value as Record<string, unknown>);
    } else throw new ArrowError("invalid", `map column cannot hold a ${describe(value)}`);
    const entries: { key: unknown; value: unknown }[] = [];
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2) {
        throw new ArrowError("invalid", "map entries must be [key, value] pairs");
      }
      if (p[0] === null || p[0] === undefined) throw new ArrowError("invalid", "map key is null");
      entries.push({ key: p[0], value: p[1] });
    }
    this.#list.append(entries);
  }

  /** The map column. */
  finish(): Column {
    const list = this.#list.finish() as ListColumn;
    return new MapColumn({ ...list.data, type: this.type });
  }
}
