/**
 * `avx compress` and `avx decompress`: stream files or stdin/stdout through any streaming
 * codec, like the `lz4` and `zstd` tools.
 *
 * @module
 */

import {
  Algorithm,
  compressAuto,
  CompressError,
  Compressor,
  compressSync,
  concatChunks,
  decompressSync,
  detect,
  type ElementType,
  Level,
} from "@avila/compress";
import type { ParsedArgs } from "./_args.ts";
import { defineCommand, writeLine } from "./_command.ts";
import { CliError, type CliIo, type Command } from "./registry.ts";

const NAMES: Record<string, Algorithm> = {
  lz4: Algorithm.Lz4,
  snappy: Algorithm.Snappy,
  sz: Algorithm.Snappy,
  zstd: Algorithm.Zstd,
  zst: Algorithm.Zstd,
  gzip: Algorithm.Gzip,
  gz: Algorithm.Gzip,
  br: Algorithm.Brotli,
  brotli: Algorithm.Brotli,
  deflate: Algorithm.Deflate,
  "deflate-raw": Algorithm.DeflateRaw,
  columnar: Algorithm.Columnar,
};

const SUFFIX: Partial<Record<Algorithm, string>> = {
  [Algorithm.Lz4]: ".lz4",
  [Algorithm.Snappy]: ".sz",
  [Algorithm.Zstd]: ".zst",
  [Algorithm.Gzip]: ".gz",
  [Algorithm.Brotli]: ".br",
  [Algorithm.Deflate]: ".zz",
  [Algorithm.DeflateRaw]: ".deflate",
  [Algorithm.Columnar]: ".col",
  [Algorithm.Auto]: ".auto",
};

const ALGORITHMS_HELP = "lz4|snappy|zstd|gzip|br|deflate|deflate-raw|columnar";
const DTYPES = "f64|f32|i64|u64|i32|u32|i16|u16|i8|u8";

const SPEC = {
  algorithm: { short: "a", value: true },
  level: { short: "l", value: true },
  stdout: { short: "c", value: false },
  force: { short: "f", value: false },
  "max-output": { value: true },
  dtype: { value: true },
  speed: { value: true },
  help: { short: "h", value: false },
} as const;

function parseAlgorithm(value: string | true | undefined, allowAuto: boolean): Algorithm | "auto" {
  if (value === undefined || value === true) {
    throw new CliError(`missing -a ALGORITHM (${ALGORITHMS_HELP}${allowAuto ? "|auto" : ""})`, 2);
  }
  if (allowAuto && value === "auto") return "auto";
  const a = NAMES[value.toLowerCase()];
  if (!a) {
    throw new CliError(
      `unknown algorithm "${value}" (use ${ALGORITHMS_HELP}${allowAuto ? "|auto" : ""})`,
      2,
    );
  }
  return a;
}

function parseLevel(value: string | true | undefined): Level {
  if (value === undefined || value === true) return Level.Balanced;
  const v = value.toLowerCase();
  if (v === Level.Fast || v === Level.Balanced || v === Level.Max) return v;
  if (!/^-?\d+$/.test(v)) {
    throw new CliError(`bad level "${value}" (a number or fast|balanced|max)`, 2);
  }
  return Number(v);
}

/** Parses sizes like 1048576, 64K, 10M, 2G (binary units). */
function parseSize(value: string | true | undefined): number {
  if (value === undefined || value === true) return Number.MAX_SAFE_INTEGER;
  const m = /^(\d+)([kmgt]?)i?b?$/i.exec(value);
  if (!m) throw new CliError(`bad size "${value}" (e.g. 1048576, 64K, 10M, 2G)`, 2);
  const unit = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase()]!;
  return Number(m[1]) * unit;
}

interface Endpoints {
  input: string | null;
  output: string | null;
}

function endpoints(
  positionals: string[],
  toStdout: boolean,
  outputName: (input: string) => string,
): Endpoints {
  if (positionals.length > 2) throw new CliError("too many arguments (expected [IN [OUT]])", 2);
  const inArg = positionals[0];
  const input = inArg === undefined || inArg === "-" ? null : inArg;
  let output: string | null;
  if (toStdout || positionals.length === 0 || inArg === "-") {
    output = positionals[1] === undefined || positionals[1] === "-" ? null : positionals[1];
  } else if (positionals.length === 2) {
    output = positionals[1] === "-" ? null : positionals[1];
  } else {
    output = outputName(input!);
  }
  return { input, output };
}

async function openInput(path: string | null, io: CliIo): Promise<ReadableStream<Uint8Array>> {
  if (path === null) return io.stdin;
  try {
    const f = await Deno.open(path, { read: true });
    return f.readable;
  } catch (e) {
    throw fileError(path, e);
  }
}

