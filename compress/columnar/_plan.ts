/**
 * Chooses a transform chain by trying every candidate on a few slices of the input and
 * estimating the encoded size: exact for bit packing and the split, by running the inner codec
 * for the byte layouts and (as the encoder does) over the leading bit packings. Never tries
 * chains on the whole input.
 *
 * @module
 */

import { blockStats } from "./_bitpack.ts";
import { concatChunks } from "../concat.ts";
import { findMappings, type FloatMapping, floatView, mapFloats } from "./_floats.ts";
import {
  type ElementType,
  isFloat,
  isSigned,
  Layout,
  Mapping,
  Predictor,
  widthOf,
} from "./_format.ts";
import { innerCompress } from "./_inner.ts";
import { aligned, type Lanes, loadLanes } from "./_lanes.ts";
import { writeBitPacked } from "./_payload.ts";
import { predict } from "./_predict.ts";
import { shuffle } from "./_shuffle.ts";
import { writeSplit } from "./_split.ts";

/** A transform chain before the inner codec. */
export interface Chain {
  mapping: number;
  /** Decimal exponent or quantum; 0 otherwise. */
  param: number;
  predictor: number;
  layout: number;
}

/** Names of the wire codes, for reports. */
export const MAPPING_NAMES = ["identity", "bits", "decimal", "quantum"] as const;
/** Names of the predictors. */
export const PREDICTOR_NAMES = ["none", "delta", "delta-of-delta", "xor"] as const;
/** Names of the layouts. */
export const LAYOUT_NAMES = ["bitpack", "shuffle", "plain", "split"] as const;
/** Names of the inner codecs. */
export const INNER_NAMES = ["none", "lz4", "zstd"] as const;

/** The transforms of a chain in order, e.g. `["decimal(e=2)", "delta", "bitpack"]`. */
export function chainSteps(c: Chain): string[] {
  const steps: string[] = [];
  if (c.mapping === Mapping.Decimal) steps.push(`decimal(e=${c.param})`);
  else if (c.mapping === Mapping.Quantum) steps.push(`quantum(q=${c.param})`);
  else if (c.mapping === Mapping.Bits) steps.push("bits");
  if (c.predictor !== Predictor.None) steps.push(PREDICTOR_NAMES[c.predictor]);
  if (c.layout === Layout.BitPack) steps.push(steps.length === 0 ? "for-bitpack" : "bitpack");
  else if (c.layout === Layout.Split) steps.push("split");
  else if (c.layout === Layout.Shuffle) steps.push("shuffle");
  return steps;
}

/** One estimated candidate. */
export interface Candidate {
  chain: Chain;
  /** Estimated encoded bytes for the whole input. */
  bytes: number;
}

/** Restricts the search (tests, benchmarks, callers who know their data). */
export interface ChainFilter {
  mapping?: number;
  predictor?: number;
  layout?: number;
}

/**
 * Estimates run the inner codec at most at this level: high zstd levels cost far more per
 * call (context set-up) than they change the ranking of candidates.
 */
const ESTIMATE_LEVEL_MAX = 3;
/** Elements per sample slice, and slices per sample. */
const SLICE = 2048;
const SLICES = 4;
const NO_POSITIONS = new Uint32Array(0);
const NO_BITS = new Int32Array(0);

/** Element ranges sampled from `n` elements: the whole input when small. */
export function sampleRanges(n: number): [number, number][] {
  if (n <= SLICE * SLICES) return [[0, n]];
  const out: [number, number][] = [];
  for (let i = 0; i < SLICES; i++) {
    const s = Math.floor((i * (n - SLICE)) / (SLICES - 1));
    out.push([s, s + SLICE]);
  }
  return out;
}

/** Consecutive ranges of `segment` elements (the last may be shorter). */
function segmentRanges(n: number, segment: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += segment) out.push([s, Math.min(n, s + segment)]);
  return out;
}

/** Bit-packed bytes of residuals (exact, without the inner codec). */
function packedBytes(l: Lanes, n: number): number {
  const st = blockStats(l, n);
  let bytes = 16 + 4;
  for (let b = 0; b < st.widths.length; b++) {
    const cnt = Math.min(1024, n - b * 1024);
    bytes += Math.ceil((cnt * st.widths[b]) / 32) * 4 + 9;
  }
  return bytes;
}

