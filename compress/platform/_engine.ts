/**
 * A synchronous, incremental driver over the runtime's `node:zlib` native handles (zstd, brotli,
 * gzip, deflate, deflate-raw). Node, Deno and workerd all implement `node:zlib` as Node's
 * `zlib.js` over a native handle with `writeSync(flush, in, inOff, inLen, out, outOff, outLen)`
 * and a shared `[availOutAfter, availInAfter]` write state; driving that handle directly gives
 * us what the public stream API cannot: synchronous `write`/`flush`/`end`, output in bounded
 * pieces with a running size limit, and full control over error reporting.
 *
 * The handle (`stream._handle`) and its write state (`stream._writeState`) are Node internals:
 * Node documents only the asynchronous streams and the one-shot `*Sync` functions, neither of
 * which can back a synchronous incremental `StreamEncoder`/`StreamDecoder`. They are read in one
 * place, `openHandle`, which checks their shape and otherwise throws `unsupported`; the codecs
 * then report themselves unavailable (`engineAvailable`, probed with a round trip) and callers
 * fall back to the web streams or the pure-TypeScript codecs. Errors are mapped from Node's
 * documented error codes and zlib's errno values (`mapNativeError`), not from message text.
 *
 * The runtime's bindings differ in how they report errors (Deno throws from the zstd handle,
 * calls `onerror` for zlib, and reports nothing for brotli or for truncated zstd input), so this
 * file normalises them: every failure becomes a `CompressError`, truncation of zstd is caught by
 * walking the frame structure, and truncation of brotli by checking that the decoder stops
 * consuming input at the end of the stream.
 *
 * `node:zlib` is loaded lazily, on first use, through `process.getBuiltinModule` (Node >= 20.16,
 * Deno, Bun, workerd with `nodejs_compat`), never by a static import: a static import makes the
 * whole library fail to load in a browser, where the `CompressionStream` fallback should run.
 *
 * @module
 */

import { CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";
import { ZstdFrameWalker } from "./_zstd_frames.ts";
import { concatChunks } from "../concat.ts";

/** The native codecs this engine drives. */
export type EngineFormat = "zstd" | "br" | "gzip" | "deflate" | "deflate-raw";

/** Output piece size: large enough to amortise the native call, small enough to bound memory. */
const OUT_CHUNK = 64 * 1024;

// deno-lint-ignore no-explicit-any
type AnyRecord = Record<string, any>;

interface NativeHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
  close(): void;
  onerror: (message: string, errno: number, code?: string) => void;
}

interface Flags {
  none: number;
  flush: number;
  finish: number;
}

type BuiltinLoader = (id: string) => unknown;

/** The runtime's `node:zlib`, loaded on first use; null where there is none (browsers). */
let zlibModule: AnyRecord | null | undefined;

function nodeZlib(): AnyRecord | null {
  if (zlibModule !== undefined) return zlibModule;
  zlibModule = null;
  const proc = (globalThis as { process?: { getBuiltinModule?: BuiltinLoader } }).process;
  try {
    const m = proc?.getBuiltinModule?.("node:zlib");
    if (m && typeof m === "object") zlibModule = m as AnyRecord;
  } catch {
    // No node:zlib in this runtime: the platform codecs report themselves unavailable.
  }
  return zlibModule;
}

/** `node:zlib`'s constants (empty without node:zlib). */
function constants(): AnyRecord {
  return (nodeZlib()?.constants ?? {}) as AnyRecord;
}

function flagsFor(format: EngineFormat): Flags {
  const C = constants();
  if (format === "zstd") {
    return { none: C.ZSTD_e_continue, flush: C.ZSTD_e_flush, finish: C.ZSTD_e_end };
  }
  if (format === "br") {
    return {
      none: C.BROTLI_OPERATION_PROCESS,
      flush: C.BROTLI_OPERATION_FLUSH,
      finish: C.BROTLI_OPERATION_FINISH,
    };
  }
  return { none: C.Z_NO_FLUSH, flush: C.Z_SYNC_FLUSH, finish: C.Z_FINISH };
}

