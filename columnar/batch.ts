/**
 * RecordBatch: a schema plus equal-length columns.
 *
 * @module
 */

import { Column, type TypedArray } from "./column.ts";
import { ArrowError } from "./errors.ts";
import { fieldFor } from "./extension.ts";
import { columnFromValues, type InferOptions } from "./infer.ts";
import { extractColumns, rowKeys } from "./_rows.ts";
import { type MetadataInit, Schema } from "./schema.ts";
import { maskToIndices, takeColumn } from "./take.ts";
import { typesEqual, typeToString } from "./types.ts";

/**
 * Options of `fromColumns` / `fromRows`.
 *
 * @example
 * ```ts
 * import { type FromOptions, RecordBatch } from "@avila/arrow";
 * const opts: FromOptions = { metadata: { source: "test" } };
 * console.log(RecordBatch.fromRows([{ a: 1 }], opts).schema.metadata.get("source")); // "test"
 * ```
 */
export interface FromOptions extends InferOptions {
  /** Schema metadata. */
  metadata?: MetadataInit;
}

/**
 * A schema and equal-length columns. Immutable; slicing and projection never copy.
 *
 * @example
 * ```ts
 * import { RecordBatch } from "@avila/arrow";
 * const batch = RecordBatch.fromColumns({
 *   t: new Float64Array([0, 0.5, 1]),
 *   detector: ["H1", "L1", "H1"],
 * });
 * console.log(batch.numRows, batch.column("detector").get(1)); // 3 "L1"
 * ```
 */
export class RecordBatch {
  /** The schema. */
  readonly schema: Schema;
  /** Columns in schema order. */
  readonly columns: readonly Column[];
  /** Number of rows. */
  readonly numRows: number;

  private constructor(schema: Schema, columns: readonly Column[], numRows: number) {
    this.schema = schema;
    this.columns = columns;
    this.numRows = numRows;
  }

  /**
   * A batch after checking that there is one column per field, all of the same length, each of
   * its field's type, without nulls in non-nullable fields. Throws `invalid` otherwise. Columns
   * may also be typed arrays (wrapped; their storage must match the field type) or arrays of JS
   * values (built with the field type).
   */
  static tryNew(
    schema: Schema,
    columns: readonly (Column | TypedArray | ArrayLike<unknown>)[],
    numRows?: number,
  ): RecordBatch {
    if (!(schema instanceof Schema)) throw new ArrowError("invalid", "schema must be a Schema");
    if (!Array.isArray(columns) || columns.length !== schema.fields.length) {
      throw new ArrowError(
        "invalid",
        `schema has ${schema.fields.length} fields but ${columns?.length} columns were given`,
      );
    }
    const cols = columns.map((c, i) =>
      c instanceof Column ? c : columnFromValues(c, schema.fields[i].type)
    );
    const n = numRows ?? (cols.length > 0 ? cols[0].length : 0);
    cols.forEach((c, i) => {
      const f = schema.fields[i];
      if (c.length !== n) {
        throw new ArrowError("invalid", `column "${f.name}" has ${c.length} rows, expected ${n}`);
      }
      if (!typesEqual(c.type, f.type)) {
        throw new ArrowError(
          "invalid",
          `column "${f.name}" is ${typeToString(c.type)}, field says ${typeToString(f.type)}`,
        );
      }
      if (!f.nullable && c.nullCount > 0) {
        throw new ArrowError("invalid", `column "${f.name}" is not nullable but has nulls`);
      }
    });
    return new RecordBatch(schema, cols, n);
  }

  /**
   * A batch from named columns: typed arrays are wrapped without copying, arrays of JS values
   * are converted (strings with one bulk UTF-8 pass), columns are used as they are.
   */
  static fromColumns(
    columns: Record<string, Column | TypedArray | ArrayLike<unknown>>,
    options: FromOptions = {},
  ): RecordBatch {
    const fields = [];
    const cols = [];
    for (const [name, input] of Object.entries(columns)) {
      const c = columnFromValues(input, undefined, options);
      cols.push(c);
      fields.push(fieldFor(name, c));
    }
    return RecordBatch.tryNew(new Schema(fields, options.metadata), cols);
  }

