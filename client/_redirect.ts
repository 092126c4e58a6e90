// Redirects for requests that carry the client's own API key or a bytes body. The Fetch standard
// drops only `Authorization` when a redirect leaves the origin (Fetch §4.4 "HTTP-redirect fetch",
// step 13); `X-AVL-API-Key` would go to whatever host a `Location` names. And Node 20's fetch
// fails to resend a bytes body on a 307/308. Such requests are sent with `redirect: "manual"` and
// their redirects followed here, as fetch would, except that credentials never leave the origin
// they were given for.

import { ClientError } from "./errors.ts";

/** Headers that are never sent to an origin other than the request's own. */
const CREDENTIALS = ["x-avl-api-key", "authorization", "proxy-authorization", "cookie"];
/** Request headers that describe the body, dropped when a redirect turns the request into GET. */
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language"];
/** Fetch's redirect limit (Fetch §4.4 step 5). */
const MAX_REDIRECTS = 20;

/**
 * Whether this runtime's fetch is Node's (undici). Deno also has `process.versions.node`; browsers
 * and Workers have no `process`. Read once: the runtime does not change.
 */
const NODE_FETCH = (() => {
  const g = globalThis as { process?: { versions?: { node?: unknown } }; Deno?: unknown };
  return typeof g.process?.versions?.node === "string" && g.Deno === undefined;
})();

/**
 * Whether the client follows the redirects of a request itself: when `headers` carry a credential
 * fetch would pass on to another origin, and when the body is bytes under Node, whose fetch
 * (undici, Node 20) cannot send it again on a 307/308 ("Cannot perform
 * ArrayBuffer.prototype.slice on a detached ArrayBuffer"). Not for bytes elsewhere: a browser's
 * manual redirect is opaque and could not be followed at all.
 */
export function needsManualRedirects(
  headers: Record<string, string>,
  body: BodyInit | undefined,
): boolean {
  return headers["x-avl-api-key"] !== undefined || (NODE_FETCH && body instanceof Uint8Array);
}

/**
 * Follows the redirects of `res`, the answer to a `redirect: "manual"` request to `href` sent
 * with `init`, the way fetch's "follow" does (301/302 turn POST into GET, 303 anything but HEAD,
 * at most 20 hops), without sending credentials to another origin. A redirect that cannot be
 * followed (no `Location`, a body that cannot be sent again) is returned as it is; too many hops
 * is a `TypeError`, as in fetch. A browser's opaque redirect (status 0, no `Location` to read) is
 * a `ClientError` `network`, as fetch's `redirect: "error"` would be: the same redirect would
 * come back to every retry, so it is thrown at once.
 */
export async function followRedirects(
  fetchFn: (input: string, init?: RequestInit) => Promise<Response>,
  res: Response,
  href: string,
  init: RequestInit,
): Promise<Response> {
  let url = new URL(href);
  let method = (init.method ?? "GET").toUpperCase();
  let body = init.body;
  const headers = new Headers(init.headers);
  for (let hops = 0;; hops++) {
    if (res.type === "opaqueredirect") {
      throw new ClientError(
        "network",
        `${method} ${url.href} was redirected; a browser hides where to, and following it ` +
          "blindly could hand the request's credentials to another origin",
        { method, url: url.href },
      );
    }
    const status = res.status;
    if (status !== 301 && status !== 302 && status !== 303 && status !== 307 && status !== 308) {
      return res;
    }
    const location = res.headers.get("location");
    if (location === null) return res;
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return res;
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") return res;
    if (hops >= MAX_REDIRECTS) {
      await res.body?.cancel().catch(() => {});
      throw new TypeError(`more than ${MAX_REDIRECTS} redirects`);
    }
    if (
      (status === 303 && method !== "HEAD") ||
      ((status === 301 || status === 302) && method === "POST")
    ) {
      method = "GET";
      body = undefined;
      for (const h of BODY_HEADERS) headers.delete(h);
    } else if (body instanceof ReadableStream) {
      return res; // a streamed body was consumed by the first request
    }
    if (next.origin !== url.origin) { for (const h of CREDENTIALS) headers.delete(h); }
    await res.body?.cancel().catch(() => {});
    url = next;
    const nextInit: RequestInit = { ...init, method, headers, redirect: "manual" };
    if (body === undefined) delete nextInit.body;
    else nextInit.body = body;
    res = await fetchFn(url.href, nextInit);
  }
}
