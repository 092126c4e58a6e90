/**
 * `.avila` files: Arrow IPC files whose schema metadata carries scientific provenance under
 * `avila:`-prefixed keys (`avila:instrument`, `avila:observatory`, `avila:startTime`,
 * `avila:sampleRate`, ...). Any Arrow reader opens them as plain `.arrow` files.
 *
 * @module
 */

import type { RecordBatch } from "./batch.ts";
import { ArrowError } from "./errors.ts";
import { type IpcFileReadResult, readIpcFile } from "./ipc/read/file.ts";
import { ipcFileChunks, type IpcFileWriteOptions, writeIpcFile } from "./ipc/write/file.ts";
import { toIterable } from "./ipc/write/stream.ts";
import type { IpcReadOptions } from "./ipc/limits.ts";

/**
 * Prefix of provenance keys in the schema metadata.
 *
 * @example
 * ```ts
 * import { AVILA_PREFIX } from "./avila.ts";
 * console.log(AVILA_PREFIX + "instrument"); // "avila:instrument"
 * ```
 */
export const AVILA_PREFIX = "avila:";
/**
 * Metadata key holding the `.avila` format version.
 *
 * @example
 * ```ts
 * import { AVILA_VERSION_KEY } from "./avila.ts";
 * console.log(AVILA_VERSION_KEY); // "avila:version"
 * ```
 */
export const AVILA_VERSION_KEY = "avila:version";
/**
 * The `.avila` format version written.
 *
 * @example
 * ```ts
 * import { AVILA_VERSION } from "./avila.ts";
 * console.log(AVILA_VERSION); // "1"
 * ```
 */
export const AVILA_VERSION = "1";

/**
 * Scientific provenance of a data set. Known fields are typed; any other key is kept as a
 * string (numbers and dates are stringified on write).
 *
 * @example
 * ```ts
 * import { type AvilaProvenance, writeAvilaFile, RecordBatch } from "@avila/arrow";
 * const p: AvilaProvenance = { instrument: "H1", sampleRate: 4096, run: "O3" };
 * console.log(writeAvilaFile(RecordBatch.fromRows([{ h: 0 }]), p).length > 0); // true
 * ```
 */
export interface AvilaProvenance {
  /** Instrument or detector, e.g. "LIGO Hanford H1". */
  instrument?: string;
  /** Observatory or site. */
  observatory?: string;
  /** Start of the observation: a Date, or an ISO 8601 string; read back as an ISO string. */
  startTime?: Date | string;
  /** Samples per second. */
  sampleRate?: number;
  /** Any other provenance, e.g. `calibration`, `channel`, `gpsEpoch`. */
  [key: string]: string | number | Date | undefined;
}

export type AvilaFile = ReturnType<typeof readAvilaFile>;

const NUMERIC = new Set(["sampleRate"]);

function provenanceMetadata(
  base: ReadonlyMap<string, string>,
  provenance: AvilaProvenance,
): Map<string, string> {
  if (provenance === null || typeof provenance !== "object") {
    throw new ArrowError("invalid", "provenance must be an object");
  }
  const md = new Map(base);
  md.set(AVILA_VERSION_KEY, AVILA_VERSION);
  for (const [k, v] of Object.entries(provenance)) {
    if (v === undefined) continue;
    let s: string;
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) {
        throw new ArrowError("invalid", `provenance "${k}" is an invalid Date`);
      }
      s = v.toISOString();
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new ArrowError("invalid", `provenance "${k}" is not finite`);
      s = String(v);
    } else if (typeof v === "string") s = v;
    else throw new ArrowError("invalid", `provenance "${k}" must be a string, number or Date`);
    if (NUMERIC.has(k) && typeof v !== "number") {
      throw new ArrowError("invalid", `provenance "${k}" must be a number`);
    }
    md.set(AVILA_PREFIX + k, s);
  }
  return md;
}

function withProvenance(
  batches: RecordBatch | Iterable<RecordBatch>,
  provenance: AvilaProvenance,
): RecordBatch[] {
  const list = [...toIterable(batches)];
  if (list.length === 0) throw new ArrowError("invalid", "an .avila file needs at least one batch");
  const md = provenanceMetadata(list[0].schema.metadata, provenance);
  const schema = list[0].schema.withMetadata(md);
  return list.map((b) => {
    if (!b.schema.equals(list[0].schema)) {
      throw new ArrowError("invalid", "every batch of a file must have the same schema");
    }
    return b.withMetadata(schema.metadata);
  });
}

/**
 * Writes an `.avila` file: an Arrow IPC file with `provenance` in the schema metadata.
 *
 * @example
 * ```ts
 * import { writeAvilaFile, readAvilaFile, RecordBatch } from "@avila/arrow";
 * const strain = RecordBatch.fromColumns({ h: new Float64Array([1e-21, -2e-21]) });
 * const bytes = writeAvilaFile(strain, { instrument: "H1", sampleRate: 16384 });
 * console.log(readAvilaFile(bytes).provenance); // { version: "1", instrument: "H1", sampleRate: 16384 }
 * ```
 */
export function writeAvilaFile(
  batches: RecordBatch | Iterable<RecordBatch>,
  provenance: AvilaProvenance,
  options: IpcFileWriteOptions = {},
): Uint8Array {
  return writeIpcFile(withProvenance(batches, provenance), options);
}

/**
 * The chunks of an `.avila` file (headers, column buffer views, padding, footer), for
 * streaming it to a file or a response without building it in memory.
 *
 * @example
 * ```ts
 * import { RecordBatch } from "@avila/arrow";
 * import { avilaFileChunks } from "./avila.ts";
 * const chunks = [...avilaFileChunks(RecordBatch.fromRows([{ t: 0 }]), { observatory: "LHO" })];
 * console.log(chunks.length > 3); // true
 * ```
 */
export function avilaFileChunks(
  batches: RecordBatch | Iterable<RecordBatch>,
  provenance: AvilaProvenance,
  options: IpcFileWriteOptions = {},
): Iterable<Uint8Array> {
  return ipcFileChunks(withProvenance(batches, provenance), options);
}

/**
 * Reads an `.avila` file (or any Arrow IPC file: its provenance is then empty).
 * `sampleRate` is parsed as a number; every other value is returned as its string.
 *
 * @example
 * ```ts
 * import { readAvilaFile, writeAvilaFile, RecordBatch } from "@avila/arrow";
 * const start = new Date("2015-09-14T09:50:45Z");
 * const file = writeAvilaFile(RecordBatch.fromRows([{ h: 0 }]), { startTime: start });
 * console.log(readAvilaFile(file).provenance.startTime); // "2015-09-14T09:50:45.000Z"
 * ```
 */
export function readAvilaFile(
  bytes: Uint8Array | ArrayBuffer,
  options?: IpcReadOptions,
): IpcFileReadResult & {
  /** Provenance decoded from the schema metadata (`avila:` keys without the prefix). */
  provenance: AvilaProvenance;
} {
  const file = readIpcFile(bytes, options);
  const provenance: AvilaProvenance = {};
  for (const [k, v] of file.schema.metadata) {
    if (!k.startsWith(AVILA_PREFIX)) continue;
    const key = k.slice(AVILA_PREFIX.length);
    if (NUMERIC.has(key)) {
      const n = Number(v);
      if (v.trim() === "" || !Number.isFinite(n)) {
        throw new ArrowError("corrupt", `provenance "${key}" is not a number`);
      }
      provenance[key] = n;
    } else provenance[key] = v;
  }
  return { ...file, provenance };
}
