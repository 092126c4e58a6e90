// Setting a header on a response that middleware did not build: responses from fetch (and
// Response.redirect/error) have immutable headers, so those are copied once, then set.

/** Sets (or appends) `name` on `res`; returns `res`, or a copy when its headers were immutable. */
export function setHeader(res: Response, name: string, value: string, append = false): Response {
  try {
    if (append) res.headers.append(name, value);
    else res.headers.set(name, value);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    if (append) copy.headers.append(name, value);
    else copy.headers.set(name, value);
    return copy;
  }
}
