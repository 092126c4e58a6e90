/**
 * Adaptive codec choice: samples the input (numeric patterns, text, repetition, entropy) and
 * picks algorithm, level and transforms within a speed budget, saying why.
 *
 * @module
 */

import { compressBlock } from "../lz4/block_encode.ts";
import type { compressAuto } from "./compress_auto.ts";
import { CompressError } from "../errors.ts";
import { engineAvailable } from "../platform/_engine.ts";
import { Algorithm, Level } from "../types.ts";
import { assertElementType, type ElementType, widthOf } from "../columnar/_format.ts";
import { innerCompress, innerFor } from "../columnar/_inner.ts";
import { chainSteps, planChains } from "../columnar/_plan.ts";

/**
 * How fast compression must be: a floor in MB/s, or a tier. `"fast"` (or >= 250 MB/s): LZ4 and
 * LZ4-backed columnar; `"balanced"` (default, or >= 20 MB/s): zstd 3; `"max"` (or below
 * 20 MB/s): zstd 19.
 */
export type SpeedBudget = number | "fast" | "balanced" | "max";

export type AutoOptions = NonNullable<Parameters<typeof compressAuto>[1]>;

/** What Auto picked and why. */
export interface AutoChoice {
  /** `columnar`, `zstd`, `lz4`, or `columnar` with no transforms for stored data. */
  algorithm: Algorithm;
  /** The codec-native level used. */
  level: number;
  /** For columnar: the element type. */
  elementType?: ElementType;
  /** For columnar: the transforms chosen (e.g. `["delta-of-delta", "bitpack"]`). */
  transforms?: string[];
  /** True when the data is stored as is (incompressible). */
  stored?: boolean;
  /** One sentence on the evidence. */
  reason: string;
}

type Tier = "fast" | "balanced" | "max";

function tierOf(b: SpeedBudget | undefined, level: Level | undefined): Tier {
  if (b === undefined) {
    if (level === Level.Fast || (typeof level === "number" && level <= 1)) return "fast";
    if (level === Level.Max || (typeof level === "number" && level >= 10)) return "max";
    return "balanced";
  }
  if (b === "fast" || b === "balanced" || b === "max") return b;
  if (typeof b !== "number" || !(b >= 0) || !Number.isFinite(b)) {
    throw new CompressError("unsupported", "speedBudget must be fast|balanced|max or MB/s >= 0");
  }
  return b >= 250 ? "fast" : b >= 20 ? "balanced" : "max";
}

const LEVEL: Record<Tier, number> = { fast: 1, balanced: 3, max: 19 };
const SAMPLE_SLICES = 4;
const SAMPLE_SLICE = 16 * 1024;

/** Up to 64 KiB of `data` in four slices at 8-byte-aligned offsets (all of it when small). */
export function sampleOf(data: Uint8Array): Uint8Array {
  if (data.length <= SAMPLE_SLICES * SAMPLE_SLICE) return data;
  const out = new Uint8Array(SAMPLE_SLICES * SAMPLE_SLICE);
  for (let i = 0; i < SAMPLE_SLICES; i++) {
    let s = Math.floor((i * (data.length - SAMPLE_SLICE)) / (SAMPLE_SLICES - 1));
    s -= s % 8;
    out.set(data.subarray(s, s + SAMPLE_SLICE), i * SAMPLE_SLICE);
  }
  return out;
}

