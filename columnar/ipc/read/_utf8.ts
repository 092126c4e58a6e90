// Read-side checks that walk decoded columns: UTF-8 validation (`validateUtf8`) and the byte
// size of a column's buffers (charged for dictionary delta concatenation).
import type { Column, ColumnData } from "../../column.ts";
import { ArrowError } from "../../errors.ts";
import { Type } from "../../types.ts";

/**
 * True when bytes [i, end) are well-formed UTF-8 (Unicode 15, table 3-7: no overlong forms,
 * no surrogates, nothing past U+10FFFF, no truncated sequence).
 */
function wellFormed(b: Uint8Array, i: number, end: number): boolean {
  while (i < end) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c < 0xc2) return false;
    if (c < 0xe0) {
      if (i + 1 >= end || (b[i + 1] & 0xc0) !== 0x80) return false;
      i += 2;
      continue;
    }
    if (c < 0xf0) {
      if (i + 2 >= end) return false;
      const c1 = b[i + 1];
      if ((c1 & 0xc0) !== 0x80 || (b[i + 2] & 0xc0) !== 0x80) return false;
      if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f)) return false;
      i += 3;
      continue;
    }
    if (c < 0xf5) {
      if (i + 3 >= end) return false;
      const c1 = b[i + 1];
      if ((c1 & 0xc0) !== 0x80 || (b[i + 2] & 0xc0) !== 0x80 || (b[i + 3] & 0xc0) !== 0x80) {
        return false;
      }
      if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return false;
      i += 4;
      continue;
    }
    return false;
  }
  return true;
}

function checkStrings(d: ColumnData, path: string): void {
  const offsets = d.offsets!; // runs the pending whole-buffer offsets check first
  const bytes = d.values as Uint8Array;
  const bits = d.nullCount === 0 ? null : d.validity;
  for (let i = 0; i < d.length; i++) {
    const j = d.offset + i;
    if (bits !== null && ((bits[j >> 3] >> (j & 7)) & 1) === 0) continue;
    if (!wellFormed(bytes, Number(offsets[j]), Number(offsets[j + 1]))) {
      throw new ArrowError("corrupt", `invalid UTF-8 in ${path}, row ${i}`);
    }
  }
}

function walk(d: ColumnData, path: string): void {
  const t = d.type;
  // utf8 view columns are held in the offsets layout once read, so one check serves all three
  if (t.typeId === Type.Utf8 || t.typeId === Type.LargeUtf8 || t.typeId === Type.Utf8View) {
    checkStrings(d, path);
  }
  // dictionaries are checked once, when their dictionary batch is read
  for (const child of d.children) walk(child.data, path);
}

/** Throws `corrupt` unless every non-null string in `columns` (nested ones too) is UTF-8. */
export function checkUtf8Columns(columns: readonly Column[], names: readonly string[]): void {
  for (let k = 0; k < columns.length; k++) walk(columns[k].data, JSON.stringify(names[k]));
}

/** Bytes held by a column's buffers, children and dictionary included. */
export function columnBytes(c: Column): number {
  const d = c.data;
  let n = (d.validity?.byteLength ?? 0) + (d.values?.byteLength ?? 0) +
    (d.offsets?.byteLength ?? 0);
  for (const child of d.children) n += columnBytes(child);
  if (d.dictionary !== null) n += columnBytes(d.dictionary);
  return n;
}
