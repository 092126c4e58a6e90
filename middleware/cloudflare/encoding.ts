/**
 * Content coding on Cloudflare Workers. The Workers runtime compresses a response body itself
 * when the response carries `Content-Encoding` (gzip, br), unless the response was built with
 * `encodeBody: "manual"`: a body our compression middleware already encoded would otherwise be
 * encoded a second time (valid framing, wrong content). {@link manualEncoding} marks such
 * responses; the Workers entry point applies it to every response it returns.
 *
 * @module
 */

/**
 * Returns `response` marked as already content-coded (`encodeBody: "manual"`) when it has a
 * `Content-Encoding` other than identity; otherwise returns it unchanged. Only the wrapper is
 * new: status, headers and the body stream are reused. Outside Workers the option is ignored.
 *
 * @example
 * ```ts
 * import { manualEncoding } from "./mod.ts";
 * const res = manualEncoding(new Response("x", { headers: { "content-encoding": "identity" } }));
 * console.log(res.status); // 200
 * ```
 */
export function manualEncoding(response: Response): Response {
  const coding = response.headers.get("content-encoding");
  if (coding === null || coding === "" || coding.toLowerCase() === "identity") return response;
  if (response.body === null) return response;
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    encodeBody: "manual",
  } as ResponseInit);
}
