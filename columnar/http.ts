/**
 * Arrow over HTTP with web-standard `Request`/`Response` only (no framework import; the server
 * wires `arrow(c, ...)` and `readArrow(req)` on top of these):
 *
 * - {@linkcode negotiateArrow} picks a representation from an `Accept` header (RFC 9110
 *   §12.5.1): the IPC stream `application/vnd.apache.arrow.stream` (its `codecs="zstd, lz4"`
 *   parameter lists the IPC body compressions the client reads, in preference order), the IPC
 *   file `application/vnd.apache.arrow.file`, or `application/json` rows as a fallback;
 * - {@linkcode arrowResponse} does the whole response: negotiation, a streamed body (IPC chunks
 *   straight from the writer, never concatenated), `Content-Type` echoing the codec used,
 *   `Vary: Accept`, and a 406 `application/problem+json` (RFC 9457) when nothing fits;
 * - {@linkcode readArrowBody} reads an Arrow request body with a checked `Content-Type` and a
 *   size limit.
 *
 * @module
 */
import { concatChunks } from "@avila/compress";
import { iteratorStream } from "./_iterator_stream.ts";
import type { RecordBatch } from "./batch.ts";
import {
  type Column,
  type ColumnData,
  decimalText,
  type FixedSizeListColumn,
  ListColumn,
  type ListViewColumn,
  type RunEndEncodedColumn,
} from "./column.ts";
import { ArrowError } from "./errors.ts";
import type { IpcCompression } from "./ipc/_codecs.ts";
import type { IpcReadOptions } from "./ipc/limits.ts";
import { ipcFileChunks } from "./ipc/write/file.ts";
import { ipcReadableStream } from "./ipc/write/stream.ts";
import { readIpcFile } from "./ipc/read/file.ts";
import { readIpcStream } from "./ipc/read/stream.ts";
import { Field, type Schema } from "./schema.ts";
import { Type } from "./types.ts";

/** The Arrow IPC stream media type. */
export const ARROW_STREAM_MEDIA_TYPE = "application/vnd.apache.arrow.stream";
/** The Arrow IPC file media type. */
export const ARROW_FILE_MEDIA_TYPE = "application/vnd.apache.arrow.file";
/** The JSON fallback media type (an array of row objects). */
export const JSON_MEDIA_TYPE = "application/json";

/** What {@linkcode negotiateArrow} chose. */
export interface ArrowNegotiation {
  /** The representation. */
  format: "stream" | "file" | "json";
  /** IPC body compression to use (stream only), or null. */
  compression: IpcCompression | null;
  /** The response `Content-Type`, e.g. `application/vnd.apache.arrow.stream; codecs="zstd"`. */
  contentType: string;
}

interface MediaRange {
  type: string;
  subtype: string;
  params: Map<string, string>;
  q: number;
}

// Splits on `sep` outside quoted strings.
function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "", quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      cur += ch;
      if (ch === "\\" && i + 1 < s.length) cur += s[++i];
      else if (ch === '"') quoted = false;
    } else if (ch === '"') {
      quoted = true;
      cur += ch;
    } else if (ch === sep) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function unquote(v: string): string {
  if (v.length >= 2 && v[0] === '"' && v[v.length - 1] === '"') {
    return v.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  return v;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses an Accept header; malformed elements are skipped (RFC 9110 is lenient here). */
function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const element of splitOutsideQuotes(header, ",")) {
    const parts = splitOutsideQuotes(element, ";").map((p) => p.trim());
    const [type, subtype, extra] = parts[0].toLowerCase().split("/");
    if (!type || !subtype || extra !== undefined || !TOKEN.test(type) || !TOKEN.test(subtype)) {
      continue;
    }
    if (type === "*" && subtype !== "*") continue;
    const params = new Map<string, string>();
    let q = 1;
    let ok = true;
    for (const p of parts.slice(1)) {
      if (p === "") continue;
      const eq = p.indexOf("=");
      if (eq <= 0) {
        ok = false;
        break;
      }
      const name = p.slice(0, eq).trim().toLowerCase();
      const value = unquote(p.slice(eq + 1).trim());
      if (name === "q") {
        // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
        if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value)) {
          ok = false;
          break;
        }
        q = Number(value);
        break; // anything after q is an accept-ext, not a media type parameter
      }
      params.set(name, value);
    }
    if (ok) ranges.push({ type, subtype, params, q });
  }
  return ranges;
}

