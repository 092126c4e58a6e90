/**
 * Row objects to column arrays, fast: key discovery compares each row's key order with the
 * first row's (a pointer comparison per key for same-shaped rows), and extraction runs one
 * generated loop with constant property names (monomorphic loads). Where code generation is
 * disallowed (e.g. workerd), a generic loop is used instead.
 *
 * @module
 */

/** Keys of every row, in first-seen order (own and inherited enumerable, like `for...in`). */
export function rowKeys(rows: readonly Record<string, unknown>[]): string[] {
  if (rows.length === 0) return [];
  const keys: string[] = [];
  for (const k in rows[0]) keys.push(k);
  let seen: Set<string> | null = null;
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i];
    let j = 0;
    let same = true;
    for (const k in r) {
      if (k !== keys[j++]) {
        same = false;
        break;
      }
    }
    if (same && j === keys.length) continue;
    seen ??= new Set(keys);
    for (const k in r) {
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  }
  return keys;
}

type Extractor = (rows: readonly Record<string, unknown>[]) => unknown[][];

const cache = new Map<string, Extractor>();
const MAX_CACHED = 64;
let codegen = true;

function generic(keys: readonly string[]): Extractor {
  return (rows) => {
    const n = rows.length;
    const cols = keys.map(() => new Array<unknown>(n));
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      for (let j = 0; j < keys.length; j++) cols[j][i] = r[keys[j]];
    }
    return cols;
  };
}

function generated(keys: readonly string[]): Extractor | null {
  if (!codegen) return null;
  const decl = keys.map((_, j) => `const c${j} = new Array(n);`).join("\n");
  // JSON.stringify yields a valid string literal for any key; loads use constant names
  const body = keys.map((k, j) => `c${j}[i] = r[${JSON.stringify(k)}];`).join("\n");
  const ret = keys.map((_, j) => `c${j}`).join(", ");
  try {
    return new Function(
      "rows",
      `"use strict";\nconst n = rows.length;\n${decl}\nfor (let i = 0; i < n; i++) {\nconst r = rows[i];\n${body}\n}\nreturn [${ret}];`,
    ) as Extractor;
  } catch {
    codegen = false; // code generation from strings is disallowed here
    return null;
  }
}

/** One array of values per key (missing properties read as undefined). */
export function extractColumns(
  rows: readonly Record<string, unknown>[],
  keys: readonly string[],
): unknown[][] {
  if (keys.length === 0) return [];
  const sig = JSON.stringify(keys);
  let fn = cache.get(sig);
  if (!fn) {
    fn = (keys.length <= 256 ? generated(keys) : null) ?? generic(keys);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(sig, fn);
  }
  return fn(rows);
}
