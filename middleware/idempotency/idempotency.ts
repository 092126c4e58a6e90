/**
 * `idempotency()`: server-side `Idempotency-Key` handling (draft-ietf-httpapi-idempotency-key-header).
 * The first POST/PATCH with a key runs and its response is stored; repeats get the stored
 * response with `Idempotent-Replayed: true`; a duplicate while the first is in flight gets 409;
 * a key reused with a different request gets 422.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { concatChunks } from "@avila/compress";
import { HttpProblem } from "../../http/problem.ts";
import {
  type IdempotencyStore,
  IdempotencyStoreError,
  MemoryIdempotencyStore,
  type StoredResponse,
} from "./store.ts";
import { bodyState, type HandlerOutcome, outcomeOf, readUpTo, trackBody } from "../../http/mod.ts";
import { appRuntime } from "../../http/runtime.ts";

/** Options; every field has a default. */
export interface IdempotencyOptions {
  /** Where records live; default a new `MemoryIdempotencyStore()` (per process). */
  store?: IdempotencyStore;
  /** How long a finished response is replayed, in ms; default 24 h. */
  ttlMs?: number;
  /** How long an in-flight key stays locked if never completed, in ms; default 60 s. */
  lockMs?: number;
  /** Methods deduplicated; default POST and PATCH. */
  methods?: readonly string[];
  /** Reject requests of those methods without a key (400); default false. */
  required?: boolean;
  /** Longest request body fingerprinted, in bytes (413 past it); default 10 MiB. */
  maxRequestBytes?: number;
  /** Longest response body kept for replay, in bytes; default 1 MiB (larger: see below). */
  maxResponseBytes?: number;
  /** Store 5xx responses too (default false: a 5xx releases the key so a retry runs again). */
  storeServerErrors?: boolean;
  /**
   * Who owns the key: keys of different callers never collide. Default: the authenticated
   * principal's tenant and subject (`c.get("principal")`, set by `auth()`), so the same caller
   * is one owner whichever header carried its credential; with no principal, the `Authorization`
   * or `X-AVL-API-Key` header (hashed, never stored in clear), else anonymous.
   */
  scope?: (c: Context) => string;
  /** Clock in ms; default `Date.now`. */
  now?: () => number;
}

/** Header marking a replayed response. */
export const IDEMPOTENT_REPLAYED_HEADER = "Idempotent-Replayed";

const KEY_DOC = "https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/";
const encoder = new TextEncoder();

/**
 * Parses an `Idempotency-Key` value: an sf-string (`"abc"`, RFC 9651 §3.3.3) as the draft
 * specifies, or a bare token for lenient clients. Printable ASCII, 1..255 characters.
 *
 * @example
 * ```ts
 * import { parseIdempotencyKey } from "./idempotency.ts";
 * console.log(parseIdempotencyKey('"8e03978e-40d5"')); // "8e03978e-40d5"
 * console.log(parseIdempotencyKey('"unterminated')); // null
 * ```
 */
export function parseIdempotencyKey(value: string): string | null {
  const v = value.trim();
  let key = "";
  if (v.startsWith('"')) {
    let i = 1;
    let closed = false;
    for (; i < v.length; i++) {
      const ch = v.charCodeAt(i);
      if (ch === 0x5c) {
        const next = v[++i];
        if (next !== '"' && next !== "\\") return null;
        key += next;
      } else if (ch === 0x22) {
        closed = true;
        break;
      } else if (ch < 0x20 || ch > 0x7e) return null;
      else key += v[i];
    }
    if (!closed || i !== v.length - 1) return null;
  } else {
    if (!/^[\x21-\x7e]+$/.test(v) || v.includes('"')) return null;
    key = v;
  }
  return key.length >= 1 && key.length <= 255 ? key : null;
}

async function sha256Hex(parts: Uint8Array[]): Promise<string> {
  const all = concatChunks(parts) as Uint8Array<ArrayBuffer>;
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  let s = "";
  for (const b of d) s += b.toString(16).padStart(2, "0");
  return s;
}

