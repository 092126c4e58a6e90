// Capture of the payload behind c.json / c.text / c.body, shared by the middleware that need a
// response's size or bytes (compression, cost tracking): a string or Uint8Array handed to Hono is
// known without reading the Response's stream, which on Deno would also turn its fast string
// body into a stream. One capture per request, however many middleware ask for it.
//
// This is the one seam where avx-http relies on more than Hono documents: it replaces this
// request's c.json/c.text/c.body (own properties on the Context; Hono's prototype is never
// touched) with wrappers that call Hono's own methods. Hono has no documented hook on response
// creation. The honest path needs no capture: a middleware that finds no payload reads the body
// stream, as it does for every plain `new Response(...)`. bench/http.ts prices the difference
// (rows avx-compression vs avx-compression-uncaptured: server CPU per request about 0.14x on a
// 13-byte text and 0.41x on 100 KiB JSON with capture, on a shared 2-core machine), so the seam
// stays; capture_test.ts pins what it captures, _capture_test.ts its memory behaviour.

import type { Context } from "hono";

// The payload travels on the Response itself (a symbol-keyed property), not in a per-request
// record pointing at the Response: on Deno's serving path, keeping a reference to a response
// object from anything that outlives the handler call cost ~1 µs per request (measured over
// sockets), while marking the response is free.

const PAYLOAD: unique symbol = Symbol("avx-http.payload");
const CAPTURING: unique symbol = Symbol("avx-http.capturing");
// Passed to Hono as c.json's default headers: Hono copies, never mutates them.
const JSON_TYPE: Readonly<Record<string, string>> = Object.freeze({
  "Content-Type": "application/json",
});

// deno-lint-ignore no-explicit-any
type Fn = (...a: any[]) => Response | Promise<Response>;
type Capturing = { [CAPTURING]?: true; json: Fn; text: Fn; body: Fn };
type Marked = Response & { [PAYLOAD]?: string | Uint8Array };

// Each wrapper comes from a factory of its own that receives only the Hono method it wraps. With
// the three closures created in captureBodies itself and stored on `c` there, Deno 2.9 under load
// kept finished requests alive across every scavenge (~2 MB each, whole request graphs that only
// a full GC freed): scavenges took 1-2 ms instead of 0.05 ms, with 17-30 ms outliers, and the
// platform stack's p99 sat 5 ms above bare Hono. The same closures made by separate functions do
// not (`--trace-gc`: ~0.1 MB survives a scavenge, as with no capture at all); bisected, not
// explained, so keep this shape (server/_capture_test.ts has a guard).

function capturingJson(body: Fn): Fn {
  return (object: unknown, arg?: unknown, headers?: Record<string, string | string[]>) => {
    // Stringify once, as Hono's c.json does, and keep the string. The default Content-Type goes
    // in with the headers so the Response's header list is never touched from JS afterwards.
    const json = JSON.stringify(object);
    const res = body(json, arg, headers === undefined ? JSON_TYPE : { ...JSON_TYPE, ...headers });
    (res as Marked)[PAYLOAD] = json;
    return res;
  };
}

function capturingText(text: Fn): Fn {
  return (t: unknown, arg?: unknown, headers?: unknown) => {
    const res = text(t, arg, headers) as Response;
    if (typeof t === "string") (res as Marked)[PAYLOAD] = t;
    return res;
  };
}

function capturingBody(body: Fn): Fn {
  return (d: unknown, arg?: unknown, headers?: unknown) => {
    const res = body(d, arg, headers);
    // Bytes the handler coded itself (a pre-compressed file) are not the payload: compression
    // must see them as coded, whatever their size, to decode them for a client that cannot.
    if (
      (typeof d === "string" || d instanceof Uint8Array) && res instanceof Response &&
      !res.headers.has("content-encoding")
    ) {
      (res as Marked)[PAYLOAD] = d;
    }
    return res;
  };
}

/** Wraps this request's c.json/c.text/c.body so the response they build carries its payload. */
export function captureBodies(c: Context): void {
  const cc = c as unknown as Capturing;
  if (cc[CAPTURING] === true) return;
  cc[CAPTURING] = true;
  const body = cc.body;
  cc.json = capturingJson(body);
  cc.text = capturingText(cc.text);
  cc.body = capturingBody(body);
}

/** The captured payload of `res`, when `res` is exactly the response c.json/c.text/c.body built. */
export function capturedPayload(res: Response): string | Uint8Array | undefined {
  return (res as Marked)[PAYLOAD];
}

/** Byte length of a captured payload. */
export function payloadLength(payload: string | Uint8Array): number {
  return typeof payload === "string" ? utf8Length(payload) : payload.byteLength;
}

// The UTF-8 length TextEncoder would produce (lone surrogates count as U+FFFD, 3 bytes), without
// encoding. Kept here rather than imported from @avila/arrow: `http/` is imported by the client,
// and one import of the Arrow package would put all of it into every client bundle.
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
