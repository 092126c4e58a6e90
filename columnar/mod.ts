/**
 * avila-arrow: Apache Arrow columns, record batches and IPC (stream, file, `.avila`), zero-copy.
 *
 * ## Architecture
 *
 * - **Types** (`types.ts`) are plain immutable descriptors `{ typeId, ... }` using the `Type`
 *   ids of Arrow's `Schema.fbs` (dictionary encoding is the pseudo type `Type.Dictionary = -1`),
 *   built with the factories of the `types` namespace: `types.float64()`,
 *   `types.timestamp(TimeUnit.NANOSECOND, "UTC")`, `types.list(types.float32())`,
 *   `types.struct({ x: types.float64() })`, `types.dictionary(types.utf8(), types.int32())`, ...
 * - **Field / Schema** (`schema.ts`): name, type, nullability and `Map<string, string>`
 *   metadata. Extension types are storage + field metadata `ARROW:extension:name` /
 *   `ARROW:extension:metadata`; `registerExtensionType({ name, accepts?, wrap })`
 *   (`extension.ts`) lets readers wrap such columns in a subclass of `Column`.
 * - **Column** (`column.ts`): a `ColumnData` record of Arrow buffers — `values` (a typed array:
 *   `Float64Array`, `BigInt64Array`, bit-packed `Uint8Array` for bool, UTF-8 bytes, indices for
 *   dictionaries), `offsets`, `validity` bitmap, `children`, `dictionary` — plus an element
 *   `offset`, so `slice` is zero-copy. `Column` has `get(i)`, `isValid(i)`, `toArray()` and
 *   iteration; `makeColumn(data)` picks the (private) class for the layout. For numbers,
 *   `column.data.values` from `data.offset` is the zero-copy typed array vectorized code should
 *   loop over.
 * - **Builders** (`builders/`, one per type, `makeBuilder(type)`): `append(value)` then
 *   `finish()`; used by `fromRows`, `columnFromValues` and extension constructors.
 * - **RecordBatch** (`batch.ts`): schema + equal-length columns; `tryNew`, `fromColumns`
 *   (typed arrays are wrapped, not copied), `fromRows` (schema inference rules in `infer.ts`),
 *   `toRows`, `slice`, `select`, `column(name)`, `take(indices)`, `filter(mask | { evaluate })`.
 * - **IPC** (`ipc/`): `write/` and `read/` mirror each other over a minimal FlatBuffers codec
 *   (`ipc/flatbuffers/`). Writers yield message headers and the column buffers themselves
 *   (subarrays) plus padding chunks; readers return zero-copy views into the input when it is
 *   aligned, checking every length, offset and count against `limits`. Body compression
 *   (LZ4_FRAME, ZSTD) follows `Message.fbs` `BodyCompression`.
 *
 * - **Files**: `.avila` files (`avila.ts`) are IPC files with `avila:*` provenance metadata.
 * - Built on top: scientific extension types (`extensions/`), filter expressions (`expr/`),
 *   and HTTP content negotiation helpers (`http.ts`).
 *
 * Every failure is an `ArrowError` with `code` "invalid" | "corrupt" | "limit" | "unsupported".
 *
 * @example
 * ```ts
 * import { RecordBatch } from "@avila/arrow";
 * const batch = RecordBatch.fromRows([{ t: 0, v: 1.5 }, { t: 1, v: null }]);
 * console.log(batch.schema.names, batch.toRows()[1]); // [ "t", "v" ] { t: 1, v: null }
 * ```
 *
 * @module
 */

// The user-facing API: types, fields and schemas, columns and record batches, builders, IPC
// read/write, `.avila` files, HTTP negotiation, filter expressions and extension types. The
// per-layout column and builder classes, the IPC framing and the FlatBuffers codec stay private.
// The data-type factories form one namespace (`types.float64()`, `types.list(...)`), as do the
// scientific extension types (`extensions.complex64Column(...)`); the descriptors a `DataType`
// can be and their units stay top-level.
export { ArrowError } from "./errors.ts";
export * as types from "./types.ts";
export {
  type DataType,
  DateUnit,
  IntervalUnit,
  Precision,
  TimeUnit,
  Type,
  UnionMode,
} from "./types.ts";
export { Field, type MetadataInit, Schema } from "./schema.ts";
export { Column, type ColumnData, makeColumn, type TypedArray } from "./column.ts";
export { type FromOptions, RecordBatch } from "./batch.ts";
export { columnFromValues, type InferOptions } from "./infer.ts";
export { type Builder, type BuilderOptions, makeBuilder } from "./builders/mod.ts";
export { type ExtensionType, registerExtensionType, unregisterExtensionType } from "./extension.ts";
export * as extensions from "./extensions/mod.ts";
export {
  type IpcCompression,
  type IpcFileReadResult,
  type IpcFileWriteOptions,
  ipcMessages,
  ipcReadableStream,
  type IpcReadOptions,
  type IpcReadResult,
  IpcStreamReader,
  type IpcWriteOptions,
  readIpcFile,
  readIpcStream,
  readIpcStreamAsync,
  writeIpcFile,
  writeIpcStream,
} from "./ipc/mod.ts";
export { type AvilaProvenance, readAvilaFile, writeAvilaFile } from "./avila.ts";
export {
  and,
  col,
  computeColumn,
  Expr,
  type ExprLike,
  lit,
  type LiteralValue,
  not,
  or,
} from "./expr/mod.ts";
export { type ArrowBody, ArrowHttpError, arrowResponse, readArrowBody } from "./http.ts";