/** The q of the most specific range matching `type/subtype` (-1 when none matches). */
function matchQuality(ranges: MediaRange[], type: string, subtype: string): {
  q: number;
  range: MediaRange | null;
} {
  let best: MediaRange | null = null, bestRank = -1;
  for (const r of ranges) {
    let rank: number;
    if (r.type === type && r.subtype === subtype) rank = 2;
    else if (r.type === type && r.subtype === "*") rank = 1;
    else if (r.type === "*" && r.subtype === "*") rank = 0;
    else continue;
    // among equally specific ranges, one with parameters is more specific (RFC 9110 §12.5.1)
    const score = rank * 2 + (r.params.size > 0 ? 1 : 0);
    if (score > bestRank || (score === bestRank && best !== null && r.q > best.q)) {
      best = r;
      bestRank = score;
    }
  }
  return best === null ? { q: -1, range: null } : { q: best.q, range: best };
}

const CODEC_NAMES: Record<string, IpcCompression> = {
  zstd: "zstd",
  lz4: "lz4",
  lz4_frame: "lz4",
};

/**
 * Chooses the Arrow representation for an `Accept` header, or null when the client accepts
 * none of them (answer 406). A missing or empty header accepts anything (the IPC stream).
 * Ties in q are broken by server preference: stream, file, JSON.
 *
 * @example
 * ```ts
 * import { negotiateArrow } from "./http.ts";
 * console.log(negotiateArrow('application/vnd.apache.arrow.stream; codecs="lz4, zstd"')?.contentType);
 * // application/vnd.apache.arrow.stream; codecs="lz4"
 * console.log(negotiateArrow("application/json")?.format); // "json"
 * console.log(negotiateArrow("text/html")); // null
 * ```
 */
export function negotiateArrow(
  accept: string | null | undefined,
  options: Pick<ArrowResponseInit, "compression" | "json" | "file"> = {},
): ArrowNegotiation | null {
  const serverCodecs = options.compression ?? ["zstd", "lz4"];
  const header = (accept ?? "").trim();
  const ranges = header === "" ? parseAccept("*/*") : parseAccept(header);
  const candidates: { format: ArrowNegotiation["format"]; media: string }[] = [
    { format: "stream", media: ARROW_STREAM_MEDIA_TYPE },
  ];
  if (options.file !== false) candidates.push({ format: "file", media: ARROW_FILE_MEDIA_TYPE });
  if (options.json !== false) candidates.push({ format: "json", media: JSON_MEDIA_TYPE });
  let chosen: { format: ArrowNegotiation["format"]; media: string; range: MediaRange } | null =
    null;
  let chosenQ = 0;
  for (const c of candidates) {
    const [type, subtype] = c.media.split("/");
    const { q, range } = matchQuality(ranges, type, subtype);
    if (range !== null && q > chosenQ) {
      chosen = { ...c, range };
      chosenQ = q;
    }
  }
  if (chosen === null) return null;
  if (chosen.format !== "stream") {
    return { format: chosen.format, compression: null, contentType: chosen.media };
  }
  let compression: IpcCompression | null = null;
  const codecs = chosen.range.params.get("codecs");
  if (codecs !== undefined) {
    for (const name of codecs.split(",")) {
      const codec = CODEC_NAMES[name.trim().toLowerCase()];
      if (codec !== undefined && serverCodecs.includes(codec)) {
        compression = codec;
        break;
      }
    }
  }
  return {
    format: "stream",
    compression,
    contentType: compression === null
      ? ARROW_STREAM_MEDIA_TYPE
      : `${ARROW_STREAM_MEDIA_TYPE}; codecs="${compression}"`,
  };
}

