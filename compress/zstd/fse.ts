/**
 * Finite State Entropy tables (RFC 8878 §4.1): reading a table description, building the decode
 * table, and the predefined distributions of the sequence codes (§3.1.1.3.2.2).
 *
 * @module
 */

import { corrupt, readForward } from "./_bits.ts";

/** A decode table: for each state, its symbol, how many bits to read and the next state base. */
export interface FseTable {
  /** Accuracy log: the table has `1 << log` states. */
  log: number;
  /** Symbol decoded in each state. */
  symbol: Uint8Array;
  /** Bits to read to reach the next state. */
  nbBits: Uint8Array;
  /** Next state before adding the read bits. */
  base: Uint16Array;
}

/**
 * Spreads the symbols of a normalized distribution over the states (§4.1.1): `norm[s]` is the
 * count of symbol `s`, -1 meaning "less than 1". Returns each state's symbol (in `into` when
 * given, at least `1 << log` long); `next` receives each symbol's first state number (its count,
 * 1 for "less than 1").
 */
export function spreadFse(
  norm: Int16Array,
  symbols: number,
  log: number,
  next: Uint16Array,
  into?: Uint8Array,
): Uint8Array {
  const size = 1 << log;
  // Every state gets its symbol (or the distribution is refused below): scratch may be reused.
  const symbol = into ?? new Uint8Array(size);
  let high = size - 1;
  for (let s = 0; s < symbols; s++) {
    if (norm[s] === -1) {
      symbol[high--] = s;
      next[s] = 1;
    } else {
      next[s] = norm[s];
    }
  }
  const step = (size >> 1) + (size >> 3) + 3;
  const mask = size - 1;
  let p = 0;
  for (let s = 0; s < symbols; s++) {
    const n = norm[s];
    for (let i = 0; i < n; i++) {
      symbol[p] = s;
      do p = (p + step) & mask; while (p > high);
    }
  }
  if (p !== 0) corrupt("FSE distribution does not fill its table");
  return symbol;
}

/**
 * Builds the decode table of a normalized distribution (§4.1.1): `norm[s]` is the count of
 * symbol `s`, -1 meaning "less than 1".
 */
function buildFseTable(norm: Int16Array, symbols: number, log: number): FseTable {
  const size = 1 << log;
  const next = new Uint16Array(symbols);
  const symbol = spreadFse(norm, symbols, log, next);
  const nbBits = new Uint8Array(size);
  const base = new Uint16Array(size);
  for (let u = 0; u < size; u++) {
    const s = symbol[u];
    const x = next[s]++;
    const nb = log - (31 - Math.clz32(x));
    nbBits[u] = nb;
    base[u] = (x << nb) - size;
  }
  return { log, symbol, nbBits, base };
}

/** A table with one symbol and no bits: the RLE mode (§3.1.1.3.2.1). */
export function rleFseTable(sym: number): FseTable {
  return {
    log: 0,
    symbol: Uint8Array.of(sym),
    nbBits: new Uint8Array(1),
    base: new Uint16Array(1),
  };
}

/** A normalized distribution read from a table description, and the bytes it used. */
export interface FseDistribution {
  /** Count per symbol, -1 meaning "less than 1". */
  norm: Int16Array;
  /** Symbols described. */
  symbols: number;
  /** Accuracy log. */
  log: number;
  /** Bytes of the description. */
  size: number;
}

/**
 * Reads an FSE table description (§4.1.1) at `src[pos:end]`: the normalized distribution (in
 * `into` when given, at least `maxSymbol + 1` long) and the number of bytes it used.
 */
export function readFseDistribution(
  src: Uint8Array,
  pos: number,
  end: number,
  maxSymbol: number,
  maxLog: number,
  into?: Int16Array,
): FseDistribution {
  if (pos >= end) corrupt("missing FSE table description");
  let bit = pos * 8;
  const endBit = end * 8;
  const log = (src[pos] & 15) + 5;
  bit += 4;
  if (log > maxLog) corrupt("FSE accuracy log too large");
  // Symbols skipped by a zero run keep a count of 0: scratch is cleared first.
  const norm = into?.fill(0, 0, maxSymbol + 1) ?? new Int16Array(maxSymbol + 1);
  let remaining = (1 << log) + 1;
  let threshold = 1 << log;
  let nb = log + 1;
  let s = 0;
  let previousZero = false;
  while (remaining > 1 && s <= maxSymbol) {
    if (previousZero) {
      let repeat: number;
      do {
        if (bit + 2 > endBit) corrupt("FSE table description is truncated");
        repeat = readForward(src, bit, 2);
        bit += 2;
        s += repeat;
      } while (repeat === 3);
      if (s > maxSymbol) corrupt("FSE table description has too many symbols");
    }
    const max = 2 * threshold - 1 - remaining;
    let v = readForward(src, bit, nb);
    if ((v & (threshold - 1)) < max) {
      v &= threshold - 1;
      bit += nb - 1;
    } else {
      if (v >= threshold) v -= max;
      bit += nb;
    }
    if (bit > endBit) corrupt("FSE table description is truncated");
    const count = v - 1;
    remaining -= count < 0 ? -count : count;
    norm[s++] = count;
    previousZero = count === 0;
    while (remaining < threshold) {
      nb--;
      threshold >>= 1;
    }
  }
  if (remaining !== 1 || s > maxSymbol + 1) corrupt("FSE distribution does not sum to its table");
  return { norm, symbols: s, log, size: ((bit + 7) >> 3) - pos };
}

/**
 * Reads an FSE table description (§4.1.1) at `src[pos:end]`. Returns the table and the number
 * of bytes it used.
 */
export function readFseTable(
  src: Uint8Array,
  pos: number,
  end: number,
  maxSymbol: number,
  maxLog: number,
): { table: FseTable; size: number } {
  const d = readFseDistribution(src, pos, end, maxSymbol, maxLog);
  return { table: buildFseTable(d.norm, d.symbols, d.log), size: d.size };
}

/** Predefined literals-length distribution (§3.1.1.3.2.2.1), accuracy log 6. */
// deno-fmt-ignore
const LL_DEFAULT = Int16Array.of(
  4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1,
  -1, -1, -1, -1,
);
/** Predefined match-length distribution (§3.1.1.3.2.2.2), accuracy log 6. */
// deno-fmt-ignore
const ML_DEFAULT = Int16Array.of(
  1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1,
  -1, -1, -1, -1, -1,
);
/** Predefined offset-code distribution (§3.1.1.3.2.2.3), accuracy log 5. */
// deno-fmt-ignore
const OF_DEFAULT = Int16Array.of(
  1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1,
);

/** The predefined literals-length table. */
export const LL_PREDEFINED: FseTable = buildFseTable(LL_DEFAULT, LL_DEFAULT.length, 6);
/** The predefined match-length table. */
export const ML_PREDEFINED: FseTable = buildFseTable(ML_DEFAULT, ML_DEFAULT.length, 6);
/** The predefined offset-code table. */
export const OF_PREDEFINED: FseTable = buildFseTable(OF_DEFAULT, OF_DEFAULT.length, 5);