/** Order-0 entropy in bits per byte. */
export function byteEntropy(b: Uint8Array): number {
  if (b.length === 0) return 0;
  const counts = new Uint32Array(256);
  for (let i = 0; i < b.length; i++) counts[b[i]]++;
  let h = 0;
  for (let i = 0; i < 256; i++) {
    if (counts[i] === 0) continue;
    const p = counts[i] / b.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Share of bytes that are printable ASCII, whitespace, or part of UTF-8 sequences. */
function textShare(b: Uint8Array): number {
  let ok = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if ((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13 || c >= 0x80) ok++;
  }
  return b.length === 0 ? 0 : ok / b.length;
}

/** True when most `w`-byte elements read as floats have everyday exponents (|x| in 1e-30..1e30). */
function floatLike(b: Uint8Array, w: number): boolean {
  const n = Math.floor(b.length / w);
  if (n === 0) return false;
  let ok = 0;
  const step = Math.max(1, Math.floor(n / 1024));
  let seen = 0;
  for (let i = 0; i < n; i += step, seen++) {
    const o = i * w;
    const e = w === 8
      ? ((b[o + 7] & 0x7f) << 4) | (b[o + 6] >> 4)
      : ((b[o + 3] & 0x7f) << 1) | (b[o + 2] >> 7);
    const bias = w === 8 ? 1023 : 127;
    if (Math.abs(e - bias) <= 100) ok++;
  }
  return ok >= 0.9 * seen;
}

function generalSize(sample: Uint8Array, tier: Tier): { algorithm: Algorithm; bytes: number } {
  if (tier === "fast" || !engineAvailable("zstd")) {
    return { algorithm: Algorithm.Lz4, bytes: compressBlock(sample).length + 19 };
  }
  return { algorithm: Algorithm.Zstd, bytes: innerCompress(sample, 2, LEVEL[tier]).length };
}

/**
 * Chooses codec, level and transforms for data like `sample` (pass the data itself; only
 * about 64 KiB of it is examined).
 *
 * @throws {CompressError} `unsupported` for a bad element type or speed budget
 *
 * @example
 * ```ts
 * import { chooseAlgorithm } from "./choose.ts";
 * const ts = BigInt64Array.from({ length: 4096 }, (_, i) => 1_700_000_000_000n + BigInt(i * 1000));
 * const c = chooseAlgorithm(new Uint8Array(ts.buffer), { elementType: "i64" });
 * console.log(c.algorithm, c.transforms); // columnar [ "delta-of-delta", "bitpack" ]
 * ```
 */
export function chooseAlgorithm(sample: Uint8Array, opts: AutoOptions = {}): AutoChoice {
  return planAuto(sample, opts).choice;
}

/**
 * What Auto decided, with the general codec it measured against: the plan to fall back to
 * when a columnar choice does worse on the whole input than the general codec did on the
 * sample. Private to `auto/` (not re-exported).
 */
export interface AutoPlan {
  choice: AutoChoice;
  /** The chosen plan's estimated ratio on the sample. */
  ratio: number;
  /** The general codec (zstd, or LZ4 for "fast") and its ratio on the sample; null if empty. */
  general: { algorithm: Algorithm; level: number; ratio: number } | null;
}

/** The plan that stores the data as is: columnar with no transforms. */
function storedPlan(
  level: number,
  reason: string,
  ratio: number,
  general: AutoPlan["general"],
): AutoPlan {
  return {
    choice: { algorithm: Algorithm.Columnar, level, stored: true, transforms: [], reason },
    ratio,
    general,
  };
}

/** {@link chooseAlgorithm} with the general codec's estimate (see {@link AutoPlan}). */
export function planAuto(sample: Uint8Array, opts: AutoOptions = {}): AutoPlan {
  if (!(sample instanceof Uint8Array)) {
    throw new CompressError("unsupported", "input must be a Uint8Array");
  }
  if (opts.elementType !== undefined) assertElementType(opts.elementType);
  const tier = tierOf(opts.speedBudget, opts.level);
  const level = LEVEL[tier];
  const s = sampleOf(sample);
  if (s.length === 0) return storedPlan(level, "empty input: stored", 1, null);
  const general = generalSize(s, tier);
  const next = {
    algorithm: general.algorithm,
    level: general.algorithm === Algorithm.Lz4 ? 1 : level,
    ratio: s.length / general.bytes,
  };
  const entropy = byteEntropy(s);
  const text = textShare(s);
  const declared = opts.elementType;
  const looksText = declared === undefined && text >= 0.95;
  let best: { bytes: number; choice: AutoChoice } = {
    bytes: general.bytes,
    choice: {
      algorithm: general.algorithm,
      level: general.algorithm === Algorithm.Lz4 ? 1 : level,
      reason: "",
    },
  };
  let numericNote = "";
  if (!looksText) {
    const types: ElementType[] = declared ? [declared] : ["f64", "i64", "f32", "i32"];
    for (const t of types) {
      const w = widthOf(t);
      const usable = s.length - (s.length % w);
      if (usable === 0 || (declared === undefined && sample.length % w !== 0)) continue;
      const segment = s === sample ? 0 : SAMPLE_SLICE / w;
      const cands = planChains(
        s.subarray(0, usable),
        t,
        usable / w,
        innerFor(level),
        level,
        {},
        segment,
      );
      if (cands.length === 0) continue;
      const top = cands[0];
      // Integer and float readings of the same bits often tie (bit patterns as integers):
      // the data's exponents break the tie.
      const prior = t === "f64" || t === "f32" ? (floatLike(s, w) ? 0.99 : 1.01) : 1;
      const bytes = (top.bytes + 40) * prior;
      const shuffled = cands.find((c) => c.chain.layout === 1 && c.chain.predictor === 0);
      const plain = cands.find((c) => c.chain.layout === 2);
      if (shuffled && plain && t === (declared ?? t) && shuffled.bytes > plain.bytes) {
        numericNote = `; byte shuffle would hurt here (${shuffled.bytes} vs ${plain.bytes} bytes ` +
          `unshuffled: exact repeats)`;
      }
      if (bytes < best.bytes || declared !== undefined) {
        best = {
          bytes,
          choice: {
            algorithm: Algorithm.Columnar,
            level,
            elementType: t,
            transforms: chainSteps(top.chain),
            reason: "",
          },
        };
        if (declared !== undefined) break;
      }
    }
  }
  const ratio = s.length / best.bytes;
  if (ratio < 1.02 && declared === undefined) {
    const reason = `incompressible: ${entropy.toFixed(2)} bits/byte, best estimate ${
      ratio.toFixed(3)
    }x`;
    return storedPlan(level, reason, ratio, next);
  }
  const c = best.choice;
  const what = c.algorithm === Algorithm.Columnar
    ? `${c.elementType} ${c.transforms!.length ? c.transforms!.join(" + ") : "bytes"}`
    : `${c.algorithm} ${c.level}`;
  c.reason = `${looksText ? `text-like (${(text * 100).toFixed(0)}% printable)` : "binary"}, ${
    entropy.toFixed(2)
  } bits/byte, ${tier} budget: ${what} estimated ${ratio.toFixed(2)}x vs ${general.algorithm} ${
    (s.length / general.bytes).toFixed(2)
  }x${numericNote}`;
  return { choice: c, ratio, general: next };
}
