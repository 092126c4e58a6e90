/**
 * `avx inspect FILE`: describes an Arrow IPC file (`.arrow`, `.avila`) or stream
 * (`.arrows`, `.ipc`): the schema with types, nullability, extension types and metadata, the
 * schema metadata (the scientific provenance of `.avila` files), each record batch's row count
 * and body compression, and totals. Compressed files (`.lz4`, `.zst`, `.sz`, `.gz`, columnar
 * frames) are described like `zstd -l`: format, frames, sizes, ratio, check and header fields.
 * `--json` prints the same as JSON.
 *
 * Importing this module registers the command.
 *
 * @module
 */
import {
  ArrowError,
  type Field,
  ipcMessages,
  readIpcFile,
  readIpcStream,
  Type,
  types,
} from "@avila/arrow";
import { CompressError, describeCompressed, detect } from "@avila/compress";
import type { ParsedArgs } from "./_args.ts";
import { defineCommand } from "./_command.ts";
import { CliError, type CliIo, type Command, registerCommand } from "./registry.ts";

// The field metadata keys of Arrow extension types (Arrow's columnar format, "Extension Types").
const EXTENSION_NAME_KEY = "ARROW:extension:name";
const EXTENSION_METADATA_KEY = "ARROW:extension:metadata";
const FILE_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1" starts an IPC file

/** One field of an inspected schema. */
export interface InspectedField {
  /** Field name. */
  name: string;
  /** Storage type, e.g. `fixed_size_list<item: float64>[4]`. */
  type: string;
  /** Whether nulls are allowed. */
  nullable: boolean;
  /** `ARROW:extension:name`, if any. */
  extension?: string;
  /** `ARROW:extension:metadata`, if any and non-empty. */
  extensionMetadata?: string;
  /** Other field metadata. */
  metadata: Record<string, string>;
  /** Children of nested types. */
  children: InspectedField[];
}

/** One record batch of an inspected file. */
export interface InspectedBatch {
  /** Rows in the batch. */
  rows: number;
  /** Body compression: "lz4" (LZ4_FRAME), "zstd" or "none". */
  compression: "lz4" | "zstd" | "none";
  /** Body bytes as stored. */
  bodyBytes: number;
}

/** What {@linkcode inspectArrow} finds in IPC bytes. */
export interface InspectReport {
  /** IPC file (footer, random access) or stream. */
  format: "file" | "stream";
  /** Input size in bytes. */
  bytes: number;
  /** Schema fields. */
  fields: InspectedField[];
  /** Schema metadata (for `.avila` files: the provenance). */
  metadata: Record<string, string>;
  /** Record batches in order. */
  batches: InspectedBatch[];
  /** Dictionary batches (including deltas and replacements). */
  dictionaryBatches: number;
  /** Sum of the batches' rows. */
  totalRows: number;
}

function describeField(f: Field): InspectedField {
  const metadata: Record<string, string> = {};
  for (const [k, v] of f.metadata) {
    if (k !== EXTENSION_NAME_KEY && k !== EXTENSION_METADATA_KEY) metadata[k] = v;
  }
  const t = f.type;
  const children = t.typeId === Type.List || t.typeId === Type.FixedSizeList
    ? [describeField(t.child)]
    : t.typeId === Type.Struct
    ? t.children.map(describeField)
    : [];
  const ext = f.metadata.get(EXTENSION_NAME_KEY);
  const extMeta = f.metadata.get(EXTENSION_METADATA_KEY);
  return {
    name: f.name,
    type: types.typeToString(t),
    nullable: f.nullable,
    ...(ext !== undefined ? { extension: ext } : {}),
    ...(extMeta ? { extensionMetadata: extMeta } : {}),
    metadata,
    children,
  };
}

