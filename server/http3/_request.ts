// One HTTP/3 request stream (RFC 9114 §4): HEADERS (with a deadline), validated into a fetch
// `Request` whose body streams the DATA frames as the handler reads them (pull, so QUIC flow
// control is the backpressure), optional trailers, then the handler's `Response` written back as
// HEADERS and DATA frames, one DATA frame per body chunk so streamed responses (SSE) flush.
//
// Deno's QUIC streams cannot carry an application error code when they are reset or stopped, so
// a stream error of the RFC (H3_MESSAGE_ERROR, H3_REQUEST_INCOMPLETE) is answered with an HTTP
// problem response when one can still be sent, and the stream is then stopped; frame errors are
// connection errors and close the connection with their code.

import { problemResponse } from "../../http/problem.ts";
import { H3, Http3Error } from "./_errors.ts";
import { encodeFrame, FRAME, frameAllowed, StreamReader } from "./_frames.ts";
import { type HeaderField, type QpackDecoder, type QpackEncoder, QpackError } from "./qpack/mod.ts";
import type { QuicBidirectionalStream } from "./_quic.ts";

/** The fetch handler HTTP/3 requests go to (the same one TCP requests reach). */
export type Http3Handler = (
  request: Request,
  info: Deno.ServeHandlerInfo,
) => Response | Promise<Response>;

/** Limits on one request's header section. */
export interface RequestLimits {
  /** Decoded field section size (RFC 9114 §4.2.2: names + values + 32 per field). */
  maxFieldSectionSize: number;
  /** Field lines in one section. */
  maxHeaderFields: number;
  /** Time from the stream's opening to a complete HEADERS frame. */
  headersTimeoutMs: number;
}

/** What a request stream needs from its connection. */
export interface RequestContext {
  decoder: QpackDecoder;
  encoder: QpackEncoder;
  handler: Http3Handler;
  limits: RequestLimits;
  remoteAddr: Deno.NetAddr;
  /** Closes the connection with the error's code (a connection error). */
  fail(error: unknown): void;
  /** Aborts when the connection is gone. */
  closed: AbortSignal;
  /** Sends what the QPACK decoder has for the peer (acknowledgements). */
  flushDecoder(): void;
}

/** Fields an HTTP/3 message must not carry (RFC 9114 §4.2). */
const CONNECTION_SPECIFIC = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const REQUEST_PSEUDO = new Set([":method", ":scheme", ":authority", ":path", ":protocol"]);
/**
 * `host [ ":" port ]` (RFC 3986 3.2.2): no userinfo (RFC 9114 §4.3.1) and nothing that would
 * end the authority inside the URL we build (`/`, `?`, `#`, `@`, `\`).
 */
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::[0-9]*)?$/;
/** A request target without SP, controls or DEL (RFC 9110 §4.1; what HTTP/1.1 parsers refuse). */
const PATH = /^[\x21-\x7e\x80-\xff]+$/;

/** A request the RFC calls malformed (§4.1.2): answered 400, code `h3_message_error`. */
class Malformed extends Error {}
/** A header section past our limits: answered 431. */
class TooLarge extends Error {}

interface Head {
  method: string;
  url: string;
  headers: Headers;
  contentLength: number | undefined;
}

