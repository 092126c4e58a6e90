// Test helpers for HTTP/3: a throwaway ECDSA P-256 certificate for 127.0.0.1 (made with openssl,
// once per process), and gtlsclient (ngtcp2/nghttp3, Debian `ngtcp2-client`) run with a deadline.

/** A PEM certificate and key for 127.0.0.1, and the base64 SHA-256 of its SPKI (for Chromium). */
export interface TestCert {
  cert: string;
  key: string;
  spki: string;
  certPath: string;
  keyPath: string;
}

let made: Promise<TestCert> | undefined;

/** Runs openssl; a failure throws with its stderr, a missing binary names tools/test_deps.ts. */
async function openssl(args: string[], stdin?: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const out = await run("openssl", args, stdin);
  if (out.code !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${out.stderr}`);
  return out.stdout;
}

/**
 * Listen options for a test server: TCP and HTTP/3 on a free 127.0.0.1 port, quiet, no signals;
 * `http3` is `true` (default limits) or the limits under test.
 */
export function h3Listen(
  pem: { cert: string; key: string },
  http3: NonNullable<ListenOptions["http3"]> = true,
): ListenOptions {
  return {
    hostname: "127.0.0.1",
    port: 0,
    cert: pem.cert,
    key: pem.key,
    http3,
    handleSignals: false,
    onListen() {},
  };
}

/** A test server on HTTP/3 (and TCP); `await using` shuts it down. */
export interface H3TestServer extends AsyncDisposable {
  server: RunningServer;
  port: number;
}

/** Serves `fetch` with {@link h3Listen}'s options and the test certificate. */
export async function h3Serve(
  fetch: (req: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>,
  http3: NonNullable<ListenOptions["http3"]> = true,
): Promise<H3TestServer> {
  const server = serve({ fetch }, h3Listen(await testCert(), http3));
  return {
    server,
    port: server.address.port,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** The test certificate (valid 30 days from now, so it never expires under a test). */
export function testCert(): Promise<TestCert> {
  return made ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "avx-h3-cert-" });
    const certPath = `${dir}/cert.pem`, keyPath = `${dir}/key.pem`;
    await openssl([
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      keyPath,
      "-out",
      certPath,
      "-days",
      "30",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-addext",
      "basicConstraints=critical,CA:FALSE", // a leaf: rustls refuses a CA as the end entity
    ]);
    const cert = await Deno.readTextFile(certPath);
    const der = await openssl(["x509", "-in", certPath, "-pubkey", "-noout"]);
    const spkiDer = await openssl(["pkey", "-pubin", "-outform", "DER"], der);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", spkiDer));
    const spki = btoa(String.fromCharCode(...digest));
    return { cert, key: await Deno.readTextFile(keyPath), spki, certPath, keyPath };
  })();
}

/** What a gtlsclient run left: its exit status and the downloaded files by name. */
export interface ClientRun {
  code: number;
  files: Map<string, Uint8Array>;
  output: string;
}

/**
 * Runs gtlsclient against 127.0.0.1:`port` for `paths`, downloading each response into a temp
 * folder (a file per last path segment), killed after `timeoutMs`.
 */
export async function gtlsclient(
  port: number,
  paths: string[],
  options: { args?: string[]; timeoutMs?: number; verbose?: boolean } = {},
): Promise<ClientRun> {
  const dir = await Deno.makeTempDir({ prefix: "avx-h3-dl-" });
  const child = new Deno.Command("gtlsclient", {
    args: [
      ...(options.verbose ? [] : ["-q"]),
      "--exit-on-all-streams-close",
      "--timeout=20s",
      "--download",
      dir,
      ...(options.args ?? []),
      "127.0.0.1",
      String(port),
      ...paths.map((p) => `https://127.0.0.1:${port}${p}`),
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
  const out = await child.output();
  clearTimeout(timer);
  const files = new Map<string, Uint8Array>();
  for await (const e of Deno.readDir(dir)) {
    files.set(e.name, await Deno.readFile(`${dir}/${e.name}`));
  }
  await Deno.remove(dir, { recursive: true });
  const output = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, files, output };
}

import assert from "node:assert/strict";
import { type ListenOptions, type RunningServer, serve } from "../listen.ts";
import { run } from "../_test_util.ts";
import { concatChunks } from "@avila/compress";
import { encodeFrame, FRAME, StreamReader } from "./_frames.ts";
import { type HeaderField, QpackDecoder, QpackEncoder } from "./qpack/mod.ts";

