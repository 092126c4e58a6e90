/**
 * avila-arrow: Apache Arrow columns, record batches and IPC (stream, file, `.avila`), zero-copy.
 *
 * ## Architecture
 *
 * - **Types** (`types.ts`) are plain immutable descriptors `{ typeId, ... }` using the `Type`
 *   ids of Arrow's `Schema.fbs` (dictionary encoding is the pseudo type `Type.Dictionary = -1`),
 *   built with factories: `float64()`, `timestamp(TimeUnit.NANOSECOND, "UTC")`,
 *   `list(float32())`, `fixedSizeList(float64(), 4)`, `struct({ x: float64() })`,
 *   `dictionary(utf8(), int32())`, ...
 * - **Field / Schema** (`schema.ts`): name, type, nullability and `Map<string, string>`
 *   metadata. Extension types are storage + field metadata `ARROW:extension:name` /
 *   `ARROW:extension:metadata`; `registerExtensionType({ name, accepts?, wrap })`
 *   (`extension.ts`) lets readers wrap such columns in a subclass.
 * - **Column** (`column.ts`): a `ColumnData` record of Arrow buffers — `values` (a typed array:
 *   `Float64Array`, `BigInt64Array`, bit-packed `Uint8Array` for bool, UTF-8 bytes, indices for
 *   dictionaries), `offsets`, `validity` bitmap, `children`, `dictionary` — plus an element
 *   `offset`, so `slice` is zero-copy. One class per layout (`NumberColumn`, `BigIntColumn`,
 *   `Utf8Column`, `ListColumn`, `StructColumn`, `DictionaryColumn`, ...) with `get(i)`,
 *   `isValid(i)`, `toArray()`, iteration; `NumberColumn.values` is the zero-copy typed subarray
 *   (what vectorized code should loop over). `makeColumn(data)` picks the class.
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

export * from "./errors.ts";
export * from "./types.ts";
export * from "./schema.ts";
export * from "./column.ts";
export * from "./extension.ts";
export * from "./infer.ts";
export * from "./take.ts";
export * from "./batch.ts";
export * from "./builders/mod.ts";
export * from "./ipc/mod.ts";
export * from "./avila.ts";
// Built on the above by the scientific extension types, filter expressions and HTTP helpers.
export * from "./extensions/mod.ts";
export * from "./expr/mod.ts";
export * from "./http.ts";
