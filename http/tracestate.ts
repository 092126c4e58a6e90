/**
 * W3C Trace Context `tracestate` (https://www.w3.org/TR/trace-context/ §3.3): validation and
 * normalisation. A header that breaks the grammar is dropped whole, as §3.3.1.1 allows, rather
 * than forwarded half-understood.
 *
 * @module
 */

/** Most list members a `tracestate` may carry (§3.3.1.1). */
export const TRACESTATE_MAX_MEMBERS = 32;

// §3.3.1.3.1 key: simple-key or tenant-id "@" system-id, lowercase.
const KEY = /^(?:[a-z][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})$/;
// §3.3.1.3.2 value: 0..255 chars of 0x20-0x7E except "," and "=", then one non-space of those.
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** One `tracestate` list member. */
export interface TracestateMember {
  /** Vendor key. */
  key: string;
  /** Opaque vendor value. */
  value: string;
}

/**
 * Parses a `tracestate` header into its members, or `null` when it breaks the W3C grammar (bad
 * key or value, duplicate key, more than 32 members). Empty members (`a=1,,b=2`) are skipped.
 *
 * @example
 * ```ts
 * import { parseTracestate } from "./tracestate.ts";
 * console.log(parseTracestate("congo=t61rcWkgMzE, rojo=00f067aa0ba902b7")?.length); // 2
 * console.log(parseTracestate("Bad=1")); // null
 * ```
 */
export function parseTracestate(header: string | null | undefined): TracestateMember[] | null {
  if (header === null || header === undefined) return null;
  // A header of 32 members of the largest size is ~16 KiB; anything longer is not valid.
  if (header.length > 32 * 513 + 31 * 3) return null;
  const out: TracestateMember[] = [];
  const seen = new Set<string>();
  for (const raw of header.split(",")) {
    const member = raw.replace(/^[ \t]+|[ \t]+$/g, "");
    if (member === "") continue;
    const eq = member.indexOf("=");
    if (eq <= 0) return null;
    const key = member.slice(0, eq);
    const value = member.slice(eq + 1);
    if (!KEY.test(key) || !VALUE.test(value) || seen.has(key)) return null;
    seen.add(key);
    out.push({ key, value });
    if (out.length > TRACESTATE_MAX_MEMBERS) return null;
  }
  return out;
}

/**
 * The `tracestate` to propagate: the incoming members re-joined in order, or `undefined` when
 * the header is absent, empty or invalid.
 *
 * @example
 * ```ts
 * import { normalizeTracestate } from "./tracestate.ts";
 * console.log(normalizeTracestate(" a=1 ,, b=2")); // "a=1,b=2"
 * ```
 */
export function normalizeTracestate(header: string | null | undefined): string | undefined {
  const members = parseTracestate(header);
  if (members === null || members.length === 0) return undefined;
  let s = `${members[0].key}=${members[0].value}`;
  for (let i = 1; i < members.length; i++) s += `,${members[i].key}=${members[i].value}`;
  return s;
}
