/**
 * `Algorithm.Auto`: compress with what {@link chooseAlgorithm} picks; decode any frame it
 * can produce (columnar, zstd, LZ4), recognised by its magic number.
 *
 * @module
 */

import { compressFrame, decompressFrame } from "../lz4/mod.ts";
import { concatChunks } from "../concat.ts";
import { ZlibEngine } from "../platform/_engine.ts";
import { CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";
import { Algorithm, type Level } from "../types.ts";
import { type ElementType, hasMagic } from "../columnar/_format.ts";
import { decompressColumnar } from "../columnar/decode.ts";
import { encodeColumnar, storedColumnar } from "../columnar/encode.ts";
import {
  type AutoChoice,
  type AutoOptions,
  type AutoPlan,
  planAuto,
  type SpeedBudget,
} from "./choose.ts";

type AutoResult = ReturnType<typeof compressAuto>;

function zstd(data: Uint8Array, decompress: boolean, opt: number): Uint8Array {
  const e = new ZlibEngine(
    "zstd",
    decompress,
    decompress ? { maxOutputSize: opt } : { level: opt, pledgedSize: data.length },
  );
  try {
    const out: Uint8Array[] = [];
    for (let off = 0; off < data.length; off += 1 << 20) {
      out.push(...e.write(data.subarray(off, off + (1 << 20))));
    }
    out.push(...e.end());
    return concatChunks(out);
  } finally {
    e.close();
  }
}

/**
 * Samples `data`, chooses a codec, compresses, and reports the choice
 * with the ratio achieved.
 *
 * @throws {CompressError} `unsupported` for bad options; `corrupt` when a declared element type
 *   does not divide the input
 *
 * @example
 * ```ts
 * import { compressAuto, decompress, Algorithm } from "@avila/compress";
 * const text = new TextEncoder().encode("status=ok ".repeat(500));
 * const { data, choice } = compressAuto(text);
 * console.log(choice.algorithm); // "zstd"
 * console.log((await decompress(data, Algorithm.Auto)).length); // 5000
 * ```
 */
export function compressAuto(data: Uint8Array, opts: {
  /** Declared element type of numeric input; without it, Auto tries f64, i64, f32 and i32. */
  elementType?: ElementType;
  /** Speed floor or tier (default "balanced"). */
  speedBudget?: SpeedBudget;
  /**
   * Used when `speedBudget` is absent: `Level.Fast` or native levels <= 1 mean "fast",
   * `Level.Max` or levels >= 10 "max", anything else "balanced".
   */
  level?: Level;
} = {}): {
  /** The compressed, self-describing bytes (decode with `decompress(..., Algorithm.Auto)`). */
  data: Uint8Array;
  /** What was chosen and why. */
  choice: AutoChoice;
} {
  const plan = planAuto(data, opts);
  const { choice } = plan;
  const out = isGeneral(choice)
    ? generalCompress(data, choice.algorithm, choice.level)
    : compressPlanned(data, plan, opts);
  return settle(data, plan, out);
}

/**
 * {@link compressAuto} for the async API: the same choice and the same bytes, with a general
 * codec choice (zstd, LZ4) run by `encodeGeneral` (the caller's sliced, yielding encoder).
 * Columnar choices still run as one block.
 */
export async function compressAutoAsync(
  data: Uint8Array,
  opts: AutoOptions,
  encodeGeneral: (data: Uint8Array, algorithm: Algorithm, level: number) => Promise<Uint8Array>,
): Promise<AutoResult> {
  const plan = planAuto(data, opts);
  const { choice } = plan;
  const out = isGeneral(choice)
    ? await encodeGeneral(data, choice.algorithm, choice.level)
    : compressPlanned(data, plan, opts);
  return settle(data, plan, out);
}

function isGeneral(choice: AutoChoice): boolean {
  return !choice.stored && choice.algorithm !== Algorithm.Columnar;
}

/** Stored and columnar choices, with the general codec as the plan after columnar. */
function compressPlanned(data: Uint8Array, plan: AutoPlan, opts: AutoOptions): Uint8Array {
  const { choice, ratio: estimated, general } = plan;
  if (choice.stored) return storedColumnar(data);
  const r = encodeColumnar(data, { elementType: choice.elementType!, level: choice.level });
  let out = r.frame;
  choice.transforms = r.info.transforms;
  if (r.info.inner !== "none") choice.transforms = [...r.info.transforms, r.info.inner];
  const achieved = data.length / Math.max(1, out.length);
  // The general codec is the next plan. It is tried on the whole input when the columnar
  // plan did worse there than the general codec did on the sample, or when the element
  // type was a guess that won by little: a 64 KiB sample understates LZ4 and zstd on large
  // inputs (ELF binaries: i32 shuffle estimated 1.98x vs LZ4 1.54x, achieved 1.74x vs 2.05x).
  const guessed = opts.elementType === undefined;
  if (
    general !== null &&
    (achieved < general.ratio || (guessed && estimated < general.ratio * GUESS_MARGIN))
  ) {
    const alt = generalCompress(data, general.algorithm, general.level);
    if (alt.length < out.length) {
      out = alt;
      choice.algorithm = general.algorithm;
      choice.level = general.level;
      delete choice.elementType;
      delete choice.transforms;
      choice.reason += `; columnar gave ${achieved.toFixed(2)}x on the whole input, below ` +
        `${general.algorithm}'s ${general.ratio.toFixed(2)}x on the sample: ${general.algorithm}`;
    }
  }
  return out;
}

/** Stores what the chosen codec expanded, and completes the reason. */
function settle(data: Uint8Array, plan: AutoPlan, packed: Uint8Array): AutoResult {
  const { choice, general } = plan;
  let out = packed;
  if (out.length > data.length + 40 && !choice.stored) {
    out = storedColumnar(data);
    choice.stored = true;
    choice.algorithm = Algorithm.Columnar;
    choice.level = general?.level ?? choice.level;
    delete choice.elementType;
    choice.transforms = [];
    choice.reason += "; stored: the chosen codec expanded the data";
  }
  choice.reason += `; achieved ${(data.length / Math.max(1, out.length)).toFixed(2)}x`;
  return { data: out, choice };
}

/** A guessed element type must beat the general codec's estimate by this factor to skip the check. */
const GUESS_MARGIN = 1.5;

function generalCompress(data: Uint8Array, algorithm: Algorithm, level: number): Uint8Array {
  return algorithm === Algorithm.Lz4 ? compressFrame(data, { level }) : zstd(data, false, level);
}

/**
 * Decodes an Auto frame: columnar, zstd or LZ4, told apart by magic number.
 *
 * @throws {CompressError} `corrupt` for anything else, and the codec's own errors
 *
 * @example
 * ```ts
 * import { compressAuto } from "@avila/compress";
 * import { decompressAutoFrame } from "./compress_auto.ts";
 * const v = new Float64Array([1.5, -0, NaN, Infinity]);
 * const back = decompressAutoFrame(compressAuto(new Uint8Array(v.buffer)).data);
 * console.log(back.length); // 32
 * ```
 */
export function decompressAutoFrame(
  bytes: Uint8Array,
  maxOutputSize: number = DEFAULT_MAX_OUTPUT_SIZE,
): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new CompressError("unsupported", "input must be a Uint8Array");
  }
  if (hasMagic(bytes)) return decompressColumnar(bytes, { maxOutputSize });
  if (bytes.length >= 4) {
    const magic = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
    if (magic === 0x184d2204) return decompressFrame(bytes, { maxOutputSize });
    if (magic === 0xfd2fb528) return zstd(bytes, true, maxOutputSize);
  }
  throw new CompressError("corrupt", "auto: not a columnar, zstd or LZ4 frame");
}