function fileError(path: string, e: unknown): CliError {
  if (e instanceof Deno.errors.NotFound) return new CliError(`${path}: no such file`);
  if (e instanceof Deno.errors.AlreadyExists) {
    return new CliError(`${path}: already exists (use -f to overwrite)`);
  }
  if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
    return new CliError(`${path}: permission denied`);
  }
  if (e instanceof Deno.errors.IsADirectory) return new CliError(`${path}: is a directory`);
  return new CliError(`${path}: ${e instanceof Error ? e.message : String(e)}`);
}

/** Runs `source` through `transform` into the output, removing a partial output file on error. */
async function pump(
  source: ReadableStream<Uint8Array>,
  transform: TransformStream<Uint8Array, Uint8Array>,
  output: string | null,
  force: boolean,
  io: CliIo,
): Promise<void> {
  if (output === null) {
    await source.pipeThrough(transform).pipeTo(io.stdout, { preventClose: true });
    return;
  }
  let file: Deno.FsFile;
  try {
    file = await Deno.open(output, {
      write: true,
      create: true,
      truncate: true,
      createNew: !force,
    });
  } catch (e) {
    await source.cancel().catch(() => {});
    throw fileError(output, e);
  }
  try {
    await source.pipeThrough(transform).pipeTo(file.writable);
  } catch (e) {
    try {
      file.close();
    } catch {
      // pipeTo already closed it
    }
    await Deno.remove(output).catch(() => {});
    throw e;
  }
}

/** Reads from `source` until at least `n` bytes (or the end); returns them and the rest. */
async function peek(
  source: ReadableStream<Uint8Array>,
  n: number,
): Promise<{ head: Uint8Array; rest: ReadableStream<Uint8Array> }> {
  const reader = source.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < n) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.length;
  }
  const head = concatChunks(parts);
  let sentHead = false;
  const rest = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentHead) {
        sentHead = true;
        if (head.length > 0) {
          controller.enqueue(head);
          return;
        }
      }
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { head, rest };
}

async function readStream(source: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p);
  return concatChunks(parts);
}

async function writeWhole(
  bytes: Uint8Array,
  output: string | null,
  force: boolean,
  io: CliIo,
): Promise<void> {
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes);
      c.close();
    },
  });
  await pump(source, new TransformStream(), output, force, io);
}

/** Columnar and Auto need the whole input (sampling, checksum): read it, compress, write. */
async function compressWhole(
  algorithm: Algorithm,
  level: Level,
  options: Map<string, string | true>,
  positionals: string[],
  io: CliIo,
): Promise<number> {
  const dtype = options.get("dtype");
  let elementType: ElementType | undefined;
  if (dtype !== undefined) {
    if (dtype === true) throw new CliError(`--dtype needs a type (${DTYPES})`, 2);
    if (!DTYPES.split("|").includes(dtype)) {
      throw new CliError(`bad --dtype "${dtype}" (use ${DTYPES})`, 2);
    }
    elementType = dtype as ElementType;
  }
  const speedArg = options.get("speed");
  let speedBudget: "fast" | "balanced" | "max" | number | undefined;
  if (speedArg !== undefined) {
    if (algorithm !== Algorithm.Auto) throw new CliError("--speed applies to -a auto", 2);
    if (speedArg === "fast" || speedArg === "balanced" || speedArg === "max") {
      speedBudget = speedArg;
    } else if (typeof speedArg === "string" && /^\d+(\.\d+)?$/.test(speedArg)) {
      speedBudget = Number(speedArg);
    } else throw new CliError(`bad --speed "${String(speedArg)}" (fast|balanced|max or MB/s)`, 2);
  }
  const { input, output } = endpoints(
    positionals,
    options.has("stdout"),
    (p) => p + SUFFIX[algorithm],
  );
  try {
    const data = await readStream(await openInput(input, io));
    let packed: Uint8Array;
    if (algorithm === Algorithm.Auto) {
      const r = compressAuto(data, { elementType, speedBudget, level });
      packed = r.data;
      await writeLine(
        io.stderr,
        `auto: ${r.choice.algorithm}${
          r.choice.transforms?.length ? ` [${r.choice.transforms.join(" + ")}]` : ""
        }: ${r.choice.reason}`,
      );
    } else {
      packed = compressSync(data, algorithm, { elementType: elementType ?? "u8", level });
    }
    await writeWhole(packed, output, options.has("force"), io);
  } catch (e) {
    throw describe(e);
  }
  return 0;
}

function stripSuffix(path: string): string {
  for (const s of Object.values(SUFFIX)) {
    if (s && path.endsWith(s) && path.length > s.length) return path.slice(0, -s.length);
  }
  throw new CliError(`${path}: unknown suffix, cannot name the output (give OUT, or -c)`, 2);
}

function describe(e: unknown): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof CompressError) {
    return new CliError(`${e.code === "limit" ? "limit exceeded" : e.code}: ${e.message}`);
  }
  if (e instanceof Deno.errors.BrokenPipe) return new CliError("output closed early (broken pipe)");
  return new CliError(e instanceof Error ? e.message : String(e));
}

