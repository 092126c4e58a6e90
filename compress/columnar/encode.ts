/**
 * The columnar encoder: arrays of numbers (little-endian elements of a declared type) into
 * self-describing frames (see `_format.ts`). The transform chain is chosen by sampling.
 *
 * @module
 */

import { xxhash32 } from "../checksum/xxhash32.ts";
import { CompressError } from "../errors.ts";
import { nativeLevel } from "../_levels.ts";
import { Algorithm, type Level } from "../types.ts";
import { floatView, mapFloats } from "./_floats.ts";
import {
  assertElementType,
  type ElementType,
  HEADER_SIZE,
  Inner,
  isSigned,
  Layout,
  Mapping,
  MAX_INPUT,
  Predictor,
  widthOf,
  writeHeader,
} from "./_format.ts";
import { innerCompress, innerFor } from "./_inner.ts";
import { aligned, loadLanes, scratchLanes } from "./_lanes.ts";
import { writeBitPacked } from "./_payload.ts";
import {
  type Candidate,
  type Chain,
  chainSteps,
  INNER_NAMES,
  LAYOUT_NAMES,
  MAPPING_NAMES,
  planChains,
  PREDICTOR_NAMES,
} from "./_plan.ts";
import { predict } from "./_predict.ts";
import { shuffle } from "./_shuffle.ts";
import { writeSplit } from "./_split.ts";

/** Options of {@link compressColumnar}. */
export interface ColumnarOptions {
  /** Type of the little-endian elements in the input. */
  elementType: ElementType;
  /**
   * `Level.Fast` (or native levels <= 1): LZ4 as the inner codec; `Level.Balanced` (default):
   * zstd 3; `Level.Max`: zstd 19; other numbers: zstd at that level.
   */
  level?: Level;
  /**
   * Restricts the transforms tried (by name): e.g. `{ layout: "shuffle" }` forces byte
   * shuffle. Throws `unsupported` when no candidate fits.
   */
  only?: {
    /** Value mapping. */
    mapping?: "identity" | "bits" | "decimal" | "quantum";
    /** Predictor. */
    predictor?: "none" | "delta" | "delta-of-delta" | "xor";
    /** Byte layout. */
    layout?: "bitpack" | "shuffle" | "plain" | "split";
  };
}

// The option's names are spelled out for the docs (the name lists are private); these fail to
// compile when they drift from the lists the planner uses.
type SameNames<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Only = NonNullable<ColumnarOptions["only"]>;
const _mappingNames: SameNames<Only["mapping"], typeof MAPPING_NAMES[number] | undefined> = true;
const _predictorNames: SameNames<Only["predictor"], typeof PREDICTOR_NAMES[number] | undefined> =
  true;
const _layoutNames: SameNames<Only["layout"], typeof LAYOUT_NAMES[number] | undefined> = true;

/** What a columnar frame holds and how it was made. */
export interface ColumnarInfo {
  /** Element type. */
  elementType: ElementType;
  /** Number of elements. */
  count: number;
  /** Transforms before the inner codec, in order, e.g. `["decimal(e=2)", "delta", "bitpack"]`. */
  transforms: string[];
  /** Inner codec: "none", "lz4" or "zstd". */
  inner: "none" | "lz4" | "zstd";
  /** Values stored as exceptions (decimal and quantum mappings). */
  exceptions: number;
  /** Frame size in bytes. */
  frameBytes: number;
}

/** Encoder result with the decision behind it. */
export interface ColumnarEncoding {
  /** The frame. */
  frame: Uint8Array;
  /** What was chosen. */
  info: ColumnarInfo;
  /** Every candidate tried on the sample, best first, with its estimated size. */
  candidates: { transforms: string[]; estimatedBytes: number }[];
}

const TRY_INNER_SAMPLE = 128 * 1024;
/** Plans tried on the whole input, best estimate first, before storing the elements. */
const MAX_PLANS_TRIED = 3;
/** From this native level on, the smallest estimate wins regardless of speed. */
const SPEED_OVER_SIZE_BELOW = 10;

function encodeChain(
  data: Uint8Array,
  t: ElementType,
  n: number,
  c: Chain,
): { payload: Uint8Array; exceptions: number } {
  const w = widthOf(t);
  if (c.layout === Layout.Plain) return { payload: data, exceptions: 0 };
  if (c.layout === Layout.Shuffle) {
    return { payload: shuffle(data, w, n, c.predictor === Predictor.Xor), exceptions: 0 };
  }
  if (c.mapping === Mapping.Decimal || c.mapping === Mapping.Quantum) {
    const f32 = t === "f32";
    const m = mapFloats(
      floatView(aligned(data), f32, n),
      { mapping: c.mapping, param: c.param },
      f32,
      scratchLanes(n),
    );
    const seeds = predict(m.lanes, n, c.predictor, true);
    const x = { seeds, exPos: m.exPos, exBits: m.exBits };
    return {
      payload: c.layout === Layout.Split
        ? writeSplit(m.lanes, n, x, c.predictor !== Predictor.None, c.predictor).payload
        : writeBitPacked(m.lanes, n, x),
      exceptions: m.exPos.length,
    };
  }
  // The lanes live only until the payload is written: reused buffers.
  const l = loadLanes(data, t, n, scratchLanes(n));
  const seeds = predict(l, n, c.predictor, isSigned(t));
  const x = { seeds, exPos: new Uint32Array(0), exBits: new Int32Array(0) };
  return {
    payload: c.layout === Layout.Split
      ? writeSplit(l, n, x, c.predictor !== Predictor.None, c.predictor).payload
      : writeBitPacked(l, n, x),
    exceptions: 0,
  };
}