const FACTORIES: Record<EngineFormat, [string, string]> = {
  zstd: ["createZstdCompress", "createZstdDecompress"],
  br: ["createBrotliCompress", "createBrotliDecompress"],
  gzip: ["createGzip", "createGunzip"],
  deflate: ["createDeflate", "createInflate"],
  "deflate-raw": ["createDeflateRaw", "createInflateRaw"],
};

/** Native-level option object for `format` at `level` (already validated). */
function nativeOptions(
  format: EngineFormat,
  level: number | undefined,
  pledgedSize: number | undefined,
): AnyRecord {
  const C = constants();
  if (format === "zstd") {
    // Content checksum on, as the zstd tool does by default: a damaged frame is reported
    // instead of decoding to wrong bytes.
    const params: AnyRecord = { [C.ZSTD_c_checksumFlag]: 1 };
    if (level !== undefined) params[C.ZSTD_c_compressionLevel] = level;
    // The pledged size goes in the frame header (Frame_Content_Size) and lets zstd size its
    // window and tables to the input, as the zstd tool does for files: 1 KiB at level 19 took
    // ~50 ms with an 8 MiB window and tables, and takes well under 1 ms sized to the input.
    if (pledgedSize !== undefined) return { params, pledgedSrcSize: pledgedSize };
    return { params };
  }
  if (format === "br") {
    const params: AnyRecord = {};
    if (level !== undefined) params[C.BROTLI_PARAM_QUALITY] = level;
    if (pledgedSize !== undefined && C.BROTLI_PARAM_SIZE_HINT !== undefined) {
      params[C.BROTLI_PARAM_SIZE_HINT] = Math.min(pledgedSize, 0x7fffffff);
    }
    return { params };
  }
  if (level === undefined) return {};
  return { level };
}

function openHandle(
  format: EngineFormat,
  decompress: boolean,
  level: number | undefined,
  pledgedSize: number | undefined,
): { handle: NativeHandle; state: Uint32Array } {
  const factory = nodeZlib()?.[FACTORIES[format][decompress ? 1 : 0]];
  if (typeof factory !== "function") {
    throw new CompressError("unsupported", `${format} is not available in this runtime`);
  }
  let stream: AnyRecord;
  try {
    stream = factory(decompress ? {} : nativeOptions(format, level, pledgedSize));
  } catch (e) {
    throw new CompressError("unsupported", `${format}: cannot create the codec (${message(e)})`);
  }
  const handle = stream._handle as NativeHandle | undefined;
  const state = stream._writeState as Uint32Array | undefined;
  if (!handle || typeof handle.writeSync !== "function" || !(state instanceof Uint32Array)) {
    throw new CompressError(
      "unsupported",
      `${format}: this runtime's node:zlib has no synchronous native handle`,
    );
  }
  return { handle, state };
}

function allZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What a native codec reported: Node's documented `code`/`errno`, and a message for people. */
interface NativeError {
  message: string;
  errno?: number;
  code?: string;
}

/**
 * Error codes Node documents for its zlib and zstd bindings (`error.code`, stable across
 * versions, unlike `error.message`), mapped to ours. A runtime that reports no code (Deno's zstd
 * binding throws a bare `Error`) gets `corrupt`: window limits and truncation are found
 * structurally (`ZstdFrameWalker`, end-of-stream checks), not from the message text.
 */
const NATIVE_CODES: Readonly<Record<string, [CompressError["code"], string]>> = {
  ZSTD_error_checksum_wrong: ["checksum", "checksum mismatch"],
  ZSTD_error_frameParameter_windowTooLarge: ["limit", "frame needs a window larger than allowed"],
  ZSTD_error_memory_allocation: ["limit", "out of memory for this frame"],
  Z_MEM_ERROR: ["limit", "out of memory for this frame"],
  Z_BUF_ERROR: ["corrupt", "input is truncated"],
};

/** zlib's message for a failed CRC-32 (gzip) or Adler-32 (zlib) trailer check. */
const ZLIB_DATA_CHECK = "incorrect data check";

