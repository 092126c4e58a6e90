// Test helpers: serve an app on an ephemeral loopback port and stop it afterwards.

import assert from "node:assert/strict";
import type { AvxApp } from "./app.ts";
import type { RunningServer } from "./listen.ts";

export interface TestServer extends AsyncDisposable {
  url: string;
  server: RunningServer;
}

export function listenLocal(
  app: AvxApp,
  options: { cert?: string; key?: string; shutdownTimeoutMs?: number } = {},
): TestServer {
  const server = app.listen({
    hostname: "127.0.0.1",
    port: 0,
    handleSignals: false,
    onListen: () => {},
    ...options,
  });
  return {
    url: server.address.url,
    server,
    async [Symbol.asyncDispose]() {
      await server.shutdown({ timeoutMs: 2000 });
    },
  };
}

/**
 * Spawns `cmd`; a missing tool fails loudly, naming where the test suite installs it.
 *
 * @example
 * ```ts ignore
 * const child = spawnTool("zstd", { args: ["-V"], stdout: "piped" });
 * console.log((await child.output()).success); // true
 * ```
 */
export function spawnTool(cmd: string, options: Deno.CommandOptions): Deno.ChildProcess {
  try {
    return new Deno.Command(cmd, options).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(
        `required tool "${cmd}" is not installed (deno task test installs it: tools/test_deps.ts)`,
      );
    }
    throw e;
  }
}

/** Runs a command and returns stdout; fails loudly when the tool is missing. */
export async function run(
  cmd: string,
  args: string[],
  stdin?: Uint8Array,
): Promise<{ code: number; stdout: Uint8Array<ArrayBuffer>; stderr: string }> {
  const child = spawnTool(cmd, {
    args,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  });
  if (stdin) {
    const w = child.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  const out = await child.output();
  return { code: out.code, stdout: out.stdout, stderr: new TextDecoder().decode(out.stderr) };
}

/** What V8's scavenges (young-generation collections) kept, from `--trace-gc-nvp`. */
export interface ScavengeStats {
  /** Scavenges measured (the first fifth, the warm-up, is left out). */
  scavenges: number;
  /** Mean share of the young generation that survived a scavenge, in percent. */
  survivePercent: number;
  /** Mean bytes that survived a scavenge (copied within the young generation or promoted). */
  keptBytes: number;
  /** Requests the load generator completed. */
  requests: number;
}

/**
 * Starts `fixture` (a script that serves on 127.0.0.1:0 and writes `READY <port> [<api key>]` to
 * stderr)
 * in a Deno subprocess with `--trace-gc-nvp`, puts it under `wrk` load (50 connections) for
 * `seconds`, stops it and returns what its scavenges kept. A finished request that stays
 * reachable shows up here long before it shows up in latency figures.
 */
export async function scavengesUnderLoad(
  fixture: string,
  args: string[] = [],
  seconds = 3,
): Promise<ScavengeStats> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--trace-gc-nvp", fixture, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // V8 writes its trace to stdout through a buffer of its own; the fixture's READY line goes to
  // stderr so the two never interleave.
  const decoded = (s: ReadableStream<Uint8Array>) =>
    Array.fromAsync(s.pipeThrough(new TextDecoderStream()));
  const trace = decoded(child.stdout);
  const errReader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let errText = "";
  const readyLine = (async () => {
    for (;;) {
      const { value, done } = await errReader.read();
      if (done) throw new Error(`fixture exited before READY: ${errText}`);
      errText += value;
      const m = errText.match(/^READY .*$/m);
      if (m !== null) return m[0];
    }
  })();
  const drainErr = readyLine.then(async () => {
    for (;;) if ((await errReader.read()).done) return;
  }, () => {}); // a fixture that never got ready fails the test through readyLine
  try {
    const [, port, key] = (await readyLine).split(" ");
    const headers = key ? ["-H", `X-AVL-API-Key: ${key}`] : [];
    const wrk = await run("wrk", [
      "-t1",
      "-c50",
      `-d${seconds}s`,
      ...headers,
      `http://127.0.0.1:${port}/small`,
    ]);
    const report = new TextDecoder().decode(wrk.stdout);
    const m = report.match(/(\d+) requests in/);
    if (wrk.code !== 0 || m === null) throw new Error(`wrk failed: ${report} ${wrk.stderr}`);
    const requests = Number(m[1]);
    if (/Non-2xx/.test(report)) throw new Error(`the fixture answered errors: ${report}`);
    child.kill("SIGKILL");
    await child.status;
    const lines = (await trace).join("").split("\n");
    await drainErr;
    const rows = lines.flatMap((l) => {
      const at = l.indexOf("{");
      if (at < 0 || !l.includes('"gc":"s"')) return [];
      try {
        return [JSON.parse(l.slice(at)) as Record<string, number>];
      } catch {
        return []; // a line cut short by the kill
      }
    });
    const measured = rows.slice(Math.floor(rows.length / 5));
    if (measured.length < 5) throw new Error(`only ${rows.length} scavenges: too little load`);
    const mean = (f: (r: Record<string, number>) => number) =>
      measured.reduce((a, r) => a + f(r), 0) / measured.length;
    return {
      scavenges: measured.length,
      survivePercent: mean((r) => r.new_space_survive_rate),
      keptBytes: mean((r) => r.new_space_survived),
      requests,
    };
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
  }
}

/**
 * Runs {@link scavengesUnderLoad} on `fixture` and fails unless the load was real (> 2 000
 * requests) and under 3% of the young generation survived a scavenge on average: finished
 * requests must not stay reachable.
 */
export async function assertNoRequestKeptAcrossScavenges(fixture: string): Promise<void> {
  const s = await scavengesUnderLoad(fixture);
  assert.ok(s.requests > 2_000, `load too light: ${s.requests} requests`);
  assert.ok(
    s.survivePercent < 3,
    `${s.survivePercent.toFixed(2)}% of the young generation survived each scavenge ` +
      `(${(s.keptBytes / 1024).toFixed(0)} KiB on average over ${s.scavenges} scavenges)`,
  );
}
