/**
 * Security response headers: `secureHeaders()`, Hono's options and defaults as a stage (fused by
 * `Server`, which turns it on by default; a middleware elsewhere).
 *
 * @module
 */

export { secureHeaders, type SecureHeadersOptions } from "./secure_headers.ts";