/** Maps a native error to our error code, by its `code`, else its zlib `errno`. */
function mapNativeError(format: EngineFormat, e: NativeError): CompressError {
  const known = e.code !== undefined ? NATIVE_CODES[e.code] : undefined;
  if (known !== undefined) return new CompressError(known[0], `${format}: ${known[1]}`);
  const C = constants();
  if (e.errno !== undefined && e.errno === C.Z_MEM_ERROR) {
    return new CompressError("limit", `${format}: out of memory for this frame`);
  }
  if (e.errno !== undefined && e.errno === C.Z_BUF_ERROR) {
    return new CompressError("corrupt", `${format}: input is truncated`);
  }
  // zlib reports a CRC-32/Adler-32 mismatch with the same Z_DATA_ERROR as any other damage; the
  // one thing that tells them apart is zlib's own fixed z_stream.msg for it (inflate.c). The
  // single text check left, and only under that errno.
  if (e.errno !== undefined && e.errno === C.Z_DATA_ERROR && e.message === ZLIB_DATA_CHECK) {
    return new CompressError("checksum", `${format}: checksum mismatch`);
  }
  return new CompressError("corrupt", `${format}: corrupt input (${e.message})`);
}

/** The documented fields of a thrown native error. */
function nativeError(e: unknown): NativeError {
  const r = (typeof e === "object" && e !== null ? e : {}) as Record<string, unknown>;
  return {
    message: message(e),
    errno: typeof r.errno === "number" ? r.errno : undefined,
    code: typeof r.code === "string" ? r.code : undefined,
  };
}

/** Options of a {@link ZlibEngine}. */
export interface EngineOptions {
  /** Native level (compression only), already validated for the format. */
  level?: number;
  /** Decompression only: ceiling on total output bytes. */
  maxOutputSize?: number;
  /**
   * Compression only: the exact total input size, when known up front (one-shot calls). zstd
   * records it in the frame and sizes its window to it; brotli takes it as a size hint. Writing
   * a different total fails.
   */
  pledgedSize?: number;
}

/**
 * One compression or decompression session over a native handle. Implements the shape of
 * `StreamEncoder` (`write`/`flush`/`end`) and `StreamDecoder` (`write`/`end`).
 */
export class ZlibEngine {
  readonly format: EngineFormat;
  readonly decompress: boolean;
  #handle: NativeHandle | null;
  #state: Uint32Array;
  #flags: Flags;
  #error: CompressError | null = null;
  #pendingError: NativeError | null = null;
  #max: number;
  #total = 0;
  #out: Uint8Array;
  #walker: ZstdFrameWalker | null;
  /** Brotli/deflate decoders: the stream reached its end mark. */
  #ended = false;
  #sawInput = false;