/** What {@linkcode arrowResponse} can send. */
export type ArrowBody =
  | RecordBatch
  | Iterable<RecordBatch>
  | AsyncIterable<RecordBatch>;

function isAsync(body: ArrowBody): body is AsyncIterable<RecordBatch> {
  return typeof (body as AsyncIterable<RecordBatch>)[Symbol.asyncIterator] === "function";
}

function isBatch(body: ArrowBody): body is RecordBatch {
  return typeof (body as RecordBatch).numRows === "number" &&
    Array.isArray((body as RecordBatch).columns);
}

function problem(status: number, title: string, detail: string, headers: Headers): Response {
  headers.set("content-type", "application/problem+json");
  return new Response(
    JSON.stringify({ type: "about:blank", title, status, detail }),
    { status, headers },
  );
}

// JSON has no bigint, bytes or typed arrays: bigints become numbers when exact, else strings;
// bytes become base64; typed arrays (tensor views) become arrays.
function jsonValue(_key: string, v: unknown): unknown {
  if (typeof v === "bigint") {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v.toString();
  }
  if (v instanceof Uint8Array) {
    let s = "";
    for (let i = 0; i < v.length; i += 0x8000) {
      s += String.fromCharCode(...v.subarray(i, i + 0x8000));
    }
    return btoa(s);
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return Array.from(v as unknown as ArrayLike<number | bigint>);
  }
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return v;
}

const encoder = new TextEncoder();

type JsonReader = (i: number) => unknown;

/** Fractional digits and storage units per second of each `TimeUnit`. */
const FRACTION_DIGITS = [0, 3, 6, 9];
const UNITS_PER_SECOND = [1n, 1000n, 1000000n, 1000000000n];

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * A timestamp's exact text: `YYYY-MM-DDTHH:MM:SS` with the unit's full fraction (none, 3, 6 or
 * 9 digits), then `Z` for an instant (a zoned timestamp stores UTC) or nothing for a wall-clock
 * time (no zone). Years outside 0000..9999 take a sign and six digits or more (ISO 8601 expanded
 * years, as `Date.prototype.toISOString`). The civil date comes from the day count by Howard
 * Hinnant's `civil_from_days`, exact for every int64 value of every unit.
 */
function timestampText(v: bigint, unit: number, zoned: boolean): string {
  const per = UNITS_PER_SECOND[unit];
  let secs = v / per;
  let frac = v - secs * per;
  if (frac < 0n) {
    secs -= 1n;
    frac += per;
  }
  let days: number, sod: number;
  const whole = Number(secs);
  if (Number.isSafeInteger(whole)) {
    days = Math.floor(whole / 86400);
    sod = whole - days * 86400;
  } else {
    const d = secs / 86400n;
    const rest = Number(secs - d * 86400n);
    days = Number(d) - (rest < 0 ? 1 : 0); // |days| < 2^47: exact in a double
    sod = rest < 0 ? rest + 86400 : rest;
  }
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) -
      Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const y = year >= 0 && year <= 9999
    ? pad(year, 4)
    : (year < 0 ? "-" : "+") + pad(Math.abs(year), 6);
  const digits = FRACTION_DIGITS[unit];
  const fraction = digits === 0 ? "" : "." + frac.toString().padStart(digits, "0");
  return `${y}-${pad(month, 2)}-${pad(day, 2)}T${pad(Math.floor(sod / 3600), 2)}:` +
    `${pad(Math.floor(sod / 60) % 60, 2)}:${pad(sod % 60, 2)}${fraction}${zoned ? "Z" : ""}`;
}

/** `read` for the in-range valid elements of `c`, null for the others (as `get`). */
function guarded(c: Column, read: JsonReader): JsonReader {
  return (i) => i >= 0 && i < c.length && c.isValid(i) ? read(i) : null;
}

