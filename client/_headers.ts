// Request headers as one plain record (lowercase names, no prototype) until the attempt is sent:
// a `Headers` object costs about a microsecond to build or copy in Deno, and a request used to
// build four. fetch turns the record into its own `Headers` once. Names and values are checked
// here as `Headers` would check them, so a bad header is a `ClientError` `invalid` at the call
// that set it, never a fetch `TypeError` (which would read as a network error and be retried).

import { ClientError } from "./errors.ts";

/** Header name (lowercase) -> value; created by {@link emptyHeaders}, no prototype. */
export type HeaderRecord = Record<string, string>;

// RFC 9110 §5.1: field-name = token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Fetch standard "header value": no NUL, CR or LF; a ByteString (code units <= 0xFF).
const BAD_VALUE = /[\0\r\n\u0100-\uffff]/;
// Leading and trailing HTTP tab or space, stripped as Headers does ("normalize").
const EDGE_WS = /^[\t ]+|[\t ]+$/g;

/** A new, empty record. */
export function emptyHeaders(): HeaderRecord {
  return Object.create(null) as HeaderRecord;
}

/** A copy of `from`. */
export function copyHeaders(from: HeaderRecord): HeaderRecord {
  const to = emptyHeaders();
  for (const k in from) to[k] = from[k];
  return to;
}

/** The lowercase name, or a `ClientError` `invalid` when it is not a token. */
export function headerName(name: string): string {
  if (typeof name !== "string" || !TOKEN.test(name)) {
    throw new ClientError("invalid", `invalid header name ${JSON.stringify(String(name))}`);
  }
  return name.toLowerCase();
}

/** The normalised value, or a `ClientError` `invalid` when fetch would refuse it. */
export function headerValue(name: string, value: string): string {
  const v = String(value);
  if (BAD_VALUE.test(v)) throw new ClientError("invalid", `invalid value for header ${name}`);
  return v.replace(EDGE_WS, "");
}

/** Sets one header (checked), replacing any value of the same name. */
export function setHeader(to: HeaderRecord, name: string, value: string): void {
  const k = headerName(name);
  to[k] = headerValue(k, value);
}

/**
 * Sets every header of `init` (checked), replacing earlier values of the same names; names
 * repeated within `init` are combined with ", " as `Headers` does.
 */
export function mergeHeaders(to: HeaderRecord, init: HeadersInit): void {
  if (init instanceof Headers) {
    // Already checked and combined by Headers.
    init.forEach((v, k) => to[k] = v);
    return;
  }
  const pairs: Iterable<unknown> = Symbol.iterator in Object(init)
    ? init as Iterable<unknown>
    : Object.entries(init as Record<string, string>);
  const seen = new Set<string>();
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new ClientError("invalid", "a header must be a [name, value] pair");
    }
    const k = headerName(pair[0]);
    const v = headerValue(k, pair[1]);
    to[k] = seen.has(k) ? `${to[k]}, ${v}` : v;
    seen.add(k);
  }
}
