/**
 * Extension types: plain Arrow storage plus the field metadata keys `ARROW:extension:name` and
 * `ARROW:extension:metadata`. Readers that do not know an extension see the storage column;
 * this registry lets code that does know it wrap the column in its own class on read. The
 * built-in types ({@link scientificExtensionTypes}) are known without registration; nothing is
 * registered on import.
 *
 * @module
 */

import { type Column, type ColumnData, makeColumn } from "./column.ts";
import { ArrowError } from "./errors.ts";
import { EXTENSION_METADATA_KEY, EXTENSION_NAME_KEY, Field } from "./schema.ts";
import type { DataType } from "./types.ts";
import { scientificExtensionTypes } from "./extensions/columns.ts";

/**
 * How an extension type is recognised and wrapped.
 *
 * @example
 * ```ts
 * import { type ExtensionType, makeColumn } from "@avila/arrow";
 * const pair: ExtensionType = {
 *   name: "example.pair",
 *   wrap: (data) => makeColumn(data), // the storage column; subclass `Column` for custom values
 * };
 * console.log(pair.name); // "example.pair"
 * ```
 */
export interface ExtensionType<C extends Column = Column> {
  /** The `ARROW:extension:name` value, e.g. `avila.quaternion`. */
  readonly name: string;
  /**
   * Whether a storage type (and serialized metadata) is acceptable; when it returns false the
   * reader leaves the plain storage column. Default: accept.
   */
  accepts?(storage: DataType, metadata: string): boolean;
  /** Builds the extension column over the storage buffers (`data.extension` is set). */
  wrap(data: ColumnData, field: Field): C;
}

/** Types given to `registerExtensionType`; consulted before the built-in ones. */
const registry = new Map<string, ExtensionType>();
/** The built-in types by name, built on first lookup (not on import). */
let builtins: Map<string, ExtensionType> | undefined;

function lookup(name: string): ExtensionType | undefined {
  const registered = registry.get(name);
  if (registered !== undefined) return registered;
  builtins ??= new Map(scientificExtensionTypes().map((t) => [t.name, t]));
  return builtins.get(name);
}

/**
 * Registers (or replaces) an extension type, consulted by the IPC readers.
 *
 * @example
 * ```ts
 * import { makeColumn, registerExtensionType, unregisterExtensionType } from "@avila/arrow";
 * registerExtensionType({ name: "example.vec2", wrap: (d) => makeColumn(d) });
 * unregisterExtensionType("example.vec2");
 * ```
 */
export function registerExtensionType<C extends Column>(type: ExtensionType<C>): void {
  if (typeof type.name !== "string" || type.name === "") {
    throw new ArrowError("invalid", "extension type needs a name");
  }
  registry.set(type.name, type as ExtensionType);
}

/**
 * Removes a type given to `registerExtensionType`; returns whether it was registered. (A
 * built-in type stays known: register a replacement with `accepts: () => false` to read its
 * fields as plain storage.)
 *
 * @example
 * ```ts
 * import { unregisterExtensionType } from "@avila/arrow";
 * console.log(unregisterExtensionType("nobody.here")); // false
 * ```
 */
export function unregisterExtensionType(name: string): boolean {
  return registry.delete(name);
}

/**
 * The extension type called `name` (registered, else built in), or undefined.
 *
 * @example
 * ```ts
 * import { getExtensionType } from "./extension.ts";
 * console.log(getExtensionType("nobody.here")); // undefined
 * ```
 */
export function getExtensionType(name: string): ExtensionType | undefined {
  return lookup(name);
}

/**
 * Applies `field`'s extension metadata to a storage column: tags it with its extension identity
 * and, when the extension is registered and accepts the storage, wraps it in its class.
 *
 * @example
 * ```ts
 * import { columnFromValues, Field, types } from "@avila/arrow";
 * import { applyExtension } from "./extension.ts";
 * const f = new Field("x", types.float64(), true, { "ARROW:extension:name": "example.unknown" });
 * console.log(applyExtension(columnFromValues(new Float64Array(1)), f).extension?.name);
 * // "example.unknown"
 * ```
 */
export function applyExtension(column: Column, field: Field): Column {
  const name = field.metadata.get(EXTENSION_NAME_KEY);
  if (name === undefined) return column;
  const metadata = field.metadata.get(EXTENSION_METADATA_KEY) ?? "";
  const data: ColumnData = { ...column.data, extension: { name, metadata } };
  const def = lookup(name);
  if (def && (def.accepts?.(column.type, metadata) ?? true)) return def.wrap(data, field);
  return makeColumn(data);
}

/**
 * A field for `column` named `name`, carrying the column's extension identity as metadata.
 *
 * @example
 * ```ts
 * import { columnFromValues } from "@avila/arrow";
 * import { fieldFor } from "./extension.ts";
 * console.log(fieldFor("x", columnFromValues(new Int32Array(2))).type.typeId); // 2
 * ```
 */
export function fieldFor(name: string, column: Column, metadata?: Record<string, string>): Field {
  const md = new Map(Object.entries(metadata ?? {}));
  const ext = column.extension;
  if (ext) {
    md.set(EXTENSION_NAME_KEY, ext.name);
    md.set(EXTENSION_METADATA_KEY, ext.metadata);
  }
  return new Field(name, column.type, true, md);
}
