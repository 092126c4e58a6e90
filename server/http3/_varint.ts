// QUIC variable-length integers (RFC 9000 §16): the two high bits of the first byte give the
// length (1, 2, 4 or 8 bytes), the rest is the value, big-endian. HTTP/3 frames, stream types and
// settings are all written this way (RFC 9114 §1.2).

/** The largest value a varint can hold, 2^62 - 1. */
export const VARINT_MAX = 2n ** 62n - 1n;

/** How many bytes the varint starting with `first` takes. */
export function varintLength(first: number): number {
  return 1 << (first >> 6);
}

/**
 * Reads the varint at `offset`: its value as a number (exact up to 2^53; larger values, which
 * only ever name unknown types or lengths past every limit, are rounded) and its length, or
 * undefined when `bytes` ends before it does.
 */
export function readVarint(
  bytes: Uint8Array,
  offset: number,
): { value: number; length: number } | undefined {
  if (offset >= bytes.length) return undefined;
  const first = bytes[offset];
  const length = varintLength(first);
  if (offset + length > bytes.length) return undefined;
  let value = first & 0x3f;
  for (let i = 1; i < length; i++) value = value * 256 + bytes[offset + i];
  return { value, length };
}

/** Bytes needed to write `value` as a varint. */
export function encodedVarintLength(value: number): number {
  if (value < 0x40) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x4000_0000) return 4;
  return 8;
}

/**
 * Writes `value` (a non-negative integer below 2^53) at `offset` in its shortest form; returns the
 * offset after it.
 */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a varint: ${value}`);
  const length = encodedVarintLength(value);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[offset + i] = v % 256;
    v = Math.floor(v / 256);
  }
  out[offset] |= length === 1 ? 0 : length === 2 ? 0x40 : length === 4 ? 0x80 : 0xc0;
  return offset + length;
}

/** `value` as a varint of its own. */
export function encodeVarint(value: number): Uint8Array {
  const out = new Uint8Array(encodedVarintLength(value));
  writeVarint(out, 0, value);
  return out;
}
