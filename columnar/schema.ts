/**
 * Fields and schemas: names, types, nullability and string-map metadata.
 *
 * @module
 */

import { ArrowError } from "./errors.ts";
import { type DataType, typesEqual } from "./types.ts";

/**
 * Metadata as accepted by constructors: a Map or a plain object of strings.
 *
 * @example
 * ```ts
 * import { type MetadataInit, Schema } from "@avila/arrow";
 * const md: MetadataInit = { source: "LIGO" };
 * console.log(new Schema([], md).metadata.get("source")); // "LIGO"
 * ```
 */
export type MetadataInit = ReadonlyMap<string, string> | Record<string, string>;

/**
 * The canonical field metadata key naming an extension type.
 *
 * @example
 * ```ts
 * import { EXTENSION_NAME_KEY } from "./schema.ts";
 * console.log(EXTENSION_NAME_KEY); // "ARROW:extension:name"
 * ```
 */
export const EXTENSION_NAME_KEY = "ARROW:extension:name";
/**
 * The canonical field metadata key holding an extension type's serialized parameters.
 *
 * @example
 * ```ts
 * import { EXTENSION_METADATA_KEY } from "./schema.ts";
 * console.log(EXTENSION_METADATA_KEY); // "ARROW:extension:metadata"
 * ```
 */
export const EXTENSION_METADATA_KEY = "ARROW:extension:metadata";

function toMetadata(init: MetadataInit | undefined): ReadonlyMap<string, string> {
  if (init === undefined) return new Map();
  if (init instanceof Map) return new Map(init);
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(init)) {
    if (typeof v !== "string") {
      throw new ArrowError("invalid", `metadata value of "${k}" is not a string`);
    }
    m.set(k, v);
  }
  return m;
}

function mapsEqual(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/**
 * A named, typed column slot in a schema. Immutable.
 *
 * @example
 * ```ts
 * import { Field, types } from "@avila/arrow";
 * const f = new Field("strain", types.float64(), false, { unit: "1" });
 * console.log(f.metadata.get("unit")); // "1"
 * ```
 */
export class Field {
  /** Column name. */
  readonly name: string;
  /** Data type (storage type for extension types). */
  readonly type: DataType;
  /** Whether values may be null. */
  readonly nullable: boolean;
  /** Field metadata, including `ARROW:extension:*` keys for extension types. */
  readonly metadata: ReadonlyMap<string, string>;

  /**
   * Creates a field.
   * @param name column name
   * @param type data type
   * @param nullable whether nulls are allowed (default true)
   * @param metadata string metadata
   */
  constructor(name: string, type: DataType, nullable = true, metadata?: MetadataInit) {
    this.name = name;
    this.type = type;
    this.nullable = nullable;
    this.metadata = toMetadata(metadata);
  }

  /** The extension type name from `ARROW:extension:name`, or null. */
  get extensionName(): string | null {
    return this.metadata.get(EXTENSION_NAME_KEY) ?? null;
  }

  /** A copy with other properties replaced. */
  with(
    changes: { name?: string; type?: DataType; nullable?: boolean; metadata?: MetadataInit },
  ): Field {
    return new Field(
      changes.name ?? this.name,
      changes.type ?? this.type,
      changes.nullable ?? this.nullable,
      changes.metadata ?? this.metadata,
    );
  }

  /** Structural equality: name, type, nullability and metadata. */
  equals(other: Field): boolean {
    return this === other ||
      (this.name === other.name && this.nullable === other.nullable &&
        typesEqual(this.type, other.type) && mapsEqual(this.metadata, other.metadata));
  }
}

/**
 * An ordered list of fields plus schema-level metadata. Immutable.
 *
 * @example
 * ```ts
 * import { Field, Schema, types } from "@avila/arrow";
 * const s = new Schema([new Field("t", types.float64()), new Field("id", types.utf8())], { source: "ligo" });
 * console.log(s.indexOf("id"), s.metadata.get("source")); // 1 "ligo"
 * ```
 */
export class Schema {
  /** Fields in column order. */
  readonly fields: readonly Field[];
  /** Schema metadata (e.g. `.avila` provenance keys). */
  readonly metadata: ReadonlyMap<string, string>;
  #index: Map<string, number> | undefined;

  /**
   * Creates a schema.
   * @param fields fields in column order
   * @param metadata string metadata
   */
  constructor(fields: readonly Field[], metadata?: MetadataInit) {
    this.fields = fields;
    this.metadata = toMetadata(metadata);
  }

  /** Field names in order. */
  get names(): string[] {
    return this.fields.map((f) => f.name);
  }

  /** Position of the first field called `name`, or -1. */
  indexOf(name: string): number {
    if (!this.#index) {
      this.#index = new Map();
      this.fields.forEach((f, i) => {
        if (!this.#index!.has(f.name)) this.#index!.set(f.name, i);
      });
    }
    return this.#index.get(name) ?? -1;
  }

  /** The field called `name`, or undefined. */
  field(name: string): Field | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : this.fields[i];
  }

  /** A schema of the named fields in the given order; throws `invalid` for unknown names. */
  select(names: readonly string[]): Schema {
    return new Schema(
      names.map((n) => {
        const f = this.field(n);
        if (!f) throw new ArrowError("invalid", `no field named "${n}"`);
        return f;
      }),
      this.metadata,
    );
  }

  /** A copy with schema metadata replaced. */
  withMetadata(metadata: MetadataInit): Schema {
    return new Schema(this.fields, metadata);
  }

  /** Structural equality of fields and metadata. */
  equals(other: Schema): boolean {
    return this === other ||
      (this.fields.length === other.fields.length &&
        this.fields.every((f, i) => f.equals(other.fields[i])) &&
        mapsEqual(this.metadata, other.metadata));
  }
}
