/**
 * CORS with avx-http defaults: `cors()`, a stage (fused by `Server`, a middleware elsewhere).
 *
 * @module
 */

export { cors, type CorsOptions, DEFAULT_EXPOSED_HEADERS } from "./cors.ts";
