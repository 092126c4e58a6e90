/**
 * The columnar decoder: frames back into little-endian elements, bit-exact, or a typed error.
 * Sizes are checked against the header and `maxOutputSize` before anything is allocated.
 *
 * @module
 */

import { xxhash32 } from "../checksum/xxhash32.ts";
import { checkOutputSize, CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";
import { floatView, unmapFloats, unmapInts } from "./_floats.ts";
import {
  type Header,
  HEADER_SIZE,
  Inner,
  isFloat,
  isSigned,
  Layout,
  Mapping,
  Predictor,
  readHeader,
  widthOf,
} from "./_format.ts";
import { innerDecompress } from "./_inner.ts";
import { type Lanes, storeLanes } from "./_lanes.ts";
import { decodeNarrow, decodeNarrowExact } from "./_narrow.ts";
import { parseBitPacked, readBitPacked } from "./_payload.ts";
import { chainSteps, INNER_NAMES } from "./_plan.ts";
import { unpredict, unpredictLow } from "./_predict.ts";
import { unshuffle } from "./_shuffle.ts";
import { readSplit } from "./_split.ts";
import type { ColumnarInfo } from "./encode.ts";

/** Options of {@link decompressColumnar}. */
export interface ColumnarDecodeOptions {
  /** Ceiling on decompressed bytes (default 256 MiB): larger frames throw `limit` up front. */
  maxOutputSize?: number;
}

/** Widest residual an element type can need: 64 bits for 64-bit and float data. */
function maxResidualBits(h: Header): number {
  const w = widthOf(h.elementType);
  return isFloat(h.elementType) || w === 8 ? 64 : 8 * w + 2;
}

function decodeBody(frame: Uint8Array, h: Header): Uint8Array {
  const t = h.elementType;
  const w = widthOf(t);
  const n = h.count;
  const stored = frame.subarray(HEADER_SIZE);
  const payload = h.inner === Inner.None
    ? stored
    : innerDecompress(stored, h.inner, h.payloadLength);
  const out = new Uint8Array(n * w);
  if (h.layout === Layout.Plain) {
    if (payload.length !== out.length) {
      throw new CompressError("corrupt", "columnar: plain payload size");
    }
    out.set(payload);
    return out;
  }
  if (h.layout === Layout.Shuffle) {
    if (payload.length !== out.length) {
      throw new CompressError("corrupt", "columnar: shuffle payload size");
    }
    unshuffle(payload, w, n, out, h.predictor === Predictor.Xor);
    return out;
  }
  const mapped = h.mapping === Mapping.Decimal || h.mapping === Mapping.Quantum;
  if (!mapped && w <= 4 && h.layout === Layout.BitPack) {
    // Only the low 32 bits of each element are kept: decode them in 32-bit arithmetic.
    const tables = parseBitPacked(payload, n, h.exceptions, maxResidualBits(h));
    if (w === 4) {
      decodeNarrow(tables, n, h.predictor, new Int32Array(out.buffer, 0, n));
    } else {
      const low = new Int32Array(n);
      decodeNarrow(tables, n, h.predictor, low);
      // Typed-array set converts modulo 2^8 / 2^16: the low bits, as storeLanes keeps them.
      if (w === 2) new Uint16Array(out.buffer, 0, n).set(low);
      else out.set(low);
    }
    return out;
  }
  if (mapped && h.layout === Layout.BitPack) {
    // Decimal and quantum integers that fit in 32 bits (most do) decode in 32-bit arithmetic.
    const tables = parseBitPacked(payload, n, h.exceptions, maxResidualBits(h));
    const k = new Int32Array(n);
    if (decodeNarrowExact(tables, n, h.predictor, k)) {
      const f32 = t === "f32";
      unmapInts(k, { mapping: h.mapping as 2 | 3, param: h.param }, floatView(out, f32, n));
      patchExceptions(out, f32, tables.exPos, tables.exBits);
      return out;
    }
  }
  // The lanes on demand: a split payload that writes the output itself needs none.
  let lanes: Lanes | null = null;
  const getLanes = (): Lanes => lanes ??= { lo: new Int32Array(n), hi: new Int32Array(n) };
  const delta = h.predictor === Predictor.Delta;
  // 64-bit elements that are not mapped are their sums: a split payload may write them out.
  const dst = !mapped && w === 8 ? new Int32Array(out.buffer, 0, 2 * n) : null;
  const x = h.layout === Layout.Split
    ? readSplit(
      payload,
      n,
      h.exceptions,
      maxResidualBits(h),
      h.predictor !== Predictor.None,
      getLanes,
      delta,
      dst,
    )
    : { ...readBitPacked(payload, n, h.exceptions, maxResidualBits(h), getLanes()), summed: false };
  if (x.summed && dst !== null) return out;
  const l = getLanes();
  // A split payload may have done delta's sums already (see readSplit).
  const predictor = x.summed ? Predictor.None : h.predictor;
  if (!mapped && w === 4) {
    // The sums go straight into the output's words.
    unpredictLow(l, n, predictor, x.seeds, new Int32Array(out.buffer, 0, n));
    return out;
  }
  if (!mapped && w < 4) unpredictLow(l, n, predictor, x.seeds);
  else if (!x.summed) unpredict(l, n, predictor, mapped || isSigned(t), x.seeds);
  if (!mapped) {
    storeLanes(l, t, n, out);
    return out;
  }
  const f32 = t === "f32";
  unmapFloats(l, { mapping: h.mapping as 2 | 3, param: h.param }, floatView(out, f32, n));
  patchExceptions(out, f32, x.exPos, x.exBits);
  return out;
}

/** Writes the exceptions' raw bits over the unmapped floats in `out`. */
function patchExceptions(out: Uint8Array, f32: boolean, exPos: Uint32Array, exBits: Int32Array) {
  const bits = new Int32Array(out.buffer, 0, out.length >> 2);
  for (let j = 0; j < exPos.length; j++) {
    const p = exPos[j];
    if (f32) bits[p] = exBits[2 * j];
    else {
      bits[2 * p] = exBits[2 * j];
      bits[2 * p + 1] = exBits[2 * j + 1];
    }
  }
}

/**
 * Decodes a columnar frame into its little-endian elements (a fresh, aligned buffer).
 *
 * @throws {CompressError} `corrupt` for malformed frames, `checksum` when the content hash
 *   does not match, `limit` past `maxOutputSize`, `unsupported` for a newer version
 *
 * @example
 * ```ts
 * import { decompressColumnar } from "./decode.ts";
 * import { compressColumnar } from "./encode.ts";
 * const counts = Int32Array.from({ length: 3000 }, (_, i) => i * 3);
 * const bytes = decompressColumnar(compressColumnar(new Uint8Array(counts.buffer), { elementType: "i32" }));
 * console.log(new Int32Array(bytes.buffer)[2999]); // 8997
 * ```
 */
export function decompressColumnar(
  frame: Uint8Array,
  opts: ColumnarDecodeOptions = {},
): Uint8Array {
  if (!(frame instanceof Uint8Array)) {
    throw new CompressError("unsupported", "input must be a Uint8Array");
  }
  const h = readHeader(frame);
  checkOutputSize(h.count * widthOf(h.elementType), opts.maxOutputSize ?? DEFAULT_MAX_OUTPUT_SIZE);
  const out = decodeBody(frame, h);
  if (xxhash32(out) !== h.checksum) {
    throw new CompressError("checksum", "columnar: content checksum mismatch");
  }
  return out;
}

/**
 * Describes a columnar frame from its header without decoding it.
 *
 * @throws {CompressError} `corrupt` for a malformed header
 *
 * @example
 * ```ts
 * import { inspectColumnar } from "./decode.ts";
 * import { compressColumnar } from "./encode.ts";
 * const v = Float64Array.from({ length: 2000 }, (_, i) => i / 4);
 * const info = inspectColumnar(compressColumnar(new Uint8Array(v.buffer), { elementType: "f64" }));
 * console.log(info.elementType, info.count); // f64 2000
 * ```
 */
export function inspectColumnar(frame: Uint8Array): ColumnarInfo {
  const h = readHeader(frame);
  return {
    elementType: h.elementType,
    count: h.count,
    transforms: chainSteps(h),
    inner: INNER_NAMES[h.inner],
    exceptions: h.exceptions,
    frameBytes: frame.length,
  };
}