/** Transforms `data` with `chain`, then the inner codec when it pays. */
function encodePlan(
  data: Uint8Array,
  t: ElementType,
  n: number,
  chain: Chain,
  inner: number,
  level: number,
): { chain: Chain; payload: Uint8Array; exceptions: number; body: Uint8Array; innerUsed: number } {
  const { payload, exceptions } = encodeChain(data, t, n, chain);
  let body = payload;
  let innerUsed: number = Inner.None;
  // The split payload is entropy-coded already: no inner codec.
  if (payload.length > 0 && chain.layout !== Layout.Split) {
    let worth = true;
    if (chain.layout === Layout.BitPack && payload.length > TRY_INNER_SAMPLE) {
      const probe = payload.subarray(0, TRY_INNER_SAMPLE);
      worth = innerCompress(probe, inner, level).length < probe.length * 0.95;
    }
    if (worth) {
      const packed = innerCompress(payload, inner, level);
      if (packed.length < payload.length * (chain.layout === Layout.BitPack ? 0.97 : 1)) {
        body = packed;
        innerUsed = inner;
      }
    }
  }
  return { chain, payload, exceptions, body, innerUsed };
}

function nameIndex<T extends string>(
  names: readonly T[],
  v: T | undefined,
  what: string,
): number | undefined {
  if (v === undefined) return undefined;
  const i = names.indexOf(v);
  if (i < 0) {
    throw new CompressError("unsupported", `columnar: unknown ${what} ${JSON.stringify(v)}`);
  }
  return i;
}

/**
 * Encodes `data` and reports the chain chosen and the candidates considered.
 *
 * @throws {CompressError} `unsupported` for a bad element type, level or filter; `corrupt`
 *   when the length is not a multiple of the element width; `limit` past 2 GiB
 *
 * @example
 * ```ts
 * import { encodeColumnar } from "./encode.ts";
 * const ts = BigInt64Array.from({ length: 5000 }, (_, i) => 1_700_000_000_000n + BigInt(i) * 1000n);
 * const r = encodeColumnar(new Uint8Array(ts.buffer), { elementType: "i64" });
 * console.log(r.info.transforms); // [ "delta-of-delta", "bitpack" ]
 * ```
 */
