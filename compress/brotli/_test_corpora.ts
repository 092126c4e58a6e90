/**
 * Inputs shared by the brotli decoder tests (not published): seeded random bytes, JSON rows,
 * a real text corpus (this repository's TypeScript sources), a real binary (the Deno
 * executable's first bytes) and UTF-8 text with upper-case words (dictionary transforms).
 *
 * @module
 */

import { rng } from "../_test_rng.ts";

/** `n` seeded random bytes. */
export function randomBytes(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 256) | 0;
  return out;
}

/** JSON rows, about `n` bytes. */
export function jsonRows(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  let s = "[";
  for (let i = 0; s.length < n; i++) {
    s += JSON.stringify({ id: i, region: ["eu", "us", "ap"][(r() * 3) | 0], v: r() * 100 }) + ",";
  }
  return new TextEncoder().encode(s.slice(0, n));
}

/** This folder's parent sources (`compress/*.ts`), concatenated, up to `n` bytes. */
export function sourceText(n: number): Uint8Array {
  const dir = new URL("../", import.meta.url);
  const names = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".ts"))
    .map((e) => e.name).sort();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const name of names) {
    if (total >= n) break;
    const b = Deno.readFileSync(new URL(name, dir));
    parts.push(b);
    total += b.length;
  }
  const out = new Uint8Array(Math.min(n, total));
  let at = 0;
  for (const p of parts) {
    out.set(p.subarray(0, out.length - at), at);
    at += Math.min(p.length, out.length - at);
  }
  return out;
}

/** The first `n` bytes of the running Deno executable (a real binary). */
export function binary(n: number): Uint8Array {
  const f = Deno.openSync(Deno.execPath());
  try {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const k = f.readSync(out.subarray(at));
      if (k === null) break;
      at += k;
    }
    return out.subarray(0, at);
  } finally {
    f.close();
  }
}

/** Multilingual UTF-8 prose with Capitalised and UPPER-CASE words (dictionary transforms). */
export function prose(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const words = [
    "The",
    "time",
    "of",
    "and",
    "WORLD",
    "Information",
    "für",
    "Ärger",
    "naïve",
    "México",
    "city",
    "ÉCOLE",
    "Ünïcode",
    "résumé",
    "the",
    "People",
    "country",
    "Ελλάδα",
    "日本語",
    "Москва",
    "HTTP",
    "response",
    "Content",
    "encoding",
    ".",
    ", ",
    "\n",
    "(",
    ")",
    '"',
  ];
  let s = "";
  while (s.length < n) s += words[(r() * words.length) | 0] + (r() < 0.8 ? " " : "");
  return new TextEncoder().encode(s).subarray(0, n);
}