  constructor(format: EngineFormat, decompress: boolean, opts: EngineOptions = {}) {
    this.format = format;
    this.decompress = decompress;
    const { handle, state } = openHandle(format, decompress, opts.level, opts.pledgedSize);
    this.#handle = handle;
    this.#state = state;
    this.#flags = flagsFor(format);
    this.#max = opts.maxOutputSize ?? DEFAULT_MAX_OUTPUT_SIZE;
    if (!(this.#max >= 0)) throw new CompressError("unsupported", "maxOutputSize must be >= 0");
    this.#out = new Uint8Array(OUT_CHUNK);
    this.#walker = decompress && format === "zstd" ? new ZstdFrameWalker() : null;
    handle.onerror = (msg: string, errno: number, code?: string) => {
      this.#pendingError = { message: msg, errno, code };
    };
  }

  /** Feeds `chunk`; returns the output it produced. */
  write(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length === 0) return [];
    this.#sawInput = true;
    this.#walker?.push(chunk);
    return this.#run(chunk, this.#flags.none);
  }

  /** Compression: emits everything so far as decodable output (sync flush). */
  flush(): Uint8Array[] {
    return this.#run(new Uint8Array(0), this.#flags.flush);
  }

  /** Ends the stream and releases the native handle. */
  end(): Uint8Array[] {
    try {
      if (this.decompress && !this.#sawInput) {
        throw new CompressError("corrupt", `${this.format}: input is empty`);
      }
      this.#walker?.finish();
      let out: Uint8Array[];
      if (this.decompress && this.format === "br") {
        // Brotli decoders here do not report truncation. A complete stream stops consuming
        // input at its end; a truncated one swallows a probe byte looking for more.
        out = this.#run(new Uint8Array(0), this.#flags.finish);
        if (!this.#ended) {
          const probe = new Uint8Array([0]);
          out.push(...this.#run(probe, this.#flags.finish, true));
          if (!this.#ended) throw new CompressError("corrupt", "br: input is truncated");
        }
      } else {
        out = this.#run(new Uint8Array(0), this.#flags.finish);
      }
      return out;
    } finally {
      this.close();
    }
  }

  /** Releases the native handle (safe to call more than once). */
  close(): void {
    const h = this.#handle;
    this.#handle = null;
    if (h) {
      try {
        h.close();
      } catch {
        // Already closed by the runtime: nothing to release.
      }
    }
  }

  #fail(e: CompressError): never {
    this.#error = e;
    this.close();
    throw e;
  }

  #run(input: Uint8Array, flag: number, probe = false): Uint8Array[] {
    if (this.#error) throw this.#error;
    const handle = this.#handle;
    if (!handle) throw new CompressError("corrupt", `${this.format}: stream already ended`);
    const outputs: Uint8Array[] = [];
    const state = this.#state;
    let inOff = 0;
    let inLen = input.length;
    for (;;) {
      let out = this.#out;
      let room = out.length;
      if (this.decompress) {
        // Never produce more than one byte past the limit.
        const left = this.#max - this.#total + 1;
        if (left < room) room = left;
      }
      try {
        handle.writeSync(flag, input, inOff, inLen, out, 0, room);
      } catch (e) {
        if (e instanceof CompressError) this.#fail(e);
        this.#fail(mapNativeError(this.format, nativeError(e)));
      }
      if (this.#pendingError !== null) this.#fail(mapNativeError(this.format, this.#pendingError));
      const availOut = state[0];
      const availIn = state[1];
      const produced = room - availOut;
      const consumed = inLen - availIn;
      inOff += consumed;
      inLen = availIn;
      if (produced > 0) {
        this.#total += produced;
        if (this.decompress && this.#total > this.#max) {
          this.#fail(
            new CompressError(
              "limit",
              `${this.format}: decompressed size exceeds the limit of ${this.#max} bytes`,
            ),
          );
        }
        // Results are exact-size: a full buffer is handed over, anything less is copied out,
        // so no result pins a 64 KiB buffer for fewer bytes.
        if (produced === out.length) {
          outputs.push(out);
          out = this.#out = new Uint8Array(OUT_CHUNK);
        } else {
          outputs.push(out.slice(0, produced));
        }
      }
      if (availOut === 0) continue; // output full: more may be pending
      if (inLen === 0) break;
      // zstd stops at every frame end: resume with the rest.
      if (consumed > 0 || produced > 0) continue;
      // Output room left, input left, no progress: the stream has ended.
      if (this.decompress && this.format !== "zstd") {
        this.#ended = true;
        if (probe) break;
        // Trailing zero bytes after a gzip member are padding (tape blocks, fixed-size
        // records), which `gzip -d` ignores; anything else after the end is refused.
        if (this.format === "gzip" && allZero(input, inOff, inOff + inLen)) break;
        this.#fail(
          new CompressError("corrupt", `${this.format}: unexpected bytes after the end of stream`),
        );
      }
      this.#fail(new CompressError("corrupt", `${this.format}: decoder made no progress`));
    }
    if (probe && inLen === 0) this.#ended = false;
    return outputs;
  }
}

/**
 * Whether the engine can drive `format` in this runtime (probed once with a tiny round trip).
 */
export function engineAvailable(format: EngineFormat): boolean {
  let ok = probed.get(format);
  if (ok === undefined) {
    ok = probe(format);
    probed.set(format, ok);
  }
  return ok;
}

const probed = new Map<EngineFormat, boolean>();

function probe(format: EngineFormat): boolean {
  try {
    const data = new Uint8Array(64).fill(97);
    const enc = new ZlibEngine(format, false);
    const packed = concatChunks([...enc.write(data), ...enc.end()]);
    const dec = new ZlibEngine(format, true, { maxOutputSize: 1024 });
    const back = concatChunks([...dec.write(packed), ...dec.end()]);
    return back.length === 64 && back.every((b) => b === 97);
  } catch {
    return false;
  }
}