export function encodeColumnar(data: Uint8Array, opts: ColumnarOptions): ColumnarEncoding {
  if (!(data instanceof Uint8Array)) {
    throw new CompressError("unsupported", "input must be a Uint8Array");
  }
  const t = opts?.elementType;
  assertElementType(t);
  const level = nativeLevel(Algorithm.Columnar, opts.level);
  const w = widthOf(t);
  if (data.length > MAX_INPUT) {
    throw new CompressError(
      "limit",
      `columnar: input of ${data.length} bytes exceeds ${MAX_INPUT}`,
    );
  }
  if (data.length % w !== 0) {
    throw new CompressError(
      "corrupt",
      `columnar: ${data.length} bytes is not a whole number of ${t}`,
    );
  }
  const n = data.length / w;
  const inner = innerFor(level);
  const filter = {
    mapping: nameIndex(MAPPING_NAMES, opts.only?.mapping, "mapping"),
    predictor: nameIndex(PREDICTOR_NAMES, opts.only?.predictor, "predictor"),
    layout: nameIndex(LAYOUT_NAMES, opts.only?.layout, "layout"),
  };
  const filtered = filter.mapping !== undefined || filter.predictor !== undefined ||
    filter.layout !== undefined;
  const candidates: Candidate[] = n === 0
    ? [{
      chain: { mapping: Mapping.Identity, param: 0, predictor: 0, layout: Layout.Plain },
      bytes: 0,
    }]
    : planChains(data, t, n, inner, level, filter);
  if (candidates.length === 0) {
    throw new CompressError(
      "unsupported",
      `columnar: no transform chain fits ${JSON.stringify(opts.only)}`,
    );
  }
  let pick = candidates[0];
  if (level < SPEED_OVER_SIZE_BELOW && pick.chain.layout !== Layout.BitPack) {
    // Bit packing needs no inner codec and decodes several times faster: below the high
    // levels, take it when it is within 2% (or 64 bytes) of the smallest estimate and still
    // wins.
    const bp = candidates.find((c) => c.chain.layout === Layout.BitPack);
    if (bp && bp.bytes <= pick.bytes * 1.02 + 64 && bp.bytes < data.length) pick = bp;
  }
  // A plan that loses on the whole input falls back to the next plan by estimate, and only
  // when none of the first few wins are the elements stored as they are. Near-incompressible
  // estimates (the sample could not tell the plans apart) try all of those few and keep the
  // smallest. With `only`, the caller's plan is kept whatever it gives.
  const order = [pick, ...candidates.filter((c) => c !== pick)];
  const tries = filtered ? 1 : Math.min(order.length, MAX_PLANS_TRIED);
  const undecided = order[0].bytes >= data.length * 0.97;
  let r = encodePlan(data, t, n, order[0].chain, inner, level);
  for (let i = 1; i < tries && (undecided || r.body.length >= data.length); i++) {
    const next = encodePlan(data, t, n, order[i].chain, inner, level);
    if (next.body.length < r.body.length) r = next;
  }
  const close = candidates.find((c) => c !== pick && c.chain.layout !== r.chain.layout);
  if (
    !filtered && close && r.chain.layout === Layout.Split &&
    (r.body.length > pick.bytes * 1.05 || close.bytes <= pick.bytes * 1.06)
  ) {
    // Estimates come from a sample: the split's bins can miss data that drifts away from it
    // (changing scale), and zstd does better on the whole input than on slices. When the
    // estimate missed, or a byte layout came close, encode that one too and keep the smaller.
    const other = encodePlan(data, t, n, close.chain, inner, level);
    if (other.body.length < r.body.length) r = other;
  }
  const { chain, payload, exceptions } = r;
  let { body, innerUsed } = r;
  let final = chain;
  if (
    !filtered && body.length >= data.length &&
    !(chain.layout === Layout.Plain && innerUsed === Inner.None)
  ) {
    // Nothing paid: store the elements as they are.
    final = {
      mapping: Mapping.Identity,
      param: 0,
      predictor: Predictor.None,
      layout: Layout.Plain,
    };
    body = data;
    innerUsed = Inner.None;
  }
  const frame = new Uint8Array(HEADER_SIZE + body.length);
  const ex = final === chain ? exceptions : 0;
  writeHeader(frame, {
    elementType: t,
    mapping: final.mapping,
    predictor: final.predictor,
    layout: final.layout,
    inner: innerUsed,
    count: n,
    payloadLength: final === chain ? payload.length : data.length,
    storedLength: body.length,
    checksum: xxhash32(data),
    exceptions: ex,
    param: final.param,
  });
  frame.set(body, HEADER_SIZE);
  return {
    frame,
    info: {
      elementType: t,
      count: n,
      transforms: chainSteps(final),
      inner: INNER_NAMES[innerUsed],
      exceptions: ex,
      frameBytes: frame.length,
    },
    candidates: candidates.map((c) => ({
      transforms: chainSteps(c.chain),
      estimatedBytes: c.bytes,
    })),
  };
}

/**
 * Compresses little-endian elements of `opts.elementType` into a columnar frame. Lossless
 * bit for bit (NaN payloads, -0, infinities, subnormals).
 *
 * @throws {CompressError} as {@link encodeColumnar}
 *
 * @example
 * ```ts
 * import { decompressColumnar } from "./decode.ts";
 * import { compressColumnar } from "./encode.ts";
 * const v = Float64Array.from({ length: 1000 }, (_, i) => Math.round(Math.sin(i / 50) * 100) / 100);
 * const frame = compressColumnar(new Uint8Array(v.buffer), { elementType: "f64" });
 * console.log(frame.length < v.byteLength / 4); // true
 * console.log(decompressColumnar(frame).length === v.byteLength); // true
 * ```
 */
export function compressColumnar(data: Uint8Array, opts: ColumnarOptions): Uint8Array {
  return encodeColumnar(data, opts).frame;
}

/**
 * A frame holding `data` as plain bytes, no transform, no inner codec: Auto's "stored" choice
 * for incompressible input.
 *
 * @example
 * ```ts
 * import { decompressColumnar } from "./decode.ts";
 * import { storedColumnar } from "./encode.ts";
 * const raw = crypto.getRandomValues(new Uint8Array(100));
 * console.log(decompressColumnar(storedColumnar(raw)).length); // 100
 * ```
 */
export function storedColumnar(data: Uint8Array): Uint8Array {
  if (data.length > MAX_INPUT) {
    throw new CompressError(
      "limit",
      `columnar: input of ${data.length} bytes exceeds ${MAX_INPUT}`,
    );
  }
  const frame = new Uint8Array(HEADER_SIZE + data.length);
  writeHeader(frame, {
    elementType: "u8",
    mapping: Mapping.Identity,
    predictor: Predictor.None,
    layout: Layout.Plain,
    inner: Inner.None,
    count: data.length,
    payloadLength: data.length,
    storedLength: data.length,
    checksum: xxhash32(data),
    exceptions: 0,
    param: 0,
  });
  frame.set(data, HEADER_SIZE);
  return frame;
}
