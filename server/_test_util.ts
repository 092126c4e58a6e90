// Test helpers: serve an app on an ephemeral loopback port and stop it afterwards.

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

/** Runs a command and returns stdout; fails loudly when the tool is missing. */
export async function run(
  cmd: string,
  args: string[],
  stdin?: Uint8Array,
): Promise<{ code: number; stdout: Uint8Array; stderr: string }> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(cmd, {
      args,
      stdin: stdin ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`required tool "${cmd}" is not installed (.ci/run installs it)`);
    }
    throw e;
  }
  if (stdin) {
    const w = child.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  const out = await child.output();
  return { code: out.code, stdout: out.stdout, stderr: new TextDecoder().decode(out.stderr) };
}