/**
 * Describes Arrow IPC bytes (file or stream, detected by the `ARROW1` magic). Decodes every
 * batch, so a corrupt file fails here with the reader's typed error.
 *
 * @throws {ArrowError} for malformed input
 * @example
 * ```ts
 * import { inspectArrow } from "./inspect.ts";
 * import { RecordBatch, writeIpcStream } from "@avila/arrow";
 * const bytes = writeIpcStream(RecordBatch.fromRows([{ a: 1 }, { a: 2 }]), { compression: "zstd" });
 * const r = inspectArrow(bytes);
 * console.log(r.format, r.totalRows, r.batches[0].compression); // stream 2 zstd
 * ```
 */
export function inspectArrow(bytes: Uint8Array): InspectReport {
  const isFile = bytes.length >= 6 && FILE_MAGIC.every((b, i) => bytes[i] === b);
  const read = isFile ? readIpcFile(bytes) : readIpcStream(bytes);
  // The stored messages say what the decoded batches do not: compression and body sizes.
  const messages = ipcMessages(bytes);
  const batches: InspectedBatch[] = messages.filter((m) => m.kind === "record").map((m) => ({
    rows: m.rows,
    compression: m.compression,
    bodyBytes: m.bodyBytes,
  }));
  const dictionaryBatches = messages.filter((m) => m.kind === "dictionary").length;
  if (batches.length !== read.batches.length) {
    throw new ArrowError(
      "corrupt",
      `found ${batches.length} record batch messages but the reader decoded ${read.batches.length}`,
    );
  }
  const metadata: Record<string, string> = {};
  for (const [k, v] of read.schema.metadata) metadata[k] = v;
  return {
    format: isFile ? "file" : "stream",
    bytes: bytes.length,
    fields: read.schema.fields.map(describeField),
    metadata,
    batches,
    dictionaryBatches,
    totalRows: batches.reduce((s, b) => s + b.rows, 0),
  };
}

function fieldLines(f: InspectedField, indent: string): string[] {
  const ext = f.extension ? `  <${f.extension}>` : "";
  const lines = [`${indent}${f.name}: ${f.type}${f.nullable ? "" : " not null"}${ext}`];
  if (f.extensionMetadata) lines.push(`${indent}    extension metadata: ${f.extensionMetadata}`);
  for (const [k, v] of Object.entries(f.metadata)) lines.push(`${indent}    ${k}: ${v}`);
  for (const c of f.children) lines.push(...fieldLines(c, indent + "    "));
  return lines;
}

/**
 * The human-readable text of a report.
 *
 * @example
 * ```ts
 * import { formatInspectReport, inspectArrow } from "./inspect.ts";
 * import { RecordBatch, writeIpcFile } from "@avila/arrow";
 * console.log(formatInspectReport(inspectArrow(writeIpcFile(RecordBatch.fromRows([{ a: "x" }])))));
 * ```
 */
export function formatInspectReport(r: InspectReport, name = ""): string {
  const lines: string[] = [];
  lines.push(
    `${name ? name + ": " : ""}Arrow IPC ${r.format}, ${r.bytes} bytes, ${r.batches.length} ` +
      `record batch${r.batches.length === 1 ? "" : "es"}, ${r.totalRows} rows`,
  );
  lines.push("", `schema (${r.fields.length} field${r.fields.length === 1 ? "" : "s"}):`);
  for (const f of r.fields) lines.push(...fieldLines(f, "  "));
  const md = Object.entries(r.metadata);
  lines.push("", md.length ? "schema metadata / provenance:" : "schema metadata: none");
  const width = Math.min(24, Math.max(0, ...md.map(([k]) => k.length)));
  for (const [k, v] of md) lines.push(`  ${k.padEnd(width)}  ${v}`);
  lines.push("", "batches:");
  r.batches.forEach((b, i) => {
    lines.push(
      `  #${i}: ${b.rows} rows, compression ${b.compression}, body ${b.bodyBytes} bytes`,
    );
  });
  if (r.dictionaryBatches) lines.push(`  dictionary batches: ${r.dictionaryBatches}`);
  return lines.join("\n");
}