/** Integers (lanes) for one slice under a mapping, plus its exception count. */
export function slicedLanes(
  slice: Uint8Array,
  t: ElementType,
  n: number,
  mapping: number,
  m: FloatMapping | null,
): { lanes: Lanes; exceptions: number } {
  if (m !== null && (mapping === Mapping.Decimal || mapping === Mapping.Quantum)) {
    const r = mapFloats(floatView(aligned(slice), t === "f32", n), m, t === "f32");
    return { lanes: r.lanes, exceptions: r.exPos.length };
  }
  return { lanes: loadLanes(slice, t, n), exceptions: 0 };
}

/**
 * Estimates every candidate chain for `data` (n elements of type `t`) and returns them best
 * first. `inner` and `level` are the inner codec used for the byte layouts' estimates. When
 * `data` is itself a sample made of separate slices of `segment` elements, pass `segment` so
 * that no prediction runs across the seams.
 */
export function planChains(
  data: Uint8Array,
  t: ElementType,
  n: number,
  inner: number,
  level: number,
  filter: ChainFilter = {},
  segment = 0,
): Candidate[] {
  const w = widthOf(t);
  const float = isFloat(t);
  const ranges = segment > 0 ? segmentRanges(n, segment) : sampleRanges(n);
  let sampled = 0;
  for (const [s, e] of ranges) sampled += e - s;
  const scale = sampled === 0 ? 0 : n / sampled;
  const slices = ranges.map(([s, e]) => data.subarray(s * w, e * w));

  const chains: Chain[] = [];
  const intMappings: { mapping: number; m: FloatMapping | null }[] = [];
  if (float) {
    intMappings.push({ mapping: Mapping.Bits, m: null });
    const all = concatChunks(slices);
    for (const m of findMappings(floatView(aligned(all), t === "f32", sampled), t === "f32")) {
      intMappings.push({ mapping: m.mapping, m });
    }
  } else {
    intMappings.push({ mapping: Mapping.Identity, m: null });
  }
  const mappingOf = new Map<Chain, FloatMapping | null>();
  // 8-bit elements go through the inner codec as bytes: bit packing would need 8 bytes of
  // scratch per element for little gain over LZ4/zstd on bytes.
  for (const { mapping, m } of w > 1 ? intMappings : []) {
    for (const predictor of [Predictor.None, Predictor.Delta, Predictor.DeltaOfDelta]) {
      if (mapping === Mapping.Bits && predictor === Predictor.None) continue;
      for (const layout of [Layout.BitPack, Layout.Split]) {
        const c = { mapping, param: m?.param ?? 0, predictor, layout };
        mappingOf.set(c, m);
        chains.push(c);
      }
    }
  }
  chains.push({
    mapping: Mapping.Identity,
    param: 0,
    predictor: Predictor.None,
    layout: Layout.Plain,
  });
  if (w > 1) {
    chains.push({
      mapping: Mapping.Identity,
      param: 0,
      predictor: Predictor.None,
      layout: Layout.Shuffle,
    });
    if (float) {
      chains.push({
        mapping: Mapping.Identity,
        param: 0,
        predictor: Predictor.Xor,
        layout: Layout.Shuffle,
      });
    }
  }
  const wanted = chains.filter((c) =>
    (filter.mapping === undefined || filter.mapping === c.mapping) &&
    (filter.predictor === undefined || filter.predictor === c.predictor) &&
    (filter.layout === undefined || filter.layout === c.layout)
  );

  // Each slice's integers under each mapping, computed once: predictors change them in place,
  // so every candidate takes a copy.
  const mapped = new Map<FloatMapping | null, { lanes: Lanes; exceptions: number }[]>();
  const lanesOf = (c: Chain, i: number): { lanes: Lanes; exceptions: number } => {
    const m = mappingOf.get(c) ?? null;
    let per = mapped.get(m);
    if (per === undefined) {
      per = ranges.map(([s, e], j) => slicedLanes(slices[j], t, e - s, c.mapping, m));
      mapped.set(m, per);
    }
    const { lanes, exceptions } = per[i];
    return { lanes: { lo: lanes.lo.slice(), hi: lanes.hi.slice() }, exceptions };
  };

  const signedOf = (c: Chain): boolean =>
    c.mapping === Mapping.Decimal || c.mapping === Mapping.Quantum || isSigned(t);
  // The bit-packed payload of the slices through the inner codec, as the encoder would keep
  // it (only when it saves 3%), scaled to the whole input. Exceptions count apart: their
  // slots are written as zeros here, which the inner codec would squeeze.
  const packedInnerBytes = (c: Chain): number => {
    let exceptions = 0;
    let raw = 0;
    const parts = ranges.map(([s, e], i) => {
      const k = e - s;
      const r = lanesOf(c, i);
      exceptions += r.exceptions;
      const seeds = predict(r.lanes, k, c.predictor, signedOf(c));
      const p = writeBitPacked(r.lanes, k, { seeds, exPos: NO_POSITIONS, exBits: NO_BITS });
      raw += p.length;
      return p;
    });
    const joined = concatChunks(parts);
    const packed = innerCompress(joined, inner, Math.min(level, ESTIMATE_LEVEL_MAX)).length;
    return packed < raw * 0.97 ? Math.ceil((packed + exceptions * 12) * scale) : Infinity;
  };

  const out: Candidate[] = [];
  // Splits cost the most to estimate: try them only on the two mapping + predictor pairs
  // whose bit packing came out smallest (the same residuals, coded closer to their entropy).
  const order = wanted.filter((c) => c.layout !== Layout.Split);
  const splits = wanted.filter((c) => c.layout === Layout.Split);
  for (let ci = 0; ci < order.length || splits.length > 0; ci++) {
    if (ci === order.length) {
      const best = out.filter((o) => o.chain.layout === Layout.BitPack)
        .sort((a, b) => a.bytes - b.bytes).slice(0, 2);
      const packed = best.map((o) => o.chain);
      // The encoder runs the inner codec over bit-packed residuals when it pays, and it pays
      // when the residuals repeat or follow a pattern (a periodic term no predictor removes):
      // order-0 coders like the split cannot see that. So the leading bit packings are
      // estimated the way they will be encoded, through the inner codec.
      for (const o of best) o.bytes = Math.min(o.bytes, packedInnerBytes(o.chain));
      order.push(
        ...splits.filter((s) =>
          packed.length === 0 ||
          packed.some((b) =>
            b.mapping === s.mapping && b.param === s.param && b.predictor === s.predictor
          )
        ),
      );
      splits.length = 0;
      if (ci === order.length) break;
    }
    const c = order[ci];
    let bytes = 0;
    if (c.layout === Layout.Split) {
      // The split payload of the slices, predicted one by one (seed slots take their
      // neighbour's residual), written as one: its fixed costs (the rANS table) count once.
      const signed = signedOf(c);
      const all = { lo: new Int32Array(sampled), hi: new Int32Array(sampled) };
      let at = 0;
      let exceptions = 0;
      ranges.forEach(([s, e], i) => {
        const k = e - s;
        const r = lanesOf(c, i);
        predict(r.lanes, k, c.predictor, signed);
        for (let j = 0; j < c.predictor && j + c.predictor < k; j++) {
          r.lanes.lo[j] = r.lanes.lo[c.predictor];
          r.lanes.hi[j] = r.lanes.hi[c.predictor];
        }
        all.lo.set(r.lanes.lo, at);
        all.hi.set(r.lanes.hi, at);
        at += k;
        exceptions += r.exceptions;
      });
      const seeds = { v0lo: 0, v0hi: 0, d0lo: 0, d0hi: 0 };
      const ex = { seeds, exPos: new Uint32Array(exceptions), exBits: new Int32Array(0) };
      const r = writeSplit(all, sampled, ex, c.predictor !== Predictor.None, 0);
      out.push({
        chain: c,
        bytes: Math.ceil((r.payload.length - r.fixedBytes) * scale + r.fixedBytes),
      });
      continue;
    } else if (c.layout === Layout.BitPack) {
      const signed = signedOf(c);
      ranges.forEach(([s, e], i) => {
        const k = e - s;
        const { lanes, exceptions } = lanesOf(c, i);
        predict(lanes, k, c.predictor, signed);
        bytes += packedBytes(lanes, k) + exceptions * 12;
      });
    } else {
      const parts = slices.map((sl, i) => {
        const k = ranges[i][1] - ranges[i][0];
        if (c.layout === Layout.Plain) return sl;
        return shuffle(sl, w, k, c.predictor === Predictor.Xor);
      });
      const joined = concatChunks(parts);
      bytes = joined.length === 0 ? 0 : Math.min(
        joined.length,
        innerCompress(joined, inner, Math.min(level, ESTIMATE_LEVEL_MAX)).length,
      );
    }
    out.push({ chain: c, bytes: Math.ceil(bytes * scale) });
  }
  out.sort((a, b) => a.bytes - b.bytes);
  return out;
}