/** The reader of `c`'s elements of a list-like column, given the child slice of element `i`. */
function listReader(c: Column, child: Column, slice: (i: number) => Column): JsonReader | null {
  const field = (c.type as { child: Field }).child;
  const read = jsonReader(field, child);
  if (read === null) return null;
  return guarded(c, (i) => {
    const s = slice(i);
    const at = s.data.offset - child.data.offset;
    const out = new Array<unknown>(s.length);
    for (let k = 0; k < s.length; k++) out[k] = read(at + k);
    return out;
  });
}

/**
 * What reads element `i` of `c` as its JSON value when `get()` and the replacer cannot: from
 * the stored buffers, so nothing is rounded. A decimal is its exact decimal text, a timestamp
 * its exact text (see `timestampText`), a duration its stored bigint (a number up to 2^53, exact
 * text past it, as int64), in nested values too. Null when `get()` serves (no such value
 * inside). Extension fields and unions (whose value does not say which child it came from) are
 * left to `get()`.
 */
function jsonReader(field: Field, c: Column): JsonReader | null {
  if (field.metadata.has("ARROW:extension:name")) return null;
  const t = field.type;
  const d = c.data;
  switch (t.typeId) {
    case Type.Decimal: {
      const scale = t.scale;
      return guarded(c, (i) => decimalText(c.get(i) as bigint, scale));
    }
    case Type.Timestamp: {
      // Schema.fbs: a null or empty timezone is zone-naive (a wall-clock time).
      const raw = d.values as BigInt64Array, unit = t.unit, zoned = !!t.timezone;
      return guarded(c, (i) => timestampText(raw[d.offset + i], unit, zoned));
    }
    case Type.Duration: {
      const raw = d.values as BigInt64Array;
      return guarded(c, (i) => raw[d.offset + i]);
    }
    case Type.Dictionary: {
      const read = jsonReader(new Field(field.name, t.dictionary, true), d.dictionary!);
      if (read === null) return null;
      const keys = d.values!;
      return guarded(c, (i) => read(Number(keys[d.offset + i])));
    }
    case Type.RunEndEncoded: {
      const ree = c as RunEndEncodedColumn;
      const read = jsonReader(t.children[1], ree.values);
      return read === null ? null : guarded(c, (i) => read(ree.runIndex(d.offset + i)));
    }
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
    case Type.ListView:
    case Type.LargeListView: {
      const list = c as ListColumn | FixedSizeListColumn | ListViewColumn;
      return listReader(c, list.child, (i) => list.valuesAt(i));
    }
    case Type.Map: {
      const entries = d.children[0];
      const [kf, vf] = (t.child.type as { children: readonly Field[] }).children;
      const keys = entries.data.children[0], values = entries.data.children[1];
      const kr = jsonReader(kf, keys), vr = jsonReader(vf, values);
      if (kr === null && vr === null) return null;
      const list = new ListColumn(d);
      return guarded(c, (i) => {
        const e = list.valuesAt(i);
        const out = new Array<unknown>(e.length);
        for (let k = 0; k < e.length; k++) {
          const j = e.data.offset + k;
          out[k] = [kr === null ? keys.get(j) : kr(j), vr === null ? values.get(j) : vr(j)];
        }
        return out;
      });
    }
    case Type.Struct: {
      const reads = t.children.map((f, k) => jsonReader(f, d.children[k]));
      if (reads.every((r) => r === null)) return null;
      return guarded(c, (i) => {
        const j = d.offset + i;
        const out: Record<string, unknown> = {};
        t.children.forEach((f, k) => {
          const r = reads[k];
          out[f.name] = r === null ? d.children[k].get(j) : r(j);
        });
        return out;
      });
    }
    default:
      return null;
  }
}

