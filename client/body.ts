/**
 * The request body forms the client accepts and the codings it can send them in.
 *
 * @module
 */

import type { ClientBuilder } from "./client.ts";
import type { RequestBuilder } from "./request.ts";

/** What `RequestBuilder.body()` takes. */
export type BodyInput = Parameters<RequestBuilder["body"]>[0];

/** Content coding of compressed request bodies (`ClientBuilder.compression({ requests })`). */
export type RequestCoding = Exclude<
  NonNullable<Exclude<Parameters<ClientBuilder["compression"]>[0], boolean>["requests"]>,
  false
>;
