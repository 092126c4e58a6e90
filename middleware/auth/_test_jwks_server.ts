// A JWKS endpoint that fails in every way an issuer can, for the JWKS tests: a raw HTTP/1.1
// server on 127.0.0.1:0 (raw, so it can also drop connections) that counts the requests it
// receives. Every response closes its connection, so one fetch is one connection and one count.

import type { JWK } from "jose";

/** How the endpoint answers. */
export type JwksMode =
  | "ok"
  | "500"
  | "reset"
  | "garbage"
  | "oversize"
  | "redirect";

/** Every failing mode. */
export const FAILING_MODES: readonly JwksMode[] = [
  "500",
  "reset",
  "garbage",
  "oversize",
  "redirect",
];

/** A running endpoint. */
export interface HostileJwks extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/.well-known/jwks.json`. */
  readonly url: string;
  /** Requests received so far (a followed redirect counts twice). */
  fetches(): number;
  /** Changes how later requests are answered. */
  setMode(mode: JwksMode): void;
  /** Changes the keys served in mode `ok` (and at the redirect target). */
  setKeys(keys: JWK[]): void;
  /** Stops listening and waits for open connections to finish. */
  close(): Promise<void>;
}

const encoder = new TextEncoder();

async function readHead(conn: Deno.Conn): Promise<string | null> {
  const buf = new Uint8Array(16 * 1024);
  let used = 0;
  while (used < buf.length) {
    const n = await conn.read(buf.subarray(used));
    if (n === null) return null;
    used += n;
    const text = new TextDecoder().decode(buf.subarray(0, used));
    if (text.includes("\r\n\r\n")) return text;
  }
  return null;
}

function response(status: string, headers: string[], body: string): Uint8Array {
  const head = [`HTTP/1.1 ${status}`, ...headers, "connection: close"];
  if (body !== "") head.push(`content-length: ${encoder.encode(body).byteLength}`);
  return encoder.encode(`${head.join("\r\n")}\r\n\r\n${body}`);
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await conn.write(bytes.subarray(at));
}

/** Starts the endpoint, serving `keys` in mode `ok`. */
export function hostileJwks(keys: JWK[], mode: JwksMode = "ok"): HostileJwks {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let count = 0;
  let current = mode;
  let served = keys;
  const open = new Set<Promise<void>>();

  async function handle(conn: Deno.Conn): Promise<void> {
    try {
      const head = await readHead(conn);
      if (head === null) return;
      count++;
      const target = head.slice(0, head.indexOf("\r\n")).split(" ")[1] ?? "/";
      const json = JSON.stringify({ keys: served });
      const m = target.startsWith("/real") ? "ok" : current;
      switch (m) {
        case "ok":
          await writeAll(conn, response("200 OK", ["content-type: application/json"], json));
          break;
        case "500":
          await writeAll(conn, response("500 Internal Server Error", [], "issuer down"));
          break;
        case "reset":
          break; // close without a byte of response
        case "garbage":
          await writeAll(
            conn,
            response("200 OK", ["content-type: application/json"], "<html>{keys: ["),
          );
          break;
        case "oversize": {
          // No content-length: the body is cut off only by the reader's size cap.
          await writeAll(
            conn,
            encoder.encode(
              "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n" +
                "connection: close\r\n\r\n",
            ),
          );
          const chunk = encoder.encode(" ".repeat(64 * 1024));
          for (let i = 0; i < 64; i++) await writeAll(conn, chunk); // 4 MiB, if read
          break;
        }
        case "redirect":
          await writeAll(
            conn,
            response("302 Found", [`location: http://127.0.0.1:${port}/real`], ""),
          );
          break;
      }
    } catch {
      // The client hung up (e.g. it stopped reading an oversize body).
    } finally {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  }

  const accepting = (async () => {
    for await (const conn of listener) {
      const p = handle(conn);
      open.add(p);
      p.finally(() => open.delete(p));
    }
  })().catch(() => {});

  const close = async () => {
    try {
      listener.close();
    } catch {
      // closed before
    }
    await accepting;
    await Promise.all([...open]);
  };
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    fetches: () => count,
    setMode: (m) => (current = m),
    setKeys: (k) => (served = k),
    close,
    [Symbol.asyncDispose]: close,
  };
}