function jsonRowsStream(source: AsyncIterable<RecordBatch> | Iterable<RecordBatch>) {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield encoder.encode("[");
    let first = true;
    for await (const batch of source) {
      const fields = batch.schema.fields;
      const readers = fields.map((f, k) => jsonReader(f, batch.columns[k]));
      const reads = fields.map((f, k) => [f.name, readers[k]])
        .filter((e): e is [string, JsonReader] => e[1] !== null);
      // one chunk per batch keeps memory bounded by the largest batch
      const parts: string[] = [];
      for (let i = 0; i < batch.numRows; i++) {
        // batch.row(i)'s keys in its order, without get() for the fields a reader writes
        const row: Record<string, unknown> = {};
        for (let k = 0; k < fields.length; k++) {
          row[fields[k].name] = readers[k] === null ? batch.columns[k].get(i) : undefined;
        }
        for (const [name, read] of reads) row[name] = read(i);
        parts.push((first ? "" : ",") + JSON.stringify(row, jsonValue));
        first = false;
      }
      if (parts.length) yield encoder.encode(parts.join(""));
    }
    yield encoder.encode("]");
  }
  return iteratorStream(chunks());
}

/**
 * A `Response` carrying `body` in the representation the request's `Accept` asks for: an IPC
 * stream (body compression per `codecs`), an IPC file, or JSON rows; 406 problem+json when
 * none is acceptable. Bodies are streamed: IPC chunks are the column buffers themselves, and
 * async sources are encoded as batches arrive (the file format needs every batch before its
 * footer, so an async source is gathered first there).
 *
 * @example
 * ```ts
 * import { arrowResponse, RecordBatch } from "@avila/arrow";
 * const batch = RecordBatch.fromColumns({ t: new Float64Array([0, 1]) });
 * const req = new Request("http://x/", { headers: { accept: "application/json" } });
 * const res = await arrowResponse(req, batch);
 * console.log(res.headers.get("content-type"), await res.text()); // application/json [{"t":0},{"t":1}]
 * ```
 */
export async function arrowResponse(
  request: Request,
  body: ArrowBody,
  init: ResponseInit & {
    /**
     * Codecs the server is willing to use, in its preference order (used to break ties when the
     * client gives none). Default `["zstd", "lz4"]`; `[]` never compresses.
     */
    compression?: readonly IpcCompression[];
    /** Whether the JSON rows fallback may be chosen. Default true. */
    json?: boolean;
    /** Whether the IPC file format may be chosen. Default true. */
    file?: boolean;
    /** Codec level for compressed streams. Default: the writer's (1). */
    compressionLevel?: number;
    /** Schema to write when there are no batches. */
    schema?: Schema;
  } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  const vary = headers.get("vary");
  if (!vary || !/(^|,)\s*(accept|\*)\s*(,|$)/i.test(vary)) headers.append("vary", "Accept");
  const chosen = negotiateArrow(request.headers.get("accept"), init);
  if (chosen === null) {
    const offered = [ARROW_STREAM_MEDIA_TYPE];
    if (init.file !== false) offered.push(ARROW_FILE_MEDIA_TYPE);
    if (init.json !== false) offered.push(JSON_MEDIA_TYPE);
    return problem(
      406,
      "Not Acceptable",
      `none of the accepted media types can be produced; available: ${offered.join(", ")}`,
      headers,
    );
  }
  headers.set("content-type", chosen.contentType);
  const responseInit: ResponseInit = {
    status: init.status ?? 200,
    statusText: init.statusText,
    headers,
  };
  const source: Iterable<RecordBatch> | AsyncIterable<RecordBatch> = isBatch(body) ? [body] : body;
  const head = request.method === "HEAD";
  switch (chosen.format) {
    case "json":
      return new Response(head ? null : jsonRowsStream(source), responseInit);
    case "stream": {
      const stream = ipcReadableStream(source, {
        ...(chosen.compression ? { compression: chosen.compression } : {}),
        compressionLevel: init.compressionLevel,
        schema: init.schema,
      });
      if (head) {
        await stream.cancel();
        return new Response(null, responseInit);
      }
      return new Response(stream, responseInit);
    }
    case "file": {
      let batches: Iterable<RecordBatch>;
      if (isAsync(source)) {
        const all: RecordBatch[] = [];
        for await (const b of source) all.push(b);
        batches = all;
      } else batches = source;
      const chunks = ipcFileChunks(batches, { schema: init.schema });
      return new Response(head ? null : iteratorStream(chunks[Symbol.iterator]()), responseInit);
    }
  }
}