  /**
   * A batch from row objects, inferring the schema (numbers → float64, bigint → int64, strings →
   * utf8, booleans, Date → timestamp[ms, UTC], Uint8Array → binary, arrays → list, objects →
   * struct, null/undefined → null). Columns follow first-seen key order.
   */
  static fromRows(
    rows: readonly Record<string, unknown>[],
    options: FromOptions = {},
  ): RecordBatch {
    if (!Array.isArray(rows)) throw new ArrowError("invalid", "rows must be an array of objects");
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r === null || typeof r !== "object" || Array.isArray(r)) {
        throw new ArrowError("invalid", "every row must be an object");
      }
    }
    const keys = rowKeys(rows);
    const values = extractColumns(rows, keys);
    const cols: Record<string, unknown[]> = {};
    keys.forEach((k, j) => (cols[k] = values[j]));
    return RecordBatch.fromColumns(cols, options);
  }

  /** Number of columns. */
  get numColumns(): number {
    return this.columns.length;
  }

  /** The column called `name` (or at position `name`); throws `invalid` when there is none. */
  column<T = unknown>(name: string | number): Column<T> {
    const i = typeof name === "number" ? name : this.schema.indexOf(name);
    const c = this.columns[i];
    if (c === undefined) throw new ArrowError("invalid", `no column ${JSON.stringify(name)}`);
    return c as Column<T>;
  }

  /** Row `i` as an object of JS values (see `Column.get`). */
  row(i: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const f = this.schema.fields;
    for (let k = 0; k < f.length; k++) out[f[k].name] = this.columns[k].get(i);
    return out;
  }

  /** Every row as an object. */
  toRows(): Record<string, unknown>[] {
    const n = this.numRows;
    const out = new Array<Record<string, unknown>>(n);
    const f = this.schema.fields;
    for (let i = 0; i < n; i++) out[i] = {};
    for (let k = 0; k < f.length; k++) {
      const name = f[k].name;
      const c = this.columns[k];
      for (let i = 0; i < n; i++) out[i][name] = c.get(i);
    }
    return out;
  }

  /** A zero-copy view of `length` rows from `offset` (clamped). */
  slice(offset: number, length?: number): RecordBatch {
    const cols = this.columns.map((c) => c.slice(offset, length));
    return new RecordBatch(this.schema, cols, cols.length ? cols[0].length : 0);
  }

  /** The named columns only, in the given order (zero-copy). */
  select(names: readonly string[]): RecordBatch {
    const schema = this.schema.select(names);
    return new RecordBatch(schema, names.map((n) => this.column(n)), this.numRows);
  }

  /** Rows at `indices`, in that order (copies). */
  take(indices: Int32Array | Uint32Array | readonly number[]): RecordBatch {
    return new RecordBatch(
      this.schema,
      this.columns.map((c) => takeColumn(c, indices)),
      indices.length,
    );
  }

  /** Rows where `predicate` (a byte mask, or an object with `evaluate(batch)`) is non-zero. */
  filter(
    predicate: Uint8Array | {
      /** Evaluates the predicate over every row of `batch`. */
      evaluate(batch: RecordBatch): Uint8Array;
    },
  ): RecordBatch {
    const mask = predicate instanceof Uint8Array ? predicate : predicate.evaluate(this);
    if (!(mask instanceof Uint8Array) || mask.length !== this.numRows) {
      throw new ArrowError("invalid", `filter mask must be a Uint8Array of ${this.numRows} bytes`);
    }
    return this.take(maskToIndices(mask));
  }

  /** A copy of this batch with schema metadata replaced (columns shared). */
  withMetadata(metadata: MetadataInit): RecordBatch {
    return new RecordBatch(this.schema.withMetadata(metadata), this.columns, this.numRows);
  }

  /** Iterates over rows as objects. */
  *[Symbol.iterator](): IterableIterator<Record<string, unknown>> {
    for (let i = 0; i < this.numRows; i++) yield this.row(i);
  }
}