/**
 * The caller who owns a key: the authenticated principal (tenant and subject, from the `principal`
 * context variable auth sets), so one caller's key means the same whichever way it sent its
 * credential; without auth, the raw credential header; else anonymous. The prefixes keep the
 * three apart (header values never contain NUL).
 */
function defaultScope(c: Context): string {
  const p = c.get("principal") as { tenant?: unknown; subject?: unknown } | undefined;
  if (p !== undefined && typeof p.tenant === "string" && typeof p.subject === "string") {
    return `principal\0${p.tenant}\0${p.subject}`;
  }
  const raw = c.req.header("authorization") ?? c.req.header("x-avl-api-key");
  return raw === undefined ? "anonymous" : `credential\0${raw}`;
}

function replay(stored: StoredResponse): Response {
  const headers = new Headers();
  for (const [k, v] of stored.headers) headers.append(k, v);
  headers.set(IDEMPOTENT_REPLAYED_HEADER, "true");
  if (stored.bodyOmitted) {
    headers.delete("content-length");
    headers.delete("content-encoding");
    headers.set("Idempotent-Body-Omitted", "true");
  }
  const nullBody = stored.status === 204 || stored.status === 304 || stored.body === null;
  return new Response(nullBody ? null : stored.body as Uint8Array<ArrayBuffer>, {
    status: stored.status,
    headers,
  });
}

/**
 * Renews an in-flight key's lock every third of `lockMs` while its request runs (when the store
 * can: `refresh`), so that only a holder that died lets its lock lapse. Returns the stop.
 */
function keepLocked(
  store: IdempotencyStore,
  key: string,
  fingerprint: string,
  lockMs: number,
  now: () => number,
): () => void {
  if (store.refresh === undefined || !(lockMs > 0 && lockMs < Infinity)) return () => {};
  const timer = setInterval(() => {
    try {
      const done = store.refresh!(key, fingerprint, now(), lockMs);
      if (done instanceof Promise) done.catch(() => {});
    } catch {
      // The next renewal tries again; two failing in a row let the lock lapse, as if we died.
    }
  }, Math.max(1, Math.floor(lockMs / 3)));
  // A renewal never keeps the process alive on its own (a handler that never settles would).
  (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(
    timer as unknown as number,
  );
  return () => clearInterval(timer);
}

/** A body that paused before its end: the parts read, the read under way, the rest to come. */
interface Paused {
  head: Uint8Array[];
  size: number;
  reader: ReadableStreamDefaultReader<Uint8Array>;
  pending?: Promise<ReadableStreamReadResult<Uint8Array>>;
}

/** "later" on the next macrotask: a read that has not resolved by then waits on its source. */
function nextTick(): Promise<"later"> {
  return new Promise((resolve) => setTimeout(resolve, 0, "later"));
}

/** A body read for replay: whole, past the limit (all of it as a stream), or paused. */
type Ready =
  | { bytes: Uint8Array; stream?: undefined; paused?: undefined }
  | { bytes: null; stream: ReadableStream<Uint8Array>; paused?: undefined }
  | { paused: Paused; bytes?: undefined; stream?: undefined };

/**
 * `readUpTo`, but only while the body has its next part ready: each read is raced against a
 * macrotask. A body that pauses before its end comes back `paused` (its headers then go out at
 * once, in time for an outer deadline).
 */
async function readReady(stream: ReadableStream<Uint8Array>, limit: number): Promise<Ready> {
  const reader = stream.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const pending = reader.read();
    const r = await Promise.race([pending, nextTick()]);
    if (r === "later") return { paused: { head, size, reader, pending } };
    if (r.done) return { bytes: concatChunks(head) };
    head.push(r.value);
    size += r.value.byteLength;
    if (size > limit) {
      return {
        bytes: null,
        stream: recordingStream({ head, size, reader }, limit, async () => {}),
      };
    }
  }
}

/**
 * The body of `paused` from its start, keeping up to `limit` bytes; `onEnd` gets the bytes when
 * the body ends within the limit, null past it or when the client cancels, undefined when the
 * body fails. The stream ends (or fails) only after `onEnd` settled.
 */