/**
 * An HTTP-facing Arrow failure: an {@linkcode ArrowError} with the status to answer.
 *
 * @example
 * ```ts
 * import { ArrowHttpError, readArrowBody } from "@avila/arrow";
 * try {
 *   await readArrowBody(new Request("http://x/", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }));
 * } catch (e) {
 *   if (e instanceof ArrowHttpError) console.log(e.status, e.code); // 415 "unsupported"
 * }
 * ```
 */
export class ArrowHttpError extends ArrowError {
  /** HTTP status to answer: 400 (malformed), 413 (too large), 415 (wrong media type). */
  readonly status: number;

  /**
   * Creates the error.
   *
   * @param status HTTP status
   * @param code the ArrowError code
   * @param message a human explanation
   */
  constructor(status: number, code: ArrowError["code"], message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "ArrowHttpError";
    this.status = status;
  }
}

/** Default request body ceiling: 64 MiB. */
export const DEFAULT_MAX_ARROW_BODY = 64 * 1024 * 1024;

/**
 * The default total decoding budget (`limits.maxOutputSize`) of a request body of
 * `bodyBytes` bytes: 16 MiB plus 16 times the body. It follows what the client actually sent
 * (so it is at most 16 times the server's body limit, plus 16 MiB): compressed Arrow from
 * honest writers expands 2-10 times, while a decompression bomb expands thousands of times
 * and is refused (413) before its memory is taken.
 *
 * @example
 * ```ts
 * import { defaultArrowBodyOutput } from "./http.ts";
 * console.log(defaultArrowBodyOutput(1024 * 1024) / 2 ** 20); // 32
 * ```
 */
export function defaultArrowBodyOutput(bodyBytes: number): number {
  return 16 * 1024 * 1024 + 16 * bodyBytes;
}

/**
 * The default bound on the values (`limits.maxValues`: batch rows plus column elements) of a
 * request body of `bodyBytes` bytes: 2^20 plus 32 per byte. A plainly stored value costs at
 * least a bit on the wire (a bool), and a batch row and struct or list levels add a few values
 * per bit; run-end encoded, null-typed and zero-column batches cost nothing per value, so a
 * 480-byte body could otherwise read as 2^31 - 1 rows that a handler turning them into JSON
 * rows would allocate one by one. Past the bound: a `limit` error, 413.
 *
 * @example
 * ```ts
 * import { defaultArrowBodyValues } from "./http.ts";
 * console.log(defaultArrowBodyValues(480)); // 1063936
 * ```
 */
export function defaultArrowBodyValues(bodyBytes: number): number {
  return 2 ** 20 + 32 * bodyBytes;
}

/**
 * Reads an Arrow IPC request body (stream or file, by `Content-Type`), refusing other media
 * types (415), bodies over `maxBytes` (413, checked against `Content-Length` first and while
 * reading), bodies that decode past their budget or hold more rows and elements than their size
 * warrants (413), invalid UTF-8 strings, offsets out of order or past their data and other
 * malformed IPC (400). Errors are {@linkcode ArrowHttpError}s. Unlike the plain readers, which
 * check offsets when first used, every offsets buffer is checked before the batches are
 * returned, so a handler never meets a corrupt column while it answers.
 *
 * `options` are those of the IPC readers plus `maxBytes`. Unlike the plain readers,
 * `validateUtf8` defaults to true, `limits.maxOutputSize` to 16 MiB plus 16 times the body
 * received (honest compressed Arrow expands 2-10 times, a decompression bomb thousands of times)
 * and `limits.maxValues` (batch rows plus column elements) to 2^20 plus 32 per body byte.
 *
 * @example
 * ```ts
 * import { readArrowBody, RecordBatch, writeIpcStream } from "@avila/arrow";
 * const bytes = writeIpcStream(RecordBatch.fromRows([{ a: 1 }]));
 * const req = new Request("http://x/", {
 *   method: "POST",
 *   body: bytes.slice(), // a Uint8Array<ArrayBuffer>, as BodyInit wants
 *   headers: { "content-type": "application/vnd.apache.arrow.stream" },
 * });
 * console.log((await readArrowBody(req)).batches[0].toRows()); // [ { a: 1 } ]
 * ```
 */