const COMPRESS_USAGE =
  `Usage: avx compress -a ALGORITHM|auto [-l LEVEL] [--dtype T] [--speed S] [-c] [-f] [IN [OUT]]

Compresses IN (default: stdin) into OUT (default: IN plus the algorithm's suffix, or stdout
when reading stdin). "-" means stdin or stdout. "columnar" compresses an array of numbers
(little-endian elements of --dtype); "auto" samples the input and picks the codec, then prints
its choice and reason on stderr.

  -a, --algorithm  ${ALGORITHMS_HELP}|auto
  -l, --level      fast | balanced | max, or the codec's own number (default balanced)
      --dtype      columnar (default u8) and auto (optional): ${DTYPES}
      --speed      auto only: fast | balanced | max, or a floor in MB/s
  -c, --stdout     write to stdout
  -f, --force      overwrite OUT if it exists
  -h, --help       this help`;

const DECOMPRESS_USAGE =
  `Usage: avx decompress -a ALGORITHM|auto [--max-output SIZE] [-c] [-f] [IN [OUT]]

Decompresses IN (default: stdin) into OUT (default: IN without its suffix, or stdout when
reading stdin). "-" means stdin or stdout. "-a auto" detects the format from its magic bytes
(brotli has none: name it with -a br).

  -a, --algorithm  ${ALGORITHMS_HELP}|auto
      --max-output stop with an error past this many bytes (e.g. 512M; default: no limit)
  -c, --stdout     write to stdout
  -f, --force      overwrite OUT if it exists
  -h, --help       this help`;

/**
 * `avx compress`.
 *
 * @example
 * ```ts
 * import { compressCommand } from "./codec_commands.ts";
 * console.log(compressCommand.name); // "compress"
 * ```
 */
export const compressCommand: Command = defineCommand({
  name: "compress",
  summary: `compress a file or stdin (${ALGORITHMS_HELP})`,
  usage: COMPRESS_USAGE,
  options: SPEC,
  async run({ options, positionals }: ParsedArgs, io: CliIo): Promise<number> {
    if (options.has("max-output")) throw new CliError("--max-output applies to decompress", 2);
    const chosen = parseAlgorithm(options.get("algorithm"), true);
    const algorithm = chosen === "auto" ? Algorithm.Auto : chosen;
    const level = parseLevel(options.get("level"));
    if (algorithm === Algorithm.Columnar || algorithm === Algorithm.Auto) {
      return await compressWhole(algorithm, level, options, positionals, io);
    }
    if (options.has("dtype") || options.has("speed")) {
      throw new CliError("--dtype and --speed apply to -a columnar and -a auto", 2);
    }
    let compressor: Compressor;
    try {
      compressor = Compressor.new(algorithm).level(level).build();
    } catch (e) {
      throw e instanceof CompressError ? new CliError(e.message, 2) : e;
    }
    const { input, output } = endpoints(
      positionals,
      options.has("stdout"),
      (p) => p + SUFFIX[algorithm],
    );
    const source = await openInput(input, io);
    try {
      await pump(source, compressor.transform(), output, options.has("force"), io);
    } catch (e) {
      throw describe(e);
    }
    return 0;
  },
});

/**
 * `avx decompress`.
 *
 * @example
 * ```ts
 * import { decompressCommand } from "./codec_commands.ts";
 * console.log(decompressCommand.name); // "decompress"
 * ```
 */
export const decompressCommand: Command = defineCommand({
  name: "decompress",
  summary: "decompress a file or stdin (any of the above, or -a auto)",
  usage: DECOMPRESS_USAGE,
  options: SPEC,
  async run({ options, positionals }: ParsedArgs, io: CliIo): Promise<number> {
    if (options.has("level")) throw new CliError("-l applies to compress", 2);
    const chosen = parseAlgorithm(options.get("algorithm"), true);
    const max = parseSize(options.get("max-output"));
    const { input, output } = endpoints(positionals, options.has("stdout"), stripSuffix);
    let source = await openInput(input, io);
    let algorithm: Algorithm;
    try {
      if (chosen === "auto") {
        const peeked = await peek(source, 64);
        source = peeked.rest;
        const found = detect(peeked.head);
        if (!found || found.algorithm === null) {
          await source.cancel().catch(() => {});
          throw new CliError(
            `${
              input ?? "stdin"
            }: not a recognised compressed format (brotli has no magic: use -a br)`,
          );
        }
        algorithm = found.algorithm;
      } else {
        algorithm = chosen;
      }
      if (algorithm === Algorithm.Columnar || algorithm === Algorithm.Auto) {
        const whole = await readStream(source);
        await writeWhole(
          decompressSync(whole, algorithm, { maxOutputSize: max }),
          output,
          options.has("force"),
          io,
        );
        return 0;
      }
      const c = Compressor.new(algorithm).maxOutputSize(max).build();
      await pump(source, c.decompressTransform(), output, options.has("force"), io);
    } catch (e) {
      throw describe(e);
    }
    return 0;
  },
});
