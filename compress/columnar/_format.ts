/**
 * The columnar frame layout (version 1), shared by the encoder and the decoder.
 *
 * ```text
 * offset size field
 *  0     4   magic AC 43 4F 4C ("\xACCOL")
 *  4     1   version (1)
 *  5     1   element type (ELEMENT_CODES)
 *  6     1   mapping: 0 identity, 1 float bits as integers, 2 decimal, 3 quantum
 *  7     1   predictor: 0 none, 1 delta, 2 delta-of-delta, 3 XOR with the previous value
 *  8     1   layout: 0 frame-of-reference bit packing, 1 byte shuffle, 2 plain bytes,
 *                3 split (high bytes for the inner codec, low bits packed; `_split.ts`)
 *  9     1   inner codec: 0 none, 1 LZ4 block, 2 zstd
 * 10     2   reserved, zero
 * 12     4   element count
 * 16     4   payload length (the body after the inner codec is undone)
 * 20     4   stored body length
 * 24     4   xxHash32 (seed 0) of the original little-endian elements
 * 28     4   exception count (decimal and quantum mappings)
 * 32     8   mapping parameter (float64): decimal exponent or quantum
 * 40     -   body
 * ```
 *
 * Bit-packed payload: exception positions (u32 each) and raw bits (u64 each), two u64 seeds
 * (first value, first delta), one width byte per block of {@link BLOCK} residuals, padding to
 * 8 bytes, one u64 minimum per block, then the packed 32-bit words of every block.
 *
 * @module
 */

import { CompressError } from "../errors.ts";

/** Frame magic. */
export const MAGIC: readonly number[] = [0xac, 0x43, 0x4f, 0x4c];
/** Format version written and accepted. */
export const VERSION = 1;
/** Header size in bytes. */
export const HEADER_SIZE = 40;
/** Residuals per frame-of-reference block. */
export const BLOCK = 1024;
/** Largest input the format holds (its length fields are 32-bit). */
export const MAX_INPUT = 0x7fff_ffff;

/** Element types of a columnar frame. */
export type ElementType =
  | "f64"
  | "f32"
  | "i64"
  | "u64"
  | "i32"
  | "u32"
  | "i16"
  | "u16"
  | "i8"
  | "u8";

/** Wire code of each element type (index in this list). */
export const ELEMENT_TYPES: readonly ElementType[] = [
  "u8",
  "i8",
  "u16",
  "i16",
  "u32",
  "i32",
  "u64",
  "i64",
  "f32",
  "f64",
];

/** Bytes per element. */
export function widthOf(t: ElementType): number {
  switch (t) {
    case "u8":
    case "i8":
      return 1;
    case "u16":
    case "i16":
      return 2;
    case "u32":
    case "i32":
    case "f32":
      return 4;
    default:
      return 8;
  }
}

/** True for the signed integer types. */
export function isSigned(t: ElementType): boolean {
  return t === "i8" || t === "i16" || t === "i32" || t === "i64";
}

/** True for f32 and f64. */
export function isFloat(t: ElementType): boolean {
  return t === "f32" || t === "f64";
}

/** Throws `unsupported` unless `t` is an {@link ElementType}. */
export function assertElementType(t: unknown): asserts t is ElementType {
  if (typeof t !== "string" || !(ELEMENT_TYPES as readonly string[]).includes(t)) {
    throw new CompressError(
      "unsupported",
      `columnar: elementType must be one of ${ELEMENT_TYPES.join(", ")}`,
    );
  }
}

/** How values become integers. */
export const Mapping = { Identity: 0, Bits: 1, Decimal: 2, Quantum: 3 } as const;
/** How integers become residuals. */
export const Predictor = { None: 0, Delta: 1, DeltaOfDelta: 2, Xor: 3 } as const;
/** How residuals are laid out. */
export const Layout = { BitPack: 0, Shuffle: 1, Plain: 2, Split: 3 } as const;
/** The general-purpose codec applied to the payload. */
export const Inner = { None: 0, Lz4: 1, Zstd: 2 } as const;

/** Parsed header. */
export interface Header {
  elementType: ElementType;
  mapping: number;
  predictor: number;
  layout: number;
  inner: number;
  count: number;
  payloadLength: number;
  storedLength: number;
  checksum: number;
  exceptions: number;
  param: number;
}

/** Writes `h` into the first {@link HEADER_SIZE} bytes of `out`. */
export function writeHeader(out: Uint8Array, h: Header): void {
  const v = new DataView(out.buffer, out.byteOffset, HEADER_SIZE);
  for (let i = 0; i < 4; i++) out[i] = MAGIC[i];
  out[4] = VERSION;
  out[5] = ELEMENT_TYPES.indexOf(h.elementType);
  out[6] = h.mapping;
  out[7] = h.predictor;
  out[8] = h.layout;
  out[9] = h.inner;
  v.setUint16(10, 0, true);
  v.setUint32(12, h.count, true);
  v.setUint32(16, h.payloadLength, true);
  v.setUint32(20, h.storedLength, true);
  v.setUint32(24, h.checksum, true);
  v.setUint32(28, h.exceptions, true);
  v.setFloat64(32, h.param, true);
}

