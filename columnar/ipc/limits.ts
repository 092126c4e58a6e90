/**
 * Limits applied by the IPC readers to hostile or accidental huge input.
 *
 * @module
 */

/**
 * Reader limits; every count and size read from input is checked against them before use.
 *
 * @example
 * ```ts
 * import { DEFAULT_IPC_LIMITS } from "@avila/avx-http/columnar";
 * console.log(DEFAULT_IPC_LIMITS.maxDepth); // 64
 * ```
 */
export interface IpcLimits {
  /** Largest flatbuffer metadata of one message, in bytes. Default 16 MiB. */
  maxMetadataSize: number;
  /** Largest message body, in bytes. Default 2 GiB. */
  maxBodySize: number;
  /** Most rows in one batch (and elements in one nested column). Default 2^31 - 1. */
  maxRows: number;
  /** Most bytes decompressed for one message (all its buffers together). Default 256 MiB. */
  maxDecompressedSize: number;
  /** Deepest type nesting. Default 64. */
  maxDepth: number;
  /** Most fields plus metadata entries in a schema, nested ones included. Default 100 000. */
  maxFields: number;
  /** Most buffers (and field nodes) in one batch. Default 1 000 000. */
  maxBuffers: number;
  /** Most record batches (and dictionary batches) in one stream or file. Default 1 000 000. */
  maxBatches: number;
}

/**
 * Default reader limits.
 *
 * @example
 * ```ts
 * import { DEFAULT_IPC_LIMITS } from "@avila/avx-http/columnar";
 * console.log(DEFAULT_IPC_LIMITS.maxDepth); // 64
 * ```
 */
export const DEFAULT_IPC_LIMITS: Readonly<IpcLimits> = Object.freeze({
  maxMetadataSize: 16 * 1024 * 1024,
  maxBodySize: 2 * 1024 * 1024 * 1024,
  maxRows: 0x7fffffff,
  maxDecompressedSize: 256 * 1024 * 1024,
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
 * import { type IpcReadOptions, readIpcStream, writeIpcStream, RecordBatch } from "@avila/avx-http/columnar";
 * const opts: IpcReadOptions = { limits: { maxRows: 1_000_000 } };
 * const bytes = writeIpcStream(RecordBatch.fromRows([{ a: 1 }]));
 * console.log(readIpcStream(bytes, opts).batches.length); // 1
 * ```
 */
export interface IpcReadOptions {
  /** Overrides of {@link DEFAULT_IPC_LIMITS}. */
  limits?: Partial<IpcLimits>;
}

/** Limits with defaults filled in. */
export function resolveLimits(options?: IpcReadOptions): IpcLimits {
  return { ...DEFAULT_IPC_LIMITS, ...options?.limits };
}