function recordingStream(
  paused: Paused,
  limit: number,
  onEnd: (body: Uint8Array | null | undefined) => Promise<void>,
): ReadableStream<Uint8Array> {
  const { head, reader } = paused;
  let pending = paused.pending;
  let kept: Uint8Array[] | null = paused.size <= limit ? [...head] : null;
  let total = paused.size;
  let ended = false;
  return new ReadableStream<Uint8Array>({
    start(ctl) {
      for (const part of head) ctl.enqueue(part);
      head.length = 0;
    },
    async pull(ctl) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await (pending ?? reader.read());
      } catch (e) {
        if (!ended) {
          ended = true;
          await onEnd(undefined);
        }
        throw e;
      } finally {
        pending = undefined;
      }
      // Cancelled meanwhile: the outcome was given then (a read cut short is not the end).
      if (ended) return;
      if (r.done) {
        ended = true;
        await onEnd(kept === null ? null : concatChunks(kept));
        return ctl.close();
      }
      total += r.value.byteLength;
      if (kept !== null) {
        if (total > limit) kept = null;
        else kept.push(r.value);
      }
      ctl.enqueue(r.value);
    },
    async cancel(reason) {
      if (!ended) {
        ended = true;
        await onEnd(null);
      }
      await reader.cancel(reason);
    },
  });
}

/**
 * Idempotency-Key middleware.
 *
 * Behaviour per draft-ietf-httpapi-idempotency-key-header §2.6: the fingerprint is SHA-256 of
 * method, path with query, and body; keys are scoped to the caller. Responses of 5xx (and
 * thrown errors) release the key, so the client's retry runs the handler again: a handler must
 * not leave committed effects behind a 5xx. Responses larger than `maxResponseBytes` are passed
 * through and remembered without their body: a repeat gets the status and headers with an empty
 * body and `Idempotent-Body-Omitted: true` (the effect is still never repeated). Handlers should
 * read the body through `c.req` (`json()`, `arrayBuffer()`...), which Hono caches; this
 * middleware has already consumed `c.req.raw`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { idempotency } from "@avila/avx-http/middleware";
 * let orders = 0;
 * const app = new Hono();
 * app.use("/orders", idempotency({ ttlMs: 3_600_000 }));
 * app.post("/orders", async (c) => c.json({ order: ++orders, ...(await c.req.json()) }, 201));
 * const init = { method: "POST", headers: { "idempotency-key": '"k-1"' }, body: '{"qty":2}' };
 * await app.request("/orders", init);
 * const again = await app.request("/orders", init);
 * console.log(again.headers.get("idempotent-replayed"), orders); // "true" 1
 * ```
 */
