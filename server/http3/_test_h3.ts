// Test helpers for HTTP/3: a throwaway ECDSA P-256 certificate for 127.0.0.1 (made with openssl,
// once per process), and gtlsclient (ngtcp2/nghttp3, Debian `ngtcp2-client`) run with a deadline.

/** A PEM certificate and key for 127.0.0.1, and the base64 SHA-256 of its SPKI (for Chromium). */
export interface TestCert {
  cert: string;
  key: string;
  spki: string;
  certPath: string;
}

let made: Promise<TestCert> | undefined;

async function run(
  cmd: string,
  args: string[],
  stdin?: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const p = new Deno.Command(cmd, {
    args,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin) {
    const w = p.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  const out = await p.output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return out.stdout;
}

/** The test certificate (valid 30 days from now, so it never expires under a test). */
export function testCert(): Promise<TestCert> {
  return made ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "avx-h3-cert-" });
    const certPath = `${dir}/cert.pem`, keyPath = `${dir}/key.pem`;
    await run("openssl", [
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
    const der = await run("openssl", ["x509", "-in", certPath, "-pubkey", "-noout"]);
    const spkiDer = await run("openssl", ["pkey", "-pubin", "-outform", "DER"], der);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", spkiDer));
    const spki = btoa(String.fromCharCode(...digest));
    return { cert, key: await Deno.readTextFile(keyPath), spki, certPath };
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
