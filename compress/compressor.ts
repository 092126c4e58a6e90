/**
 * A configured codec: `Compressor.new(Algorithm.Zstd).level(Level.Balanced).build()`, with
 * one-shot, streaming and web-stream entry points that all share its settings, an optional
 * dictionary, block-parallel compression on a worker pool, `Algorithm.Auto` with a speed
 * budget, and running statistics (`stats()`).
 *
 * @module
 */

import { codecFor } from "./_codecs.ts";
import { assertAlgorithm, nativeLevel } from "./_levels.ts";
import { type AutoChoice, compressAuto, type SpeedBudget } from "./auto/mod.ts";
import {
  compress,
  compressSync,
  decompress,
  type DecompressOptions,
  decompressSync,
} from "./compress.ts";
import { dictionaryDecoder, dictionaryEncoder } from "./dictionary/_codec.ts";
import { Dictionary } from "./dictionary/dictionary.ts";
import { DictionarySet } from "./dictionary/dictionary_set.ts";
import { assertBlockAlgorithm, assertBlockSize } from "./parallel/_block_codec.ts";
import { compressBlocksSync } from "./parallel/blocks.ts";
import { compressParallel } from "./parallel/compress_parallel.ts";
import { DEFAULT_BLOCK_SIZE } from "./parallel/options.ts";
import { CompressionPool, defaultWorkerCount, workersAvailable } from "./parallel/pool.ts";
import { CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "./errors.ts";
import { decoderTransform, encoderTransform, pipeCoded } from "./stream.ts";
import {
  Algorithm,
  type BytesLike,
  Level,
  type StreamDecoder,
  type StreamEncoder,
} from "./types.ts";
import { toBytes } from "./_bytes.ts";

type CompressorParallelOptions = NonNullable<Parameters<CompressorBuilder["parallel"]>[0]>;

type CompressorFeatures = {
  -readonly [K in keyof Compressor["features"]]: Compressor["features"][K];
};

/** Counters of one direction or one algorithm (`stats().decompress`). */
type CompressorCounters = CompressorStats["decompress"];

type CompressorChoiceCount = CompressorStats["choices"][number];

export type CompressorStats = ReturnType<Compressor["stats"]>;

function counters(): CompressorCounters {
  return { calls: 0, bytesIn: 0, bytesOut: 0, timeMs: 0 };
}

function add(
  c: CompressorCounters,
  bytesIn: number,
  bytesOut: number,
  ms: number,
  calls = 1,
): void {
  c.calls += calls;
  c.bytesIn += bytesIn;
  c.bytesOut += bytesOut;
  c.timeMs += ms;
}

/** Running totals; each record is a few additions and at most one Map lookup. */
class StatsRecorder {
  readonly compress = counters();
  readonly decompress = counters();
  readonly byAlgorithm = new Map<string, CompressorCounters>();
  readonly choices = new Map<string, CompressorChoiceCount>();
  errors = 0;
  lastChoice: AutoChoice | undefined;

  compressed(algorithm: string, bytesIn: number, bytesOut: number, ms: number, calls = 1): void {
    add(this.compress, bytesIn, bytesOut, ms, calls);
    let a = this.byAlgorithm.get(algorithm);
    if (a === undefined) this.byAlgorithm.set(algorithm, a = counters());
    add(a, bytesIn, bytesOut, ms, calls);
  }

  chose(choice: AutoChoice): void {
    this.lastChoice = choice;
    const reason = choice.stored
      ? "stored"
      : choice.transforms?.length
      ? choice.transforms.join("+")
      : choice.elementType ?? "bytes";
    const key = `${choice.algorithm}\u0000${choice.level}\u0000${reason}`;
    let c = this.choices.get(key);
    if (c === undefined) {
      this.choices.set(
        key,
        c = { algorithm: choice.algorithm, level: choice.level, reason, count: 0 },
      );
    }
    c.count++;
  }

  snapshot(): CompressorStats {
    const c = this.compress;
    const byAlgorithm: Record<string, CompressorCounters> = {};
    for (const [k, v] of this.byAlgorithm) byAlgorithm[k] = { ...v };
    return {
      ...c,
      ratio: c.bytesOut > 0 ? c.bytesIn / c.bytesOut : 0,
      errors: this.errors,
      decompress: { ...this.decompress },
      byAlgorithm,
      choices: [...this.choices.values()].map((x) => ({ ...x })),
      lastChoice: this.lastChoice === undefined ? undefined : { ...this.lastChoice },
    };
  }
}

/** Counts the bytes through a stream coder; a stream counts as one call, at its end. */
class CountingCoder implements StreamEncoder {
  readonly #inner: StreamEncoder | StreamDecoder;
  readonly #record: (bytesIn: number, bytesOut: number, ms: number, calls: number) => void;
  readonly #fail: () => void;

  constructor(
    inner: StreamEncoder | StreamDecoder,
    record: (bytesIn: number, bytesOut: number, ms: number, calls: number) => void,
    fail: () => void,
  ) {
    this.#inner = inner;
    this.#record = record;
    this.#fail = fail;
  }

  #run(bytesIn: number, fn: () => Uint8Array[], calls = 0): Uint8Array[] {
    const t0 = performance.now();
    let out: Uint8Array[];
    try {
      out = fn();
    } catch (e) {
      this.#fail();
      throw e;
    }
    let n = 0;
    for (const o of out) n += o.length;
    this.#record(bytesIn, n, performance.now() - t0, calls);
    return out;
  }

  write(chunk: Uint8Array): Uint8Array[] {
    return this.#run(chunk.length, () => this.#inner.write(chunk));
  }

  flush(): Uint8Array[] {
    const inner = this.#inner;
    if (!("flush" in inner)) return [];
    return this.#run(0, () => inner.flush());
  }

  end(): Uint8Array[] {
    return this.#run(0, () => this.#inner.end(), 1);
  }
}