export function idempotency(options: IdempotencyOptions = {}): MiddlewareHandler {
  const store = options.store ?? new MemoryIdempotencyStore();
  const ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  const lockMs = options.lockMs ?? 60_000;
  const methods = new Set((options.methods ?? ["POST", "PATCH"]).map((m) => m.toUpperCase()));
  const required = options.required ?? false;
  const maxRequest = options.maxRequestBytes ?? 10 * 1024 * 1024;
  const maxResponse = options.maxResponseBytes ?? 1024 * 1024;
  const storeServerErrors = options.storeServerErrors ?? false;
  const scope = options.scope ?? defaultScope;
  const now = options.now ?? Date.now;

  return async function idempotency(c, next) {
    const method = c.req.method;
    if (!methods.has(method)) return next();
    const header = c.req.header("idempotency-key");
    if (header === undefined) {
      if (!required) return next();
      throw new HttpProblem(400, {
        type: KEY_DOC,
        title: "Idempotency-Key required",
        detail: `${method} ${c.req.path} needs an Idempotency-Key header`,
        code: "idempotency_key_required",
      });
    }
    const key = parseIdempotencyKey(header);
    if (key === null) {
      throw new HttpProblem(400, {
        type: KEY_DOC,
        title: "Invalid Idempotency-Key",
        detail: "the key must be a quoted string of 1 to 255 printable ASCII characters",
        code: "idempotency_key_invalid",
      });
    }
    const declared = Number(c.req.header("content-length"));
    if (Number.isFinite(declared) && declared > maxRequest) {
      throw new HttpProblem(413, {
        detail: `idempotent requests are limited to ${maxRequest} bytes`,
        code: "body_too_large",
      });
    }
    // Bound the read itself: a chunked body declares no length, and reading it whole before the
    // check would buffer whatever the client sends (under `Server` the body is tracked already).
    if (bodyState(c.req.raw) === undefined) c.req.raw = trackBody(c.req.raw, { limit: maxRequest });
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (body.byteLength > maxRequest) {
      throw new HttpProblem(413, {
        detail: `idempotent requests are limited to ${maxRequest} bytes`,
        code: "body_too_large",
      });
    }
    const url = new URL(c.req.url);
    const fingerprint = await sha256Hex([
      encoder.encode(`${method} ${url.pathname}${url.search}\n`),
      body,
    ]);
    const owner = encoder.encode(scope(c));
    const storeKey = await sha256Hex([owner, new Uint8Array(1), encoder.encode(key)]);

    let begun;
    try {
      // The owner as a hash too: a store never holds a credential in clear.
      begun = await store.begin(storeKey, fingerprint, now(), lockMs, await sha256Hex([owner]));
    } catch (e) {
      if (e instanceof IdempotencyStoreError) {
        throw new HttpProblem(503, {
          detail: e.code === "store_full"
            ? "too many idempotent requests in flight"
            : "the idempotency store is unavailable; try again shortly",
          code: "idempotency_unavailable",
        }, {
          "retry-after": "1",
        });
      }
      throw e;
    }
    if (begun.outcome === "existing") {
      const record = begun.record;
      if (record.fingerprint !== fingerprint) {
        throw new HttpProblem(422, {
          type: KEY_DOC,
          title: "Idempotency-Key reused",
          detail: "this key was already used with a different request",
          code: "idempotency_key_reused",
        });
      }
      if (record.state === "in_flight") {
        throw new HttpProblem(409, {
          type: KEY_DOC,
          title: "Request in progress",
          detail: "a request with this Idempotency-Key is still being processed",
          code: "idempotency_in_progress",
        }, { "retry-after": "1" });
      }
      return replay(record.response);
    }

    // Releases free this hold only: if its lock lapsed and another request took the key, a
    // release here must not free that request's hold (a third run would follow).
    const lock = begun.lock;
    // Hold the key for as long as the handler runs, however long that is: a lock that expired
    // under a slow handler would let a retry run it a second time.
    const stopRefresh = keepLocked(store, storeKey, fingerprint, lockMs, now);
    // Whether a layer outside this one watches the handler's outcome (a timeout that may answer
    // first): our own `next()` still ends only when the handler has.
    const watchedOutside = outcomeOf(c) !== undefined;
    let handedOff = false;
    try {
      await next();
      const o = outcomeOf(c);
      if (o?.answeredEarly) {
        // The client got another layer's answer (a timeout's 503) and `c.res` is that answer,
        // not the handler's. The key stays held until the handler's own outcome is known; that
        // outcome is what a retry then gets.
        if (!watchedOutside && !o.settled) {
          handedOff = true;
          const concluded = o.finished.then(() => conclude(o, storeKey, fingerprint, lock));
          // A graceful shutdown waits until the handler's outcome is recorded.
          appRuntime(c)?.holdDrain(concluded);
          void concluded.finally(stopRefresh);
          return;
        }
        await conclude(o, storeKey, fingerprint, lock);
        return;
      }
      const res = c.res;
      // A 5xx means the effect most likely did not happen: release so a retry runs again.
      if (res.status >= 500 && (!storeServerErrors || c.error !== undefined)) {
        await store.release(storeKey, lock);
        return;
      }
      // A stream that pauses (SSE, NDJSON) goes to the client as it comes; its record is written
      // when it ends, before the client sees the end, and the key is held until then. A stream
      // that fails releases the key (as a throw does); one the client cancels is recorded
      // without its body (its status was the handler's answer).
      let recorded!: () => void;
      const done = new Promise<void>((r) => (recorded = r));
      const kept = await keep(res, async (status, headers, body) => {
        try {
          if (body === undefined) await store.release(storeKey, lock);
          else {
            const stored = { status, headers, body, bodyOmitted: body === null };
            await store.complete(storeKey, fingerprint, stored, now(), ttlMs, lock);
          }
        } catch {
          // As when complete fails at once: the key stays held until `lockMs`.
        } finally {
          recorded();
        }
      });
      if (kept.live !== undefined) {
        handedOff = true;
        c.res = kept.live;
        // A graceful shutdown waits until the stream's record is written.
        appRuntime(c)?.holdDrain(done.finally(stopRefresh));
        return;
      }
      if (kept.body !== undefined) c.res = kept.body;
      try {
        await store.complete(storeKey, fingerprint, kept.stored, now(), ttlMs, lock);
      } catch {
        // The handler's effect happened: its answer stands. The key stays locked (a retry gets
        // 409) until `lockMs`; releasing it would let a retry run the handler a second time.
        return;
      }
    } catch (e) {
      await store.release(storeKey, lock);
      throw e;
    } finally {
      if (!handedOff) stopRefresh();
    }
  };

  /**
   * The response as stored for replay, and the response to send on when its body was read. With
   * `recordLive`, a body that pauses before its end is not waited for: `live` is then the response
   * that streams it on, and `recordLive` is called with its outcome when it ends (the bytes; null
   * when past `maxResponseBytes` or cancelled by the client; undefined when the body failed),
   * before the client sees the end.
   */
  async function keep(
    res: Response,
    recordLive?: (
      status: number,
      headers: StoredResponse["headers"],
      body?: Uint8Array | null,
    ) => Promise<void>,
  ): Promise<{ stored: StoredResponse; body?: Response; live?: Response }> {
    const headers: Array<[string, string]> = [];
    res.headers.forEach((v, k) => {
      if (k !== "set-cookie" && k !== "date") headers.push([k, v]);
    });
    for (const cookie of res.headers.getSetCookie()) headers.push(["set-cookie", cookie]);
    const status = res.status;
    if (res.body === null) {
      return { stored: { status, headers, body: null, bodyOmitted: false } };
    }
    const got: Ready = recordLive === undefined
      ? await readUpTo(res.body, maxResponse)
      : await readReady(res.body, maxResponse);
    const omitted: StoredResponse = { status, headers, body: null, bodyOmitted: true };
    if (got.paused !== undefined) {
      const stream = recordingStream(
        got.paused,
        maxResponse,
        (body) => recordLive!(status, headers, body),
      );
      return { stored: omitted, live: new Response(stream, res) };
    }
    if (got.bytes !== null) {
      return {
        stored: { status, headers, body: got.bytes, bodyOmitted: false },
        body: new Response(got.bytes as Uint8Array<ArrayBuffer>, res),
      };
    }
    return { stored: omitted, body: new Response(got.stream, res) };
  }

  /**
   * Records the handler's own outcome of a request another layer answered: its response (a 5xx
   * or a throw releases the key, as when it answers itself); when it is unknown (a plain Hono
   * app, where nothing records the handler's response), the key stays held until `lockMs`.
   */
  async function conclude(
    o: HandlerOutcome,
    storeKey: string,
    fingerprint: string,
    lock: string | undefined,
  ): Promise<void> {
    const res = o.response;
    try {
      if (o.failed || (res !== undefined && res.status >= 500 && !storeServerErrors)) {
        await store.release(storeKey, lock);
        return;
      }
      if (res === undefined) return;
      const kept = await keep(res);
      // Nobody else reads this response: drop what was not kept.
      await kept.body?.body?.cancel().catch(() => {});
      await store.complete(storeKey, fingerprint, kept.stored, now(), ttlMs);
    } catch {
      await Promise.resolve(store.release(storeKey, lock)).catch(() => {});
    }
  }
}