/** Validates a request's decoded field section (RFC 9114 §4.1.2, §4.2, §4.3.1). */
function requestHead(fields: HeaderField[], limits: RequestLimits): Head {
  // Cookie crumbs count as the one `cookie` field they are joined into: Chromium sends a crumb
  // per cookie, and a site's cookies must not reach a field limit over h3 only.
  let count = 0, crumbs = 0;
  for (const [name] of fields) {
    if (name === "cookie") crumbs++;
    else count++;
  }
  if (count + Math.min(crumbs, 1) > limits.maxHeaderFields) {
    throw new TooLarge(`more than ${limits.maxHeaderFields} header fields`);
  }
  const pseudo = new Map<string, string>();
  const headers = new Headers();
  // Cookie crumbs (§4.2.1): clients may split `cookie` into one field per pair for compression;
  // they are joined with "; " (not the ", " of `Headers.append`) before the app sees them.
  const cookies: string[] = [];
  let size = 0;
  for (const [name, value] of fields) {
    size += name.length + value.length + 32;
    if (name.startsWith(":")) {
      if (headers.keys().next().done === false) throw new Malformed("pseudo-header after a field");
      if (!REQUEST_PSEUDO.has(name)) throw new Malformed(`pseudo-header ${name} in a request`);
      if (pseudo.has(name)) throw new Malformed(`duplicate ${name}`);
      pseudo.set(name, value);
      continue;
    }
    if (!TOKEN.test(name)) throw new Malformed(`invalid field name "${name}"`);
    if (CONNECTION_SPECIFIC.has(name)) throw new Malformed(`connection-specific field ${name}`);
    if (name === "te" && value !== "trailers") throw new Malformed("te other than trailers");
    try {
      if (name === "cookie") {
        headers.set(name, value); // validates it; replaced by the joined crumbs below
        cookies.push(value);
      } else headers.append(name, value);
    } catch {
      throw new Malformed(`invalid value of ${name}`);
    }
  }
  if (cookies.length > 1) headers.set("cookie", cookies.join("; "));
  if (size > limits.maxFieldSectionSize) {
    throw new TooLarge(`header section larger than ${limits.maxFieldSectionSize} bytes`);
  }
  const method = pseudo.get(":method");
  if (method === undefined || !TOKEN.test(method.toLowerCase())) {
    throw new Malformed("missing or invalid :method");
  }
  if (method === "CONNECT" || pseudo.has(":protocol")) {
    throw new Malformed("CONNECT is not served over HTTP/3 here");
  }
  const scheme = pseudo.get(":scheme");
  const path = pseudo.get(":path");
  if (scheme === undefined || path === undefined || path === "") {
    throw new Malformed("missing :scheme or :path");
  }
  // Only https is served over QUIC (TLS always): another scheme would show the app a URL that
  // TCP never gives it (http:// over TLS, or a non-HTTP scheme).
  if (scheme !== "https") throw new Malformed(`:scheme ${scheme} is not served`);
  const authority = pseudo.get(":authority") ?? headers.get("host") ?? undefined;
  if (authority === undefined || authority === "") throw new Malformed("missing :authority");
  if (!AUTHORITY.test(authority)) throw new Malformed("invalid :authority");
  const host = headers.get("host");
  if (host !== null && pseudo.has(":authority") && host !== pseudo.get(":authority")) {
    throw new Malformed("host differs from :authority");
  }
  if (!PATH.test(path) || (!path.startsWith("/") && !(path === "*" && method === "OPTIONS"))) {
    throw new Malformed("invalid :path");
  }
  let url: string;
  try {
    url = new URL(`${scheme}://${authority}${path === "*" ? "/" : path}`).href;
  } catch {
    throw new Malformed("invalid request target");
  }
  const cl = headers.get("content-length");
  let contentLength: number | undefined;
  if (cl !== null) {
    if (!/^\d{1,15}$/.test(cl)) throw new Malformed("invalid content-length");
    contentLength = Number(cl);
  }
  return { method, url, headers, contentLength };
}

const NO_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

function responseFields(res: Response): HeaderField[] {
  const fields: HeaderField[] = [[":status", String(res.status)]];
  for (const [name, value] of res.headers) {
    if (!CONNECTION_SPECIFIC.has(name)) fields.push([name, value]);
  }
  return fields;
}

/**
 * Whether `error`, thrown while reading a request stream, is a connection error (a frame or QPACK
 * error of the RFC). Anything else a read throws is the stream itself failing: the client reset it
 * (RESET_STREAM, e.g. a cancelled upload), which ends that request only (RFC 9114 §4.1.1), never
 * the other requests of the connection.
 */
