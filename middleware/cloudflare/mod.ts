/**
 * Cloudflare Workers adapters: content coding that the Workers runtime leaves alone, and
 * Workers-backed stores for avx-http's platform middleware.
 *
 * @example
 * ```ts
 * import { manualEncoding } from "./mod.ts";
 * const res = manualEncoding(new Response("hi"));
 * console.log(await res.text()); // "hi"
 * ```
 *
 * @module
 */

export { manualEncoding } from "./encoding.ts";