/**
 * The human-readable text of a compressed file's description (one line per field).
 *
 * @example
 * ```ts
 * import { formatCompressedReport } from "./inspect.ts";
 * import { Algorithm, compressSync, describeCompressed } from "@avila/compress";
 * console.log(formatCompressedReport(describeCompressed(compressSync(new Uint8Array(99), Algorithm.Lz4))));
 * ```
 */
export function formatCompressedReport(
  d: ReturnType<typeof describeCompressed>,
  name = "",
): string {
  const unit = d.format === "snappy" ? "data chunk" : "frame";
  const lines = [
    `${name ? name + ": " : ""}${d.format}, ${d.frames} ${unit}${d.frames === 1 ? "" : "s"}, ` +
    `${d.compressedBytes} bytes -> ${d.decompressedBytes} bytes (ratio ${d.ratio.toFixed(3)}), ` +
    `check ${d.check}`,
  ];
  for (const [k, v] of Object.entries(d.details)) lines.push(`  ${k}: ${v}`);
  return lines.join("\n");
}

const SPEC = { json: { value: false }, help: { short: "h", value: false } } as const;

const USAGE = `Usage: avx inspect [--json] FILE...

Describes Arrow IPC files (.arrow, .avila) and streams (.arrows): schema with types,
extension types and metadata, schema metadata (provenance), rows and compression per batch.
Compressed files (.lz4, .zst, .sz, .gz, columnar frames) are described like zstd -l: format,
frames, compressed and decompressed size, ratio, check, header fields (the file is decoded).

Options:
  --json      print a JSON report per file
  -h, --help  this help`;

/** Runs `read` on the file at `path`; an `ErrorType` (bad input) becomes a one-line CliError. */
function reading<T>(
  path: string,
  ErrorType: typeof CompressError | typeof ArrowError,
  read: () => T,
): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ErrorType) throw new CliError(`${path}: ${e.code}: ${e.message}`);
    throw e;
  }
}

/**
 * The `avx inspect` command.
 *
 * @example
 * ```ts
 * import { inspectCommand } from "./inspect.ts";
 * console.log(inspectCommand.name); // "inspect"
 * ```
 */
export const inspectCommand: Command = defineCommand({
  name: "inspect",
  summary: "describe an Arrow IPC file or stream, or a compressed file (.lz4, .zst, .sz, ...)",
  usage: USAGE,
  options: SPEC,
  async run({ options, positionals }: ParsedArgs, io: CliIo): Promise<number> {
    const out = io.stdout.getWriter();
    const enc = new TextEncoder();
    try {
      if (positionals.length === 0) throw new CliError("missing FILE (see avx inspect --help)", 2);
      const reports: string[] = [];
      for (const path of positionals) {
        let bytes: Uint8Array;
        try {
          bytes = await Deno.readFile(path);
        } catch (e) {
          throw new CliError(`cannot read ${path}: ${e instanceof Error ? e.message : e}`);
        }
        const isArrowFile = bytes.length >= 6 && FILE_MAGIC.every((b, i) => bytes[i] === b);
        if (!isArrowFile && detect(bytes) !== null) {
          const d = reading(path, CompressError, () => describeCompressed(bytes));
          reports.push(
            options.has("json") ? JSON.stringify({ path, ...d }) : formatCompressedReport(d, path),
          );
          continue;
        }
        const report = reading(path, ArrowError, () => inspectArrow(bytes));
        reports.push(
          options.has("json")
            ? JSON.stringify({ path, ...report })
            : formatInspectReport(report, path),
        );
      }
      await out.write(enc.encode(reports.join(options.has("json") ? "\n" : "\n\n") + "\n"));
      return 0;
    } finally {
      out.releaseLock();
    }
  },
});

registerCommand(inspectCommand);
