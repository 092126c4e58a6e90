/**
 * The sequences section of a compressed block (RFC 8878 §3.1.1.3.2): its header, the three
 * code tables with their modes, and the code-to-value tables of §3.1.1.3.2.1.1.
 *
 * @module
 */

import { corrupt } from "./_bits.ts";
import {
  type FseTable,
  LL_PREDEFINED,
  ML_PREDEFINED,
  OF_PREDEFINED,
  readFseDistribution,
  rleFseTable,
  spreadFse,
} from "./fse.ts";

/**
 * An FSE table whose states carry the decoded code's value and extra-bit count, laid out for the
 * sequence loop: the block's three tables sit side by side in one `Int32Array`, the literals-length
 * table at pair 0, offsets at `TABLE_AT[OF]`, match lengths at `TABLE_AT[ML]`. State `s` is the pair
 * at `TABLE_AT[kind] + 2s`: first the next state's base as an index into that array (bits 0-15),
 * the bits to read for it (16-23) and the code's extra bits (24-31), then the code's value before
 * its extra bits.
 */
export interface SequenceTable {
  /** Accuracy log. */
  log: number;
  /** The (info, value) pairs, `2 << log` integers. */
  pairs: Int32Array;
}

/** Where each kind's pairs start in the block's combined table (LL, OF, ML). */
export const TABLE_AT: readonly number[] = [0, 2 << 9, (2 << 9) + (2 << 8)];
/** Size of the block's combined table. */
export const TABLES_SIZE: number = (2 << 9) + (2 << 8) + (2 << 9);

// Extra bits per code (§3.1.1.3.2.1.1). Each code's value is the previous code's plus 2 to the
// previous code's extra bits, from 0 for literals lengths and 3 for match lengths.
// deno-fmt-ignore
const LL_EXTRA = Uint8Array.of(
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
);
// deno-fmt-ignore
const ML_EXTRA = Uint8Array.of(
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
);

/** The value of each code before its extra bits: `first`, then running sums of 2^extra. */
function baselines(extra: Uint8Array, first: number): Int32Array {
  const value = new Int32Array(extra.length);
  for (let i = 0, v = first; i < extra.length; i++) {
    value[i] = v;
    v += 2 ** extra[i];
  }
  return value;
}

const LL_VALUE = baselines(LL_EXTRA, 0);
const ML_VALUE = baselines(ML_EXTRA, 3);
// Int32 values keep the hot loop in integer arithmetic; code 31 (2 GiB offsets, beyond any
// window an array can hold) gets no value and is refused when a sequence uses it.
const OF_VALUE = new Int32Array(32).map((_, i) => (i < 31 ? 2 ** i : 0));
const OF_EXTRA = new Uint8Array(32).map((_, i) => i);

/** Which code a table decodes: literals length, offset or match length. */
export type Kind = 0 | 1 | 2;
/** Literals-length codes. */
export const LL: Kind = 0;
/** Offset codes. */
export const OF: Kind = 1;
/** Match-length codes. */
export const ML: Kind = 2;

const MAX_SYMBOL = [35, 31, 52];
const MAX_LOG = [9, 8, 9];
const VALUES = [LL_VALUE, OF_VALUE, ML_VALUE];
const EXTRAS = [LL_EXTRA, OF_EXTRA, ML_EXTRA];

/** Attaches code values to an FSE table; a symbol outside the code's range is `corrupt`. */
function toSequenceTable(t: FseTable, kind: Kind): SequenceTable {
  const n = t.symbol.length;
  const pairs = new Int32Array(2 * n);
  const max = MAX_SYMBOL[kind];
  const values = VALUES[kind];
  const extras = EXTRAS[kind];
  const at = TABLE_AT[kind];
  for (let i = 0; i < n; i++) {
    const s = t.symbol[i];
    if (s > max) corrupt("sequence code out of range");
    pairs[2 * i] = (at + 2 * t.base[i]) | (t.nbBits[i] << 16) | (extras[s] << 24);
    pairs[2 * i + 1] = values[s];
  }
  return { log: t.log, pairs };
}

/** Scratch of `readSequenceTable` (a table is read in one synchronous call). */
const NORM = new Int16Array(53);
const NEXT = new Uint16Array(53);
const SYMBOL = new Uint8Array(512);

const PREDEFINED: SequenceTable[] = [
  toSequenceTable(LL_PREDEFINED, LL),
  toSequenceTable(OF_PREDEFINED, OF),
  toSequenceTable(ML_PREDEFINED, ML),
];

/**
 * Reads an FSE table description for `kind` (used by blocks and by dictionaries).
 * Returns the table and the bytes used.
 */
export function readSequenceTable(
  src: Uint8Array,
  pos: number,
  end: number,
  kind: Kind,
): { table: SequenceTable; size: number } {
  const { symbols, log, size } = readFseDistribution(
    src,
    pos,
    end,
    MAX_SYMBOL[kind],
    MAX_LOG[kind],
    NORM,
  );
  // The FSE table built straight into the packed layout; only the table itself is allocated.
  const n = 1 << log;
  const next = NEXT;
  const symbol = spreadFse(NORM, symbols, log, next, SYMBOL);
  const pairs = new Int32Array(2 * n);
  const values = VALUES[kind];
  const extras = EXTRAS[kind];
  const at = TABLE_AT[kind];
  for (let u = 0; u < n; u++) {
    const s = symbol[u];
    const x = next[s]++;
    const nb = log - (31 - Math.clz32(x));
    pairs[2 * u] = (at + 2 * ((x << nb) - n)) | (nb << 16) | (extras[s] << 24);
    pairs[2 * u + 1] = values[s];
  }
  return { table: { log, pairs }, size };
}

/**
 * Reads one table of the sequences header in `mode` (§3.1.1.3.2.1): 0 predefined, 1 RLE,
 * 2 FSE-compressed, 3 repeat `previous`. Returns the table and the bytes used.
 */
export function readModeTable(
  src: Uint8Array,
  pos: number,
  end: number,
  mode: number,
  kind: Kind,
  previous: SequenceTable | null,
): { table: SequenceTable; size: number } {
  switch (mode) {
    case 0:
      return { table: PREDEFINED[kind], size: 0 };
    case 1:
      if (pos >= end) corrupt("sequences header is truncated");
      if (src[pos] > MAX_SYMBOL[kind]) corrupt("sequence code out of range");
      return { table: toSequenceTable(rleFseTable(src[pos]), kind), size: 1 };
    case 2:
      return readSequenceTable(src, pos, end, kind);
    default:
      if (previous === null) corrupt("repeat mode without a previous table");
      return { table: previous, size: 0 };
  }
}
