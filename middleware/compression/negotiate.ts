/**
 * `Accept-Encoding` negotiation per RFC 9110 §12.5.3: codings with q-values, `*`, and
 * `identity`, ties broken by the server's order of preference.
 *
 * @module
 */

/** One entry of an `Accept-Encoding` header. */
export interface AcceptedCoding {
  /** Lower-cased coding name (`gzip`, `br`, `*`, `identity`, ...). */
  coding: string;
  /** Quality 0..1 (RFC 9110 §12.4.2; three decimals at most). */
  q: number;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Parses `Accept-Encoding`. Malformed members are ignored (a lenient reading, as the RFC's
 * robustness principle suggests); a malformed q counts as 0 so it never wins.
 *
 * @example
 * ```ts
 * import { parseAcceptEncoding } from "./negotiate.ts";
 * console.log(parseAcceptEncoding("gzip;q=0.5, br"));
 * // [{ coding: "gzip", q: 0.5 }, { coding: "br", q: 1 }]
 * ```
 */
export function parseAcceptEncoding(header: string): AcceptedCoding[] {
  const out: AcceptedCoding[] = [];
  for (const part of header.split(",")) {
    const [name, ...params] = part.split(";");
    const coding = name.trim().toLowerCase();
    if (coding === "" || !TOKEN.test(coding)) continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split("=").map((s) => s.trim());
      if (k.toLowerCase() !== "q") continue;
      q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(v ?? "") ? Number(v) : 0;
    }
    out.push({ coding: coding === "x-gzip" ? "gzip" : coding, q });
  }
  return out;
}

/**
 * Picks the content coding for a response: the acceptable coding with the highest q, ties going
 * to the earliest in `available` (the server's preference). Returns `"identity"` when no coding is
 * acceptable but identity is, and `null` when not even identity is (the caller answers 406).
 * `optIn` codings are used only when the client names them (never through `*`).
 *
 * @example
 * ```ts
 * import { negotiateEncoding } from "./negotiate.ts";
 * const pref = ["zstd", "br", "gzip"];
 * console.log(negotiateEncoding("gzip, br;q=0.9, zstd;q=0.9", pref)); // "gzip"
 * console.log(negotiateEncoding("gzip, br, zstd", pref)); // "zstd"
 * console.log(negotiateEncoding("identity;q=0", [])); // null
 * ```
 */
export function negotiateEncoding(
  header: string | null | undefined,
  available: readonly string[],
  optIn: readonly string[] = [],
): string | null {
  // No header: any coding is acceptable (§12.5.3), but identity is what every client can read.
  if (header === null || header === undefined) return "identity";
  const entries = parseAcceptEncoding(header);
  const named = new Map<string, number>();
  let star: number | undefined;
  for (const { coding, q } of entries) {
    if (coding === "*") star = Math.max(star ?? 0, q);
    else named.set(coding, Math.max(named.get(coding) ?? 0, q));
  }
  let best: string | null = null;
  let bestQ = 0;
  for (const coding of available) {
    const q = named.get(coding) ?? (optIn.includes(coding) ? undefined : star);
    if (q !== undefined && q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  const identity = named.get("identity");
  if (best !== null && !(identity !== undefined && identity > bestQ)) return best;
  // identity is acceptable unless excluded explicitly or by "*;q=0" without naming it.
  if (identity === 0 || (identity === undefined && star === 0)) return null;
  return "identity";
}
