// The one copy-on-write path for response headers. Middleware that writes headers after the
// handler meets responses it did not build: a handler that returns `fetch(...)` (a proxied
// response), `Response.redirect()` or `Response.error()` hands over headers whose guard is
// "immutable" (Fetch standard §5.2), and writing them throws. Every header write of avx-http's
// middleware goes through here: the response is copied once (status, headers, the same body
// stream, nothing read), then written; a response built by the app is written in place.

/**
 * A copy of `res` whose headers can be written: same status, status text and headers, and the
 * same body stream (handed over, not read).
 */
function copyResponse(res: Response): Response {
  return new Response(res.body, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

/**
 * Sets (or appends) `name` on `res`: returns `res`, or a copy when its headers were immutable.
 * The write is tried first, so responses built by the app pay nothing extra.
 */
export function setHeader(res: Response, name: string, value: string, append = false): Response {
  try {
    if (append) res.headers.append(name, value);
    else res.headers.set(name, value);
    return res;
  } catch {
    // Immutable headers (or a value the copy will refuse the same way: that error propagates).
    const copy = copyResponse(res);
    if (append) copy.headers.append(name, value);
    else copy.headers.set(name, value);
    return copy;
  }
}

/** A name no response carries: deleting it only tells whether the headers can be written. */
const PROBE = "x-avx-writable-probe";

/**
 * `res` when its headers can be written, else a copy whose headers can (for middleware that
 * makes several edits, or edits through a helper taking `Headers`).
 */
export function writableResponse(res: Response): Response {
  try {
    res.headers.delete(PROBE);
    return res;
  } catch {
    return copyResponse(res);
  }
}