function isConnectionError(error: unknown): boolean {
  if (error instanceof Http3Error) return error.wireCode !== H3.MESSAGE_ERROR;
  if (error instanceof QpackError) {
    return error.code !== H3.MESSAGE_ERROR && error.code !== H3.REQUEST_CANCELLED;
  }
  return false;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Serves one request stream to the end; never throws (connection errors go to `ctx.fail`). */
export async function serveRequest(
  stream: QuicBidirectionalStream,
  ctx: RequestContext,
): Promise<void> {
  const id = stream.readable.id;
  const reader = new StreamReader(stream.readable);
  const writer = stream.writable.getWriter();
  let bodyDone = false;
  const stop = () => {
    if (!bodyDone) reader.cancel();
    writer.close().catch(() => {});
  };
  const answer = async (res: Response) => {
    try {
      await writeResponse(writer, res, ctx, false);
    } catch { /* the peer went away */ }
    stop();
  };

  let fields: HeaderField[] | null;
  try {
    const got = await withTimeout(readHeaders(reader, ctx, id), ctx.limits.headersTimeoutMs);
    if (got === "timeout") {
      ctx.decoder.cancel(id);
      ctx.flushDecoder(); // Stream Cancellation, when the decoder has one
      return answer(problemResponse(408, {
        detail: "the request's headers did not arrive in time",
        code: "request_header_timeout",
      }));
    }
    fields = got;
  } catch (e) {
    if (e instanceof TooLarge) {
      ctx.decoder.cancel(id);
      ctx.flushDecoder(); // Stream Cancellation, when the decoder has one
      return answer(problemResponse(431, { detail: e.message, code: "header_too_large" }));
    }
    if (isConnectionError(e)) ctx.fail(e);
    else {
      ctx.decoder.cancel(id); // the client reset the stream: drop its section if it waits
      ctx.flushDecoder();
    }
    return stop();
  }
  if (fields === null) return stop(); // H3_REQUEST_INCOMPLETE: the stream ended without HEADERS

  let head: Head;
  try {
    head = requestHead(fields, ctx.limits);
  } catch (e) {
    if (e instanceof TooLarge) {
      return answer(problemResponse(431, { detail: e.message, code: "header_too_large" }));
    }
    return answer(problemResponse(400, {
      detail: `malformed HTTP/3 request: ${(e as Error).message}`,
      code: "h3_message_error",
    }));
  }

  const abort = new AbortController();
  const onClosed = () => abort.abort(new Error("connection closed"));
  ctx.closed.addEventListener("abort", onClosed, { once: true });
  const hasBody = head.method !== "GET" && head.method !== "HEAD";
  const body = hasBody
    ? requestBody(reader, head, ctx, id, () => (bodyDone = true), (e) => abort.abort(e))
    : null;
  let request: Request;
  try {
    request = new Request(head.url, {
      method: head.method,
      headers: head.headers,
      body,
      signal: abort.signal,
      // @ts-ignore: `duplex` is required for a streamed body and missing from older typings
      duplex: "half",
    });
  } catch (e) {
    ctx.closed.removeEventListener("abort", onClosed);
    return answer(problemResponse(400, {
      detail: `malformed HTTP/3 request: ${(e as Error).message}`,
      code: "h3_message_error",
    }));
  }

  let completed!: { resolve: () => void; reject: (e: unknown) => void };
  const info: Deno.ServeHandlerInfo<Deno.NetAddr> = {
    remoteAddr: ctx.remoteAddr,
    completed: new Promise<void>((resolve, reject) => (completed = { resolve, reject })),
  };
  info.completed.catch(() => {});
  let res: Response;
  try {
    res = await ctx.handler(request, info);
  } catch {
    res = problemResponse(500, { detail: "an unexpected error occurred", code: "internal_error" });
  }
  try {
    await writeResponse(writer, res, ctx, head.method === "HEAD");
    completed.resolve();
  } catch (e) {
    abort.abort(e);
    completed.reject(new Deno.errors.Interrupted("the response could not be sent"));
  } finally {
    ctx.closed.removeEventListener("abort", onClosed);
    stop();
  }
}

/** Reads up to the request's HEADERS frame; null when the stream ends first. */
async function readHeaders(
  reader: StreamReader,
  ctx: RequestContext,
  id: bigint,
): Promise<HeaderField[] | null> {
  while (true) {
    const frame = await reader.frameHeader();
    if (frame === null) return null;
    if (!frameAllowed(frame.type, "request")) {
      await reader.skip(frame.length);
      continue;
    }
    if (frame.type === FRAME.DATA) {
      throw new Http3Error(H3.FRAME_UNEXPECTED, "DATA before HEADERS");
    }
    // The encoded section is never larger than the decoded one by more than the 2-byte prefix.
    if (frame.length > ctx.limits.maxFieldSectionSize + 16) {
      throw new TooLarge(`header section larger than ${ctx.limits.maxFieldSectionSize} bytes`);
    }
    const block = await reader.bytes(frame.length);
    let fields: HeaderField[];
    try {
      fields = await ctx.decoder.decode(id, block);
    } catch (e) {
      // A section that decodes past the limit (dynamic-table references multiply a few bytes
      // into many) is a stream error (RFC 9114 §4.2.2): 431, as for a frame too large.
      if (e instanceof QpackError && e.code === H3.MESSAGE_ERROR) {
        ctx.flushDecoder(); // its Section Acknowledgment, so the peer can evict
        throw new TooLarge(`header section larger than ${ctx.limits.maxFieldSectionSize} bytes`);
      }
      throw e;
    }
    ctx.flushDecoder();
    return fields;
  }
}

/** The request body: DATA payloads pulled from the stream as the handler reads. */
function requestBody(
  reader: StreamReader,
  head: Head,
  ctx: RequestContext,
  id: bigint,
  onEnd: () => void,
  onReset: (error: unknown) => void,
): ReadableStream<Uint8Array> {
  let left = 0; // bytes of the current DATA frame not yet read
  let received = 0;
  let trailers = false;
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      try {
        while (true) {
          if (left > 0) {
            const part = await reader.upTo(left);
            left -= part.length;
            received += part.length;
            if (head.contentLength !== undefined && received > head.contentLength) {
              throw new Http3Error(H3.MESSAGE_ERROR, "body longer than content-length");
            }
            c.enqueue(part);
            return;
          }
          const frame = await reader.frameHeader();
          if (frame === null) {
            if (head.contentLength !== undefined && received !== head.contentLength) {
              throw new Http3Error(H3.MESSAGE_ERROR, "body shorter than content-length");
            }
            onEnd();
            c.close();
            return;
          }
          if (!frameAllowed(frame.type, "request")) {
            await reader.skip(frame.length);
            continue;
          }
          if (trailers) throw new Http3Error(H3.FRAME_UNEXPECTED, "frame after trailers");
          if (frame.type === FRAME.DATA) {
            left = frame.length;
            continue;
          }
          // Trailers (§4.1): decoded (the QPACK state depends on it), checked, not passed on:
          // a fetch `Request` has no trailers.
          if (frame.length > ctx.limits.maxFieldSectionSize + 16) {
            throw new Http3Error(H3.MESSAGE_ERROR, "trailer section too large");
          }
          const fields = await ctx.decoder.decode(id, await reader.bytes(frame.length));
          ctx.flushDecoder();
          if (fields.some(([n]) => n.startsWith(":"))) {
            throw new Http3Error(H3.MESSAGE_ERROR, "pseudo-header in trailers");
          }
          trailers = true;
        }
      } catch (e) {
        onEnd();
        // Our own cancel (the response went out, a body timeout or limit) ends a pending read
        // early: no frame error of the peer's, the body just ends with an error.
        if (reader.cancelled) return c.error(e);
        if (isConnectionError(e)) ctx.fail(e);
        else if (!(e instanceof Http3Error) && !(e instanceof QpackError)) {
          ctx.decoder.cancel(id);
          ctx.flushDecoder();
          onReset(e); // request.signal aborts, as over TCP when the client goes away
        }
        reader.cancel();
        c.error(e);
      }
    },
    cancel() {
      onEnd();
      ctx.decoder.cancel(id);
      ctx.flushDecoder(); // Stream Cancellation, when the decoder has one
      reader.cancel();
    },
  }, { highWaterMark: 0 });
}

