/**
 * A local Workers KV backend for plain `workerd`. A `kvNamespace` binding in a workerd config
 * points at a service, and workerd's KV binding speaks a small HTTP protocol to it
 * (`https://fake-host/<percent-encoded key>?urlencoded=true`, `GET`/`PUT`/`DELETE`, `GET /` with
 * `prefix`, `key_count_limit` and `cursor` to list, metadata in the `CF-KV-Metadata` header,
 * `expiration` / `expiration_ttl` query parameters). This worker implements that protocol over
 * an in-memory map so `examples/workers/workerd.capnp` runs the example without Cloudflare.
 *
 * It keeps data only while workerd runs and has none of the real service's replication or
 * eventual consistency: it is for local runs and tests. On Cloudflare the binding points at a
 * real KV namespace (see `wrangler.toml`).
 *
 * @module
 */

/** One stored value. */
interface Entry {
  value: Uint8Array<ArrayBuffer>;
  /** Expiration, epoch seconds (0: none). */
  expiration: number;
  /** The `CF-KV-Metadata` JSON, verbatim. */
  metadata: string | null;
}

/** KV's documented limits: 512-byte keys, 25 MiB values, 1024-byte metadata, 60 s minimum TTL. */
const MAX_KEY_BYTES = 512;
const MAX_VALUE_BYTES = 25 * 1024 * 1024;
const MAX_METADATA_BYTES = 1024;
const MIN_TTL_SECONDS = 60;
const MAX_LIST = 1000;

const store = new Map<string, Entry>();

function fail(status: number, message: string): Response {
  return new Response(message, { status, headers: { "content-type": "text/plain" } });
}

function live(key: string, nowS: number): Entry | undefined {
  const e = store.get(key);
  if (e && e.expiration !== 0 && e.expiration <= nowS) {
    store.delete(key);
    return undefined;
  }
  return e;
}

function list(url: URL, nowS: number): Response {
  const prefix = url.searchParams.get("prefix") ?? "";
  const limitText = url.searchParams.get("key_count_limit");
  const limit = limitText === null ? MAX_LIST : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) {
    return fail(400, `key_count_limit must be 1..${MAX_LIST}`);
  }
  // The cursor is the last key of the previous page; keys are listed in UTF-8 byte order,
  // which for the BMP equals JS string order.
  const after = url.searchParams.get("cursor") ?? "";
  const names = [...store.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
  const keys: Array<{ name: string; expiration?: number; metadata?: string }> = [];
  for (const name of names) {
    const e = live(name, nowS);
    if (!e) continue;
    if (keys.length === limit) break;
    keys.push({
      name,
      ...(e.expiration ? { expiration: e.expiration } : {}),
      ...(e.metadata !== null ? { metadata: e.metadata } : {}),
    });
  }
  const complete = keys.length < limit || keys[keys.length - 1].name === names[names.length - 1];
  return Response.json({
    keys,
    list_complete: complete,
    ...(complete ? {} : { cursor: keys[keys.length - 1].name }),
  });
}

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const nowS = Math.floor(Date.now() / 1000);
  if (url.pathname === "/" && request.method === "GET") return list(url, nowS);
  let key: string;
  try {
    key = decodeURIComponent(url.pathname.slice(1));
  } catch {
    return fail(400, "key is not valid percent-encoding");
  }
  if (key === "" || new TextEncoder().encode(key).length > MAX_KEY_BYTES) {
    return fail(414, `keys are 1..${MAX_KEY_BYTES} bytes`);
  }
  switch (request.method) {
    case "GET": {
      const e = live(key, nowS);
      if (!e) return fail(404, "not found");
      const headers: Record<string, string> = {};
      if (e.metadata !== null) headers["cf-kv-metadata"] = e.metadata;
      if (e.expiration) headers["expiration"] = String(e.expiration);
      return new Response(e.value, { headers });
    }
    case "PUT": {
      let expiration = 0;
      const ttl = url.searchParams.get("expiration_ttl");
      const at = url.searchParams.get("expiration");
      if (ttl !== null) {
        const n = Number(ttl);
        if (!Number.isInteger(n) || n < MIN_TTL_SECONDS) {
          return fail(400, `expiration_ttl must be an integer >= ${MIN_TTL_SECONDS}`);
        }
        expiration = nowS + n;
      } else if (at !== null) {
        const n = Number(at);
        if (!Number.isInteger(n) || n < nowS + MIN_TTL_SECONDS) {
          return fail(400, `expiration must be at least ${MIN_TTL_SECONDS} s in the future`);
        }
        expiration = n;
      }
      const metadata = request.headers.get("cf-kv-metadata");
      if (metadata !== null && new TextEncoder().encode(metadata).length > MAX_METADATA_BYTES) {
        return fail(413, `metadata is limited to ${MAX_METADATA_BYTES} bytes`);
      }
      const declared = Number(request.headers.get("content-length") ?? "0");
      if (declared > MAX_VALUE_BYTES) return fail(413, "value too large");
      const value = new Uint8Array(await request.arrayBuffer());
      if (value.length > MAX_VALUE_BYTES) return fail(413, "value too large");
      store.set(key, { value, expiration, metadata });
      return new Response(null, { status: 200 });
    }
    case "DELETE":
      store.delete(key);
      return new Response(null, { status: 200 });
    default:
      return fail(405, "method not allowed");
  }
}

/**
 * The service's fetch handler (`export default` of the bundled module).
 *
 * @example
 * ```ts
 * import localKv from "./local_kv.ts";
 * await localKv.fetch(new Request("https://fake-host/k?urlencoded=true", { method: "PUT", body: "v" }));
 * const res = await localKv.fetch(new Request("https://fake-host/k?urlencoded=true"));
 * console.log(await res.text()); // "v"
 * ```
 */
const localKv: { fetch(request: Request): Promise<Response> } = { fetch: handle };
export default localKv;