export async function readArrowBody(
  request: Request,
  options: IpcReadOptions & {
    /** Largest body accepted, in bytes. Default 64 MiB. */
    maxBytes?: number;
  } = {},
): Promise<{
  /** The IPC format the body was in. */
  format: "stream" | "file";
  /** The schema. */
  schema: Schema;
  /** The record batches. */
  batches: RecordBatch[];
}> {
  const max = options.maxBytes ?? DEFAULT_MAX_ARROW_BODY;
  const contentType = request.headers.get("content-type") ?? "";
  const media = contentType.split(";")[0].trim().toLowerCase();
  let format: "stream" | "file";
  if (media === ARROW_STREAM_MEDIA_TYPE) format = "stream";
  else if (media === ARROW_FILE_MEDIA_TYPE) format = "file";
  else {
    throw new ArrowHttpError(
      415,
      "unsupported",
      `expected ${ARROW_STREAM_MEDIA_TYPE} or ${ARROW_FILE_MEDIA_TYPE}, got ${
        JSON.stringify(media.slice(0, 100))
      }`,
    );
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > max) {
    throw new ArrowHttpError(413, "limit", `body of ${declared} bytes exceeds ${max}`);
  }
  const bytes = await readLimited(request, max);
  const readOptions: IpcReadOptions = {
    ...options,
    validateUtf8: options.validateUtf8 ?? true,
    limits: {
      maxOutputSize: defaultArrowBodyOutput(bytes.length),
      maxValues: defaultArrowBodyValues(bytes.length),
      ...options.limits,
    },
  };
  try {
    const read = format === "stream"
      ? readIpcStream(bytes, readOptions)
      : readIpcFile(bytes, readOptions);
    // the readers check offsets on first use; a handler should get a 400 here instead of a
    // failure while it answers (a streamed 200 that breaks off)
    for (const batch of read.batches) for (const c of batch.columns) checkOffsetsNow(c.data);
    return { format, schema: read.schema, batches: [...read.batches] };
  } catch (e) {
    if (e instanceof ArrowError) {
      const status = e.code === "limit" ? 413 : e.code === "unsupported" ? 415 : 400;
      throw new ArrowHttpError(status, e.code, e.message, { cause: e });
    }
    throw e;
  }
}

/** Runs the pending offsets checks of a column's data, its children and its dictionary. */
function checkOffsetsNow(data: ColumnData): void {
  void data.offsets; // reading `offsets` runs a deferred whole-buffer check once
  for (const child of data.children) checkOffsetsNow(child.data);
  if (data.dictionary !== null) checkOffsetsNow(data.dictionary.data);
}

async function readLimited(request: Request, max: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) {
        throw new ArrowHttpError(413, "limit", `body exceeds ${max} bytes`);
      }
      parts.push(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    throw e;
  }
  return concatChunks(parts);
}

/** The options of {@linkcode arrowResponse}: a `ResponseInit` plus writer settings. */
export type ArrowResponseInit = NonNullable<Parameters<typeof arrowResponse>[2]>;
/** The options of {@linkcode readArrowBody}. */
export type ReadArrowBodyOptions = NonNullable<Parameters<typeof readArrowBody>[1]>;
/** The decoded request body. */
export type ArrowBodyContent = Awaited<ReturnType<typeof readArrowBody>>;