/** True when `b` starts with the columnar magic. */
export function hasMagic(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === MAGIC[0] && b[1] === MAGIC[1] && b[2] === MAGIC[2] &&
    b[3] === MAGIC[3];
}

function corrupt(msg: string): CompressError {
  return new CompressError("corrupt", `columnar: ${msg}`);
}

/** Parses and checks a header: every field is in range and consistent with the frame size. */
export function readHeader(b: Uint8Array): Header {
  if (b.length < HEADER_SIZE) {
    throw corrupt(`frame of ${b.length} bytes is shorter than its header`);
  }
  if (!hasMagic(b)) throw corrupt("bad magic");
  if (b[4] !== VERSION) {
    throw new CompressError("unsupported", `columnar: version ${b[4]} (this reader knows 1)`);
  }
  const v = new DataView(b.buffer, b.byteOffset, HEADER_SIZE);
  const et = ELEMENT_TYPES[b[5]];
  if (et === undefined) throw corrupt(`unknown element type ${b[5]}`);
  const h: Header = {
    elementType: et,
    mapping: b[6],
    predictor: b[7],
    layout: b[8],
    inner: b[9],
    count: v.getUint32(12, true),
    payloadLength: v.getUint32(16, true),
    storedLength: v.getUint32(20, true),
    checksum: v.getUint32(24, true),
    exceptions: v.getUint32(28, true),
    param: v.getFloat64(32, true),
  };
  if (v.getUint16(10, true) !== 0) throw corrupt("reserved bits set");
  if (h.mapping > 3 || h.predictor > 3 || h.layout > 3 || h.inner > 2) {
    throw corrupt("unknown transform or codec");
  }
  const float = isFloat(et);
  // Identity keeps integers as integers (any layout) and floats as bytes (no bit packing);
  // the other mappings turn floats into integers.
  const packed = h.layout === Layout.BitPack || h.layout === Layout.Split;
  if (h.mapping === Mapping.Identity ? float && packed : !float) {
    throw corrupt("mapping does not fit the element type");
  }
  if (
    (h.mapping === Mapping.Decimal || h.mapping === Mapping.Quantum) && !packed
  ) {
    throw corrupt("decimal and quantum mappings need bit packing or split");
  }
  if (
    h.mapping === Mapping.Decimal && !(Number.isInteger(h.param) && h.param >= 0 && h.param <= 22)
  ) {
    throw corrupt("decimal exponent out of range");
  }
  if (h.mapping === Mapping.Quantum && !(Number.isFinite(h.param) && h.param > 0)) {
    throw corrupt("quantum must be a positive finite number");
  }
  if (h.mapping !== Mapping.Decimal && h.mapping !== Mapping.Quantum) {
    if (h.exceptions !== 0 || h.param !== 0) throw corrupt("unexpected mapping parameters");
  }
  if (h.exceptions > h.count) throw corrupt("more exceptions than elements");
  if (h.predictor === Predictor.Xor && h.layout !== Layout.Shuffle) {
    throw corrupt("XOR needs the shuffle layout");
  }
  if (h.layout === Layout.Split && h.inner !== Inner.None) {
    throw corrupt("split layout takes no inner codec");
  }
  if (h.layout === Layout.Plain && h.predictor !== Predictor.None) {
    throw corrupt("plain layout takes no predictor");
  }
  if (h.storedLength !== b.length - HEADER_SIZE) {
    throw corrupt(`stored length ${h.storedLength} but ${b.length - HEADER_SIZE} body bytes`);
  }
  if (h.inner === Inner.None && h.payloadLength !== h.storedLength) {
    throw corrupt("uncompressed payload length mismatch");
  }
  const bound = payloadBound(h.count, widthOf(et), h.exceptions, h.layout);
  if (h.payloadLength > bound) throw corrupt(`payload length ${h.payloadLength} exceeds ${bound}`);
  return h;
}

/** Largest payload a frame of `count` elements can have: checked before any allocation. */
export function payloadBound(
  count: number,
  width: number,
  exceptions: number,
  layout: number,
): number {
  if (layout === Layout.Split) {
    // exceptions, seeds and split head, escapes, references, rANS block (table, at most 2
    // bytes a symbol, state), padding, low words
    return exceptions * 12 + 24 + count * 8 + blocksOf(count) * 8 + 390 + 2 * count + 8 + 3 +
      count * 8;
  }
  if (layout !== Layout.BitPack) return count * width;
  const blocks = Math.ceil(count / BLOCK);
  return exceptions * 12 + 16 + blocks + 8 + blocks * 8 + count * 8 + 4;
}

function blocksOf(count: number): number {
  return Math.ceil(count / BLOCK);
}