/** A HEADERS frame carrying `fields` (static-table QPACK). */
export const headers = (fields: HeaderField[]): Uint8Array =>
  encodeFrame(FRAME.HEADERS, new QpackEncoder().encode(fields));

/** The bytes of `parts`, one after the other. */
export const cat = (...parts: Uint8Array[]): Uint8Array => concatChunks(parts);

/** The status and body of a response read off a request stream. */
export async function parse(
  bytes: Uint8Array,
): Promise<{ status: number; body: string } | undefined> {
  if (bytes.length === 0) return undefined;
  const r = new StreamReader(new Blob([bytes.slice()]).stream());
  const decoder = new QpackDecoder({
    maxTableCapacity: 0,
    maxBlockedStreams: 0,
    maxFieldSectionSize: 1 << 16,
  });
  const h = await r.frameHeader();
  assert.equal(h?.type, FRAME.HEADERS);
  const fields = await decoder.decode(0n, await r.bytes(h!.length));
  let body = "";
  for (let f = await r.frameHeader(); f !== null; f = await r.frameHeader()) {
    body += new TextDecoder().decode(await r.bytes(f.length));
  }
  return { status: Number(fields.find(([n]) => n === ":status")![1]), body };
}

/** A raw HTTP/3 client over `Deno.connectQuic`, for frames no real client would send. */
export class RawH3 {
  readonly conn: Deno.QuicConn;
  /** The close code once the server closed the connection (undefined while open). */
  closeCode: number | undefined;
  readonly closed: Promise<number>;
  /** Our streams, kept referenced: a collected stream would be closed (FIN) behind our back. */
  readonly #streams: WritableStreamDefaultWriter<Uint8Array>[] = [];
  #control: WritableStreamDefaultWriter<Uint8Array> | undefined;

  private constructor(conn: Deno.QuicConn) {
    this.conn = conn;
    this.closed = conn.closed.then((i) => (this.closeCode = i.closeCode), () => -1);
  }

  /** Connects and, unless `settings` is false, opens a control stream with empty SETTINGS. */
  static async connect(port: number, settings = true): Promise<RawH3> {
    const { cert } = await testCert();
    const conn = await Deno.connectQuic({
      hostname: "127.0.0.1",
      port,
      alpnProtocols: ["h3"],
      caCerts: [cert],
    });
    const raw = new RawH3(conn);
    if (settings) raw.#control = await raw.uni(new Uint8Array([0x00, 0x04, 0x00]));
    return raw;
  }

  /** Opens a unidirectional stream and writes `bytes` on it (kept open unless `close`). */
  async uni(bytes: Uint8Array, close = false): Promise<WritableStreamDefaultWriter<Uint8Array>> {
    const s = await this.conn.createUnidirectionalStream();
    const w = s.getWriter();
    this.#streams.push(w);
    await w.write(bytes);
    if (close) await w.close();
    return w;
  }

  /** Frames the server sent on its control stream (type, payload), read as they come. */
  serverControl(): { frames: [number, Uint8Array][]; ready: Promise<void> } {
    const frames: [number, Uint8Array][] = [];
    const ready = (async () => {
      for await (const s of this.conn.incomingUnidirectionalStreams) {
        const r = new StreamReader(s);
        if ((await r.varint()) !== 0x00) continue;
        void (async () => {
          try {
            for (let h = await r.frameHeader(); h !== null; h = await r.frameHeader()) {
              frames.push([h.type, (await r.bytes(h.length)).slice()]);
            }
          } catch { /* closed */ }
        })();
        return;
      }
    })();
    return { frames, ready };
  }

  /** Writes more bytes on our control stream. */
  async control(bytes: Uint8Array): Promise<void> {
    await this.#control!.write(bytes);
  }

  /**
   * Sends `bytes` on a new request stream (then FIN unless `keepOpen`) and reads the response
   * bytes until the server ends the stream or the connection closes.
   */
  async request(bytes: Uint8Array, keepOpen = false): Promise<Uint8Array> {
    const s = await this.conn.createBidirectionalStream();
    const w = s.writable.getWriter();
    this.#streams.push(w);
    await w.write(bytes);
    if (!keepOpen) await w.close().catch(() => {});
    const chunks: Uint8Array[] = [];
    try {
      for await (const c of s.readable) chunks.push(c);
    } catch { /* reset or connection closed */ }
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) out.set(c, (o += c.length) - c.length);
    return out;
  }

  close(): void {
    try {
      this.conn.close({ closeCode: 0x100, reason: "" });
    } catch { /* closed */ }
  }
}
