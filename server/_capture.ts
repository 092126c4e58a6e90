// Capture of the payload behind c.json / c.text / c.body, shared by the middleware that need a
// response's size or bytes (compression, cost tracking): a string or Uint8Array handed to Hono is
// known without reading the Response's stream, which on Deno would also turn its fast string
// body into a stream. One capture per request, however many middleware ask for it.

import type { Context } from "hono";
import { utf8Length } from "../columnar/builders/utf8.ts";

interface Capture {
  payload: string | Uint8Array | undefined;
  res: Response | undefined;
}

const CAPTURE: unique symbol = Symbol("avx-http.capture");
// Passed to Hono as c.json's default headers: Hono copies, never mutates them.
const JSON_TYPE: Readonly<Record<string, string>> = Object.freeze({
  "Content-Type": "application/json",
});

// deno-lint-ignore no-explicit-any
type Fn = (...a: any[]) => Response | Promise<Response>;
type Capturing = { [CAPTURE]?: Capture; json: Fn; text: Fn; body: Fn };

/** Wraps this request's c.json/c.text/c.body so the payload of the response they build is kept. */
export function captureBodies(c: Context): void {
  const cc = c as unknown as Capturing;
  if (cc[CAPTURE] !== undefined) return;
  const cap: Capture = { payload: undefined, res: undefined };
  cc[CAPTURE] = cap;
  const body: Fn = cc.body;
  const text: Fn = cc.text;
  cc.json = (object: unknown, arg?: unknown, headers?: Record<string, string | string[]>) => {
    // Stringify once, as Hono's c.json does, and keep the string. The default Content-Type goes
    // in with the headers so the Response's header list is never touched from JS afterwards.
    const json = JSON.stringify(object);
    const res = body(json, arg, headers === undefined ? JSON_TYPE : { ...JSON_TYPE, ...headers });
    cap.payload = json;
    cap.res = res as Response;
    return res;
  };
  cc.text = (t: unknown, arg?: unknown, headers?: unknown) => {
    const res = text(t, arg, headers) as Response;
    if (typeof t === "string") {
      cap.payload = t;
      cap.res = res;
    }
    return res;
  };
  cc.body = (d: unknown, arg?: unknown, headers?: unknown) => {
    const res = body(d, arg, headers);
    if ((typeof d === "string" || d instanceof Uint8Array) && res instanceof Response) {
      cap.payload = d;
      cap.res = res;
    }
    return res;
  };
}

/** The captured payload of `res`, when `res` is exactly the response c.json/c.text/c.body built. */
export function capturedPayload(c: Context, res: Response): string | Uint8Array | undefined {
  const cap = (c as unknown as Capturing)[CAPTURE];
  return cap !== undefined && cap.res === res ? cap.payload : undefined;
}

/** Byte length of a captured payload. */
export function payloadLength(payload: string | Uint8Array): number {
  return typeof payload === "string" ? utf8Length(payload) : payload.byteLength;
}
