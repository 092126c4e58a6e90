// Turns an AuthError into the RFC 9457 problem the client sees, with the RFC 6750 §3
// `WWW-Authenticate` challenge (the same attribute vocabulary is used for the ApiKey scheme).

import { HttpProblem } from "../../http/problem.ts";
import type { AuthError, AuthScheme } from "./errors.ts";

// RFC 6750 §3: error_description and scope use %x20-21 / %x23-5B / %x5D-7E (no `"` or `\`).
const UNSAFE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

/** Whether `s` can be put inside a quoted auth-param as is. */
export function isQuotable(s: string): boolean {
  UNSAFE.lastIndex = 0;
  return !UNSAFE.test(s);
}

function quote(s: string): string {
  return `"${s.replace(UNSAFE, " ")}"`;
}

function challenge(scheme: AuthScheme, realm: string | undefined, params: string[]): string {
  const all = realm === undefined ? params : [`realm=${quote(realm)}`, ...params];
  return all.length === 0 ? scheme : `${scheme} ${all.join(", ")}`;
}

/**
 * The problem for `err`. `accepted` are the schemes offered when the client sent nothing usable.
 */
export function authProblem(
  err: AuthError,
  realm: string | undefined,
  accepted: readonly AuthScheme[],
  retryAfterSeconds?: number,
): HttpProblem {
  const headers = new Headers();
  if (err.status === 401) {
    if (err.code === "missing_credentials" || err.scheme === undefined) {
      // RFC 6750 §3.1: no error code when the request carried no authentication information.
      const params = err.code === "missing_credentials"
        ? []
        : [`error="invalid_request"`, `error_description=${quote(err.message)}`];
      headers.set(
        "www-authenticate",
        accepted.map((s) => challenge(s, realm, params)).join(", "),
      );
    } else {
      headers.set(
        "www-authenticate",
        challenge(err.scheme, realm, [
          `error="invalid_token"`,
          `error_description=${quote(err.message)}`,
        ]),
      );
    }
  } else if (err.status === 403) {
    const params = [`error="insufficient_scope"`, `error_description=${quote(err.message)}`];
    if (err.missingScopes.length > 0) params.push(`scope=${quote(err.missingScopes.join(" "))}`);
    headers.set("www-authenticate", challenge(err.scheme ?? "Bearer", realm, params));
  } else if (err.status === 503) {
    headers.set("retry-after", "1");
  } else if (err.status === 429) {
    headers.set("retry-after", String(Math.max(1, Math.ceil(retryAfterSeconds ?? 1))));
  }
  const details: Record<string, unknown> = { detail: err.message, code: err.code };
  if (err.missingScopes.length > 0) details.missing_scopes = [...err.missingScopes];
  return new HttpProblem(err.status, details, headers);
}
