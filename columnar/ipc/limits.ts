/**
 * Limits applied by the IPC readers to hostile or accidental huge input.
 *
 * @module
 */

import { ArrowError } from "../errors.ts";

/** Reader limits with every field given: `IpcReadOptions.limits`, defaults filled in. */
export type IpcLimits = Required<NonNullable<IpcReadOptions["limits"]>>;

/**
 * Default reader limits.
 *
 * @example
 * ```ts
 * import { DEFAULT_IPC_LIMITS } from "./limits.ts";
 * console.log(DEFAULT_IPC_LIMITS.maxDepth); // 64
 * ```
 */
export const DEFAULT_IPC_LIMITS: Readonly<IpcLimits> = Object.freeze({
  maxMetadataSize: 16 * 1024 * 1024,
  maxBodySize: 2 * 1024 * 1024 * 1024,
  maxRows: 0x7fffffff,
  maxDecompressedSize: 256 * 1024 * 1024,
  maxOutputSize: 1024 * 1024 * 1024,
  maxValues: Infinity,
  maxDepth: 64,
  maxFields: 100_000,
  maxBuffers: 1_000_000,
  maxBatches: 1_000_000,
});

/**
 * Options of every IPC reader.
 *
 * @example
 * ```ts
 * import { type IpcReadOptions, readIpcStream, writeIpcStream, RecordBatch } from "@avila/arrow";
 * const opts: IpcReadOptions = { limits: { maxRows: 1_000_000 } };
 * const bytes = writeIpcStream(RecordBatch.fromRows([{ a: 1 }]));
 * console.log(readIpcStream(bytes, opts).batches.length); // 1
 * ```
 */
export interface IpcReadOptions {
  /**
   * Overrides of the default limits; every count and size read from input is checked against
   * them before use.
   */
  limits?: {
    /** Largest flatbuffer metadata of one message, in bytes. Default 16 MiB. */
    maxMetadataSize?: number;
    /** Largest message body, in bytes. Default 2 GiB. */
    maxBodySize?: number;
    /** Most rows in one batch (and elements in one nested column). Default 2^31 - 1. */
    maxRows?: number;
    /** Most bytes decompressed for one message (all its buffers together). Default 256 MiB. */
    maxDecompressedSize?: number;
    /**
     * Most bytes one read may allocate for column data, all messages together (record batches
     * and dictionaries): decompressed buffers, expanded view columns, realigned copies and
     * concatenated dictionary deltas, and a fixed cost for the objects of each batch (96 bytes)
     * and column (384 bytes). Buffers used in place (uncompressed, aligned) cost nothing: they are
     * the input. The same name as the decoded-size limit of `compress/`. Default 1 GiB
     * (`Infinity` for an endless stream whose batches are dropped as they are read).
     */
    maxOutputSize?: number;
    /**
     * Most values one read may hold, all batches and dictionaries together: the rows of every
     * record batch plus the elements of every column, nested and encoded ones included (each
     * field node counts its length). Run-end encoded, null-typed and nested columns can hold
     * billions of values in a few bytes; a consumer that materialises them (`toRows()`, JSON)
     * allocates one JavaScript value each. Default unbounded (`Infinity`): a plain read costs
     * only its buffers; `readArrowBody()` derives a bound from the body size.
     */
    maxValues?: number;
    /** Deepest type nesting. Default 64. */
    maxDepth?: number;
    /** Most fields plus metadata entries in a schema, nested ones included. Default 100 000. */
    maxFields?: number;
    /** Most buffers (and field nodes) in one batch. Default 1 000 000. */
    maxBuffers?: number;
    /** Most record batches (and dictionary batches) in one stream or file. Default 1 000 000. */
    maxBatches?: number;
  };
  /**
   * Check that every non-null string (utf8, large utf8, utf8 view, in dictionaries and nested
   * columns too) is valid UTF-8, failing the read with a `corrupt` error otherwise. Default
   * false, as in pyarrow, apache-arrow and flechette (which check when a value is read, or
   * never); `readArrow()` turns it on.
   */
  validateUtf8?: boolean;
}

/** Limits with defaults filled in. */
export function resolveLimits(options?: IpcReadOptions): IpcLimits {
  return { ...DEFAULT_IPC_LIMITS, ...options?.limits };
}

/**
 * What is left of `maxOutputSize` during one read: charged before each allocation, so a small
 * input that expands (many compressed messages, repeated views) fails before the memory is
 * taken rather than after.
 */
export class OutputBudget {
  /** The limit this budget started from. */
  readonly max: number;
  #left: number;

  /** The `maxValues` limit this budget counts values against. */
  readonly maxValues: number;
  #values = 0;

  /**
   * A budget for one read.
   *
   * @param max bytes the read may allocate
   * @param maxValues values (rows and column elements) the read may hold
   */
  constructor(max: number, maxValues: number = Infinity) {
    this.max = max;
    this.#left = max;
    this.maxValues = maxValues;
  }

  /** Counts `n` more values (a batch's rows, a column's elements); a `limit` error past it. */
  countValues(n: number, what: string): void {
    this.#values += n;
    if (!(this.#values <= this.maxValues)) {
      throw new ArrowError(
        "limit",
        `${what} take the read past maxValues (${this.maxValues} rows and elements)`,
      );
    }
  }

  /** Takes `bytes` from the budget; a `limit` error when they are not left. */
  charge(bytes: number, what: string): void {
    this.#left -= bytes;
    if (!(this.#left >= 0)) {
      throw new ArrowError(
        "limit",
        `${what} takes the read past maxOutputSize (${this.max} bytes)`,
      );
    }
  }
}
