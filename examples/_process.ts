// Test and tooling helper: runs a server process (workerd, node, deno) that reports where it
// listens on stdout, waits for that line, keeps its output for failure messages, and stops it
// (SIGTERM, then SIGKILL after a grace period).

import { spawnTool } from "../server/_test_util.ts";

export interface ServerProcess extends AsyncDisposable {
  /** The base URL the process reported. */
  url: string;
  /** Everything the process printed so far (stdout and stderr). */
  logs(): string;
  /** Stops the process; resolves with its exit status. */
  stop(): Promise<Deno.CommandStatus>;
}

export interface SpawnOptions {
  /** Full environment of the child (nothing is inherited but PATH and HOME). */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
  /** How long to wait for the listen line; default 20 s. */
  timeoutMs?: number;
  /** Returns the URL when `line` (one stdout line) announces the socket. */
  listenLine: (line: string) => string | undefined;
}

/** Spawns `cmd` and resolves once it printed its listen line; fails loudly if `cmd` is missing. */
/** The pids of a process's children, grandchildren, ... (Linux `/proc`; none elsewhere). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  try {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        const list = children.get(ppid) ?? [];
        list.push(Number(entry.name));
        children.set(ppid, list);
      } catch {
        // exited meanwhile
      }
    }
  } catch {
    return [];
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export async function spawnServer(
  cmd: string,
  args: string[],
  options: SpawnOptions,
): Promise<ServerProcess> {
  const child = spawnTool(cmd, {
    args,
    cwd: options.cwd,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/tmp",
      ...options.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });

  let log = "";
  const decoder = new TextDecoder();
  let announce: (url: string) => void;
  const announced = new Promise<string>((r) => (announce = r));
  const pump = async (stream: ReadableStream<Uint8Array>, stdout: boolean) => {
    let pending = "";
    for await (const chunk of stream) {
      const text = decoder.decode(chunk, { stream: true });
      log += text;
      if (!stdout) continue;
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf("\n")) !== -1) {
        const url = options.listenLine(pending.slice(0, nl).trim());
        pending = pending.slice(nl + 1);
        if (url !== undefined) announce(url);
      }
      // workerd's control channel does not always end its line before going quiet.
      const url = pending.trim() ? options.listenLine(pending.trim()) : undefined;
      if (url !== undefined) {
        pending = "";
        announce(url);
      }
    }
  };
  const pumps = Promise.all([pump(child.stdout, true), pump(child.stderr, false)]);
  const status = child.status;

  let stopping: Promise<Deno.CommandStatus> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // already exited
      }
      const killer = setTimeout(() => {
        // A process that ignored SIGTERM may have children of its own (`deno task` runs the
        // watcher): end them too, or they keep the pipes open and the test waits forever.
        for (const pid of descendants(child.pid)) {
          try {
            Deno.kill(pid, "SIGKILL");
          } catch {
            // already exited
          }
        }
        try {
          child.kill("SIGKILL");
        } catch {
          // already exited
        }
      }, 5000);
      const s = await status;
      clearTimeout(killer);
      await pumps;
      return s;
    })();

  const timeoutMs = options.timeoutMs ?? 20_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    announced.then((url) => ({ url })),
    status.then((s) => ({ exited: s.code })),
    new Promise<{ timeout: true }>((
      r,
    ) => (timer = setTimeout(() => r({ timeout: true }), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (!("url" in outcome)) {
    await stop();
    const why = "exited" in outcome
      ? `exited with code ${outcome.exited}`
      : `did not report a listening socket within ${timeoutMs} ms`;
    throw new Error(`${cmd} ${why}:\n${log}`);
  }
  return {
    url: outcome.url,
    logs: () => log,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}

/** Parses `{"event":"listen","url":...}` lines (the Node and Deploy entry points print them). */
export function jsonListenLine(line: string): string | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const msg = JSON.parse(line);
    return msg.event === "listen" && typeof msg.url === "string" ? msg.url : undefined;
  } catch {
    return undefined;
  }
}