/**
 * Builds a {@link Compressor}; obtained from {@link Compressor.new}.
 *
 * @example
 * ```ts
 * import { Algorithm, Compressor, Level } from "@avila/compress";
 * const c = Compressor.new(Algorithm.Brotli).level(Level.Fast).maxOutputSize(1 << 20).build();
 * console.log(c.algorithm); // "br"
 * ```
 */
export class CompressorBuilder {
  #algorithm: Algorithm;
  #level: Level = Level.Balanced;
  #max: number = DEFAULT_MAX_OUTPUT_SIZE;
  #dictionary: Dictionary | DictionarySet | undefined;
  #parallel: CompressorParallelOptions | undefined;
  #speedBudget: SpeedBudget | undefined;

  /** Prefer {@link Compressor.new}. */
  constructor(algorithm: Algorithm) {
    assertAlgorithm(algorithm);
    this.#algorithm = algorithm;
  }

  /** Compression level: a {@link Level} name or the codec's native number. */
  level(level: Level): this {
    this.#level = level;
    return this;
  }

  /** Ceiling on decompressed bytes (default 256 MiB). */
  maxOutputSize(bytes: number): this {
    if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes < 0) {
      throw new CompressError("unsupported", "maxOutputSize must be a non-negative finite number");
    }
    this.#max = Math.floor(bytes);
    return this;
  }

  /**
   * Compress with a prefix dictionary (`lz4`, `lz4-block`): a `Dictionary`, or for a
   * decode-only compressor a `DictionarySet` resolving each frame's id.
   *
   * @example
   * ```ts
   * import { Algorithm, Compressor, Dictionary } from "@avila/compress";
   * const dict = new Dictionary(new TextEncoder().encode('{"status":"ok","region":"eu-west-1"}'));
   * const c = Compressor.new(Algorithm.Lz4).dictionary(dict).build();
   * const body = new TextEncoder().encode('{"status":"ok","region":"eu-west-1","id":7}');
   * console.log((await c.decompress(await c.compress(body))).length); // 43
   * ```
   */
  dictionary(dictionary: Dictionary | DictionarySet): this {
    if (!(dictionary instanceof Dictionary) && !(dictionary instanceof DictionarySet)) {
      throw new CompressError("unsupported", "dictionary must be a Dictionary or DictionarySet");
    }
    this.#dictionary = dictionary;
    return this;
  }

  /**
   * Compress inputs larger than one block as independent blocks on a pool of Web Workers
   * (`lz4`, `zstd`, `gzip`, `snappy`); the output is one ordinary frame sequence, the same bytes
   * whatever the worker count. The pool starts on first use; call `close()` on the compressor when done.
   *
   * @example
   * ```ts
   * import { Algorithm, Compressor } from "@avila/compress";
   * using c = Compressor.new(Algorithm.Zstd).parallel({ workers: 2, blockSize: 262144 }).build();
   * const data = new TextEncoder().encode("ts,value\n".repeat(100000));
   * console.log((await c.decompress(await c.compress(data))).length); // 900000
   * ```
   */
  parallel(options: {
    /** Worker count (default `navigator.hardwareConcurrency`, 1..64). */
    workers?: number;
    /**
     * Uncompressed bytes per block: a multiple of 64 KiB from 64 KiB to 64 MiB, and for LZ4 one of
     * 65536, 262144, 1048576 or 4194304. Default 1 MiB.
     */
    blockSize?: number;
  } = {}): this {
    this.#parallel = { ...options };
    return this;
  }

  /**
   * Let `Algorithm.Auto` sample each input and pick codec, level and transforms within an
   * optional speed budget; `stats().choices` and `stats().lastChoice` say what was chosen and
   * why. Replaces the algorithm given to {@link Compressor.new}.
   *
   * @param options.speedBudget MB/s floor or "fast" | "balanced" | "max" (default: from the
   *   level, i.e. "balanced")
   *
   * @example
   * ```ts
   * import { Compressor } from "@avila/compress";
   * const c = Compressor.forAvilaDB().autoDetectPattern({ speedBudget: "fast" }).build();
   * await c.compress(new TextEncoder().encode("level=info msg=ok ".repeat(400)));
   * console.log(c.stats().lastChoice?.algorithm); // "lz4"
   * ```
   */
  autoDetectPattern(options: { speedBudget?: SpeedBudget } = {}): this {
    this.#algorithm = Algorithm.Auto;
    this.#speedBudget = options.speedBudget;
    return this;
  }

  /**
   * Validates the settings and returns the compressor.
   *
   * @throws {CompressError} `unsupported` for a bad level, an algorithm this runtime lacks, a
   *   dictionary on an algorithm without dictionaries, or parallel settings the algorithm has
   *   no block form for
   */
  build(): Compressor {
    const alg = this.#algorithm;
    const native = nativeLevel(alg, this.#level);
    if (!codecFor(alg).available() && alg !== Algorithm.Auto && alg !== Algorithm.Columnar) {
      throw new CompressError("unsupported", `${alg} is not available in this runtime`);
    }
    const features: CompressorFeatures = { speedBudget: this.#speedBudget };
    if (this.#dictionary !== undefined) {
      if (alg !== Algorithm.Lz4 && alg !== Algorithm.Lz4Block) {
        throw new CompressError(
          "unsupported",
          `${alg} takes no dictionary; dictionaries work with lz4 and lz4-block`,
        );
      }
      features.dictionary = this.#dictionary;
    }
    if (this.#parallel !== undefined) {
      if (this.#dictionary !== undefined) {
        throw new CompressError(
          "unsupported",
          "a compressor is either parallel or uses a dictionary",
        );
      }
      assertBlockAlgorithm(alg);
      const blockSize = this.#parallel.blockSize ?? DEFAULT_BLOCK_SIZE;
      assertBlockSize(alg, blockSize);
      const workers = this.#parallel.workers ?? defaultWorkerCount();
      if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
        throw new CompressError("unsupported", "workers must be an integer in 1..64");
      }
      features.parallel = { workers, blockSize };
    }
    return new Compressor(alg, this.#level, native, this.#max, features);
  }
}

/**
 * One algorithm with fixed settings. Immutable and reusable; every `encoder()`, `decoder()`
 * and transform is a fresh, independent session.
 *
 * @example
 * ```ts
 * import { Algorithm, Compressor, Level } from "@avila/compress";
 * const zstd = Compressor.new(Algorithm.Zstd).level(Level.Balanced).maxOutputSize(1 << 20).build();
 * const packed = await zstd.compress(new TextEncoder().encode("row,row,row,row"));
 * console.log(new TextDecoder().decode(await zstd.decompress(packed))); // "row,row,row,row"
 * ```
 */
export class Compressor {
  /** The algorithm. */
  readonly algorithm: Algorithm;
  /** The level as configured. */
  readonly level: Level;
  /** The codec-native level it maps to. */
  readonly nativeLevel: number;
  /** Ceiling on decompressed bytes. */
  readonly maxOutputSize: number;
  /** Dictionary, parallel and Auto settings. */
  readonly features: Readonly<{
    /** Dictionary for compressing (a `Dictionary`) and decoding (either). */
    dictionary?: Dictionary | DictionarySet;
    /** Block-parallel compression of inputs larger than one block. */
    parallel?: { workers: number; blockSize: number };
    /** Speed budget for `Algorithm.Auto`. */
    speedBudget?: SpeedBudget;
  }>;
  readonly #stats = new StatsRecorder();
  #pool: CompressionPool | undefined;
  #closed = false;

  /**
   * Starts building a compressor for `algorithm`.
   *
   * @example
   * ```ts
   * import { Algorithm, Compressor } from "@avila/compress";
   * const lz4 = Compressor.new(Algorithm.Lz4).build();
   * console.log(lz4.nativeLevel); // 1
   * ```
   */
  static new(algorithm: Algorithm): CompressorBuilder {
    return new CompressorBuilder(algorithm);
  }

  /**
   * The preset for AvilaDB storage (pages, column chunks, WAL segments): zstd at the balanced
   * level with a 256 MiB decode ceiling. Chain `.autoDetectPattern()` to let Auto choose per
   * input (columnar transforms for numbers, LZ4 or zstd for text by speed budget).
   *
   * @example
   * ```ts
   * import { Compressor } from "@avila/compress";
   * const c = Compressor.forAvilaDB().build();
   * console.log(c.algorithm, c.nativeLevel); // "zstd" 3
   * ```
   */
  static forAvilaDB(): CompressorBuilder {
    return new CompressorBuilder(Algorithm.Zstd).level(Level.Balanced).maxOutputSize(
      DEFAULT_MAX_OUTPUT_SIZE,
    );
  }

  /**
   * Prefer {@link Compressor.new}; the arguments are assumed validated.
   *
   * @param features dictionary, parallel and Auto settings as the builder validated them
   */
  constructor(
    algorithm: Algorithm,
    level: Level,
    nativeLevel: number,
    maxOutputSize: number,
    features: Compressor["features"] = {},
  ) {
    this.algorithm = algorithm;
    this.level = level;
    this.nativeLevel = nativeLevel;
    this.maxOutputSize = maxOutputSize;
    this.features = Object.freeze({ ...features });
  }

  /**
   * A snapshot of the running statistics: bytes in and out, ratio, time, errors, per-algorithm
   * counters and Auto's choices. Costs nothing until called; two clock reads per call.
   *
   * @example
   * ```ts
   * import { Algorithm, Compressor } from "@avila/compress";
   * const c = Compressor.new(Algorithm.Lz4).build();
   * await c.compress(new TextEncoder().encode("abc".repeat(1000)));
   * const s = c.stats();
   * console.log(s.calls, s.bytesIn, s.ratio > 10); // 1 3000 true
   * ```
   */
  stats(): {
    /** Successful compression calls (a stream counts once, when it ends). */
    calls: number;
    /** Bytes given to the codec. */
    bytesIn: number;
    /** Bytes the codec produced. */
    bytesOut: number;
    /** Time spent inside the codec, in milliseconds (wall clock, including worker waits). */
    timeMs: number;
    /** `bytesIn / bytesOut` of compression (0 before any output). */
    ratio: number;
    /** Calls that threw (compress or decompress). */
    errors: number;
    /** Decompression counters (`bytesIn` compressed, `bytesOut` restored). */
    decompress: { calls: number; bytesIn: number; bytesOut: number; timeMs: number };
    /** Compression counters per algorithm actually used (Auto reports what it picked). */
    byAlgorithm: Record<
      string,
      { calls: number; bytesIn: number; bytesOut: number; timeMs: number }
    >;
    /** `Algorithm.Auto` decisions by algorithm, level and kind. */
    choices: {
      /** The algorithm chosen (`zstd`, `lz4`, `columnar`). */
      algorithm: Algorithm;
      /** The codec-native level chosen. */
      level: number;
      /**
       * The kind of evidence, bounded for metrics labels: `stored` (incompressible), the columnar
       * transforms joined with `+`, the element type, or `bytes`.
       */
      reason: string;
      /** Number of inputs for which it was chosen. */
      count: number;
    }[];
    /** The last `Algorithm.Auto` decision in full, with its one-sentence reason. */
    lastChoice?: AutoChoice;
  } {
    return this.#stats.snapshot();
  }

  /**
   * Terminates the worker pool of a parallel compressor (no-op otherwise); compressing again
   * afterwards throws `unsupported`. Idempotent.
   */
  close(): void {
    this.#closed = true;
    this.#pool?.close();
    this.#pool = undefined;
  }

  /** Same as {@link Compressor.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #compressOpts(): { level: Level; dictionary?: Dictionary } {
    const d = this.features.dictionary;
    if (d instanceof DictionarySet) {
      throw new CompressError(
        "unsupported",
        "this compressor holds a DictionarySet: it decodes only; build one with a Dictionary",
      );
    }
    return d === undefined ? { level: this.level } : { level: this.level, dictionary: d };
  }

  #decompressOpts(decompressedSize: number | undefined): DecompressOptions {
    return {
      maxOutputSize: this.maxOutputSize,
      decompressedSize,
      dictionary: this.features.dictionary,
    };
  }

  #fail<T>(e: unknown): T {
    this.#stats.errors++;
    throw e;
  }

  #auto(data: Uint8Array, t0: number): Uint8Array {
    const { data: out, choice } = compressAuto(data, {
      speedBudget: this.features.speedBudget,
      level: this.level,
    });
    this.#stats.chose(choice);
    this.#stats.compressed(choice.algorithm, data.length, out.length, performance.now() - t0);
    return out;
  }

  /** Compresses `data` (see `compress`), in parallel blocks when so configured. */
  async compress(input: BytesLike): Promise<Uint8Array> {
    const t0 = performance.now();
    try {
      const data = toBytes(input);
      if (this.algorithm === Algorithm.Auto) return this.#auto(data, t0);
      const par = this.features.parallel;
      let out: Uint8Array;
      if (par !== undefined) {
        if (this.#closed) throw new CompressError("unsupported", "the compressor is closed");
        const many = data instanceof Uint8Array && data.length > par.blockSize &&
          par.workers > 1 && workersAvailable();
        if (many) this.#pool ??= new CompressionPool({ workers: par.workers });
        out = await compressParallel(data, this.algorithm, {
          level: this.level,
          blockSize: par.blockSize,
          pool: many ? this.#pool : undefined,
          workers: many ? undefined : 1,
        });
      } else {
        out = await compress(data, this.algorithm, this.#compressOpts());
      }
      this.#stats.compressed(this.algorithm, data.length, out.length, performance.now() - t0);
      return out;
    } catch (e) {
      return this.#fail(e);
    }
  }

  /** Decompresses `data` within `maxOutputSize` (see `decompress`). */
  async decompress(
    input: BytesLike,
    opts: { decompressedSize?: number } = {},
  ): Promise<Uint8Array> {
    const t0 = performance.now();
    try {
      const data = toBytes(input);
      const out = await decompress(
        data,
        this.algorithm,
        this.#decompressOpts(opts.decompressedSize),
      );
      add(this.#stats.decompress, data.length, out.length, performance.now() - t0);
      return out;
    } catch (e) {
      return this.#fail(e);
    }
  }

  /** Synchronous {@link Compressor.compress} (always single-threaded; same bytes). */
  compressSync(input: BytesLike): Uint8Array {
    const t0 = performance.now();
    try {
      const data = toBytes(input);
      if (this.algorithm === Algorithm.Auto) return this.#auto(data, t0);
      const par = this.features.parallel;
      const out = par !== undefined
        ? compressBlocksSync(data, this.algorithm, { level: this.level, blockSize: par.blockSize })
        : compressSync(data, this.algorithm, this.#compressOpts());
      this.#stats.compressed(this.algorithm, data.length, out.length, performance.now() - t0);
      return out;
    } catch (e) {
      return this.#fail(e);
    }
  }

  /** Synchronous {@link Compressor.decompress}. */
  decompressSync(input: BytesLike, opts: { decompressedSize?: number } = {}): Uint8Array {
    const t0 = performance.now();
    try {
      const data = toBytes(input);
      const out = decompressSync(data, this.algorithm, this.#decompressOpts(opts.decompressedSize));
      add(this.#stats.decompress, data.length, out.length, performance.now() - t0);
      return out;
    } catch (e) {
      return this.#fail(e);
    }
  }

  /**
   * A new incremental encoder. `flush()` makes everything written so far decodable by the
   * receiver (an LZ4/Snappy block boundary, zlib `Z_SYNC_FLUSH`, zstd `ZSTD_e_flush`, brotli
   * `BROTLI_OPERATION_FLUSH`): what HTTP needs to push each server-sent event.
   *
   * @throws {CompressError} `unsupported` for `lz4-block` and `snappy-raw` (no stream form)
   */
  encoder(): StreamEncoder {
    const d = this.features.dictionary;
    const inner = d === undefined
      ? codecFor(this.algorithm).encoder(this.nativeLevel)
      : dictionaryEncoder(this.algorithm, this.nativeLevel, d);
    const alg = this.algorithm;
    return new CountingCoder(
      inner,
      (i, o, ms, calls) => this.#stats.compressed(alg, i, o, ms, calls),
      () => this.#stats.errors++,
    );
  }

  /** A new incremental decoder bounded by `maxOutputSize`. */
  decoder(): StreamDecoder {
    const d = this.features.dictionary;
    const inner = d === undefined
      ? codecFor(this.algorithm).decoder(this.maxOutputSize)
      : dictionaryDecoder(this.algorithm, this.maxOutputSize, d);
    return new CountingCoder(
      inner,
      (i, o, ms, calls) => add(this.#stats.decompress, i, o, ms, calls),
      () => this.#stats.errors++,
    );
  }

  /** A compressing `TransformStream` (`flushEachChunk`: flush after every chunk). */
  transform(opts?: {
    /**
     * When true, the encoder is flushed after every input chunk, so each chunk's data is
     * decodable by the receiver as soon as it arrives (server-sent events, streamed logs).
     * Costs some ratio. Default false.
     */
    flushEachChunk?: boolean;
  }): TransformStream<Uint8Array, Uint8Array> {
    const codec = codecFor(this.algorithm);
    if (!codec.sync() && codec.web && !opts?.flushEachChunk) return codec.web.transform();
    return encoderTransform(this.encoder(), opts);
  }

  /** A decompressing `TransformStream`, enforcing `maxOutputSize` as data flows. */
  decompressTransform(): TransformStream<Uint8Array, Uint8Array> {
    const codec = codecFor(this.algorithm);
    if (!codec.sync() && codec.web) return codec.web.decompressTransform(this.maxOutputSize);
    return decoderTransform(this.decoder());
  }

  /** Compresses `readable` into `writable`; resolves when done, rejects on the first error. */
  compressStream(
    readable: ReadableStream<Uint8Array>,
    writable: WritableStream<Uint8Array>,
  ): Promise<void> {
    return pipeCoded(readable, this.transform(), writable);
  }

  /** Decompresses `readable` into `writable`; codec failures reject with `CompressError`. */
  decompressStream(
    readable: ReadableStream<Uint8Array>,
    writable: WritableStream<Uint8Array>,
  ): Promise<void> {
    return pipeCoded(readable, this.decompressTransform(), writable);
  }
}