/** Coalesce a DATA frame's header with its payload up to this size (one write, one packet). */
const COALESCE = 64 * 1024;

/** Writes `res` as HEADERS then one DATA frame per body chunk, awaiting each write. */
async function writeResponse(
  writer: WritableStreamDefaultWriter<Uint8Array>,
  res: Response,
  ctx: RequestContext,
  head: boolean,
): Promise<void> {
  const block = ctx.encoder.encode(responseFields(res));
  await writer.write(encodeFrame(FRAME.HEADERS, block));
  if (res.body === null) return;
  if (head || NO_BODY_STATUS.has(res.status)) {
    await res.body.cancel();
    return;
  }
  const body = res.body.getReader();
  try {
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await body.read();
      } catch (e) {
        // The body failed after its headers went out. A QUIC stream of Deno cannot be reset
        // with H3_INTERNAL_ERROR, and ending it would pass a truncated body off as complete:
        // the connection is closed with that code instead.
        ctx.fail(new Http3Error(H3.INTERNAL_ERROR, "response body failed", { cause: e }));
        throw e;
      }
      const { value, done } = chunk;
      if (done) return;
      if (value.length === 0) continue;
      if (value.length <= COALESCE) {
        const frame = encodeFrame(FRAME.DATA, value.length);
        const out = new Uint8Array(frame.length + value.length);
        out.set(frame);
        out.set(value, frame.length);
        await writer.write(out);
      } else {
        await writer.write(encodeFrame(FRAME.DATA, value.length));
        await writer.write(value);
      }
    }
  } catch (e) {
    body.cancel(e).catch(() => {});
    throw e;
  }
}
