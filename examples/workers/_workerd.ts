// Runs real workerd on a config: a free loopback port (workerd binds port 0 and reports the real
// one on its control channel), readiness, logs, and a clean stop. Used by the Workers test and
// by `serve.ts`.

const root = new URL("../../", import.meta.url);

/** Where `.ci/run` installs workerd (npm package `workerd`); `WORKERD` overrides it. */
export function workerdPath(): string {
  const fromEnv = Deno.env.get("WORKERD");
  if (fromEnv) return fromEnv;
  return new URL(".cache/workerd/node_modules/.bin/workerd", root).pathname;
}

export interface RunningWorkerd extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` of the socket named `http`. */
  url: string;
  /** Everything workerd printed so far (stdout and stderr). */
  logs(): string;
  stop(): Promise<void>;
}

export async function startWorkerd(
  config: string,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunningWorkerd> {
  const bin = workerdPath();
  try {
    await Deno.stat(bin);
  } catch {
    throw new Error(
      `workerd is not installed at ${bin}: run .ci/run (npm install --prefix .cache/workerd ` +
        `workerd), or set WORKERD to a workerd binary`,
    );
  }
  const child = new Deno.Command(bin, {
    // --control-fd=1: workerd writes {"event":"listen","socket":"http","port":N} lines to fd 1.
    args: ["serve", config, "--socket-addr", "http=127.0.0.1:0", "--control-fd=1"],
    env: options.env ?? {},
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  let log = "";
  const decoder = new TextDecoder();
  let resolvePort: (port: number) => void;
  const port = new Promise<number>((r) => (resolvePort = r));
  const pump = async (stream: ReadableStream<Uint8Array>, control: boolean) => {
    let pending = "";
    for await (const chunk of stream) {
      const text = decoder.decode(chunk, { stream: true });
      log += text;
      if (!control) continue;
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf("\n")) !== -1) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        try {
          const msg = JSON.parse(line);
          if (msg.event === "listen" && msg.socket === "http") resolvePort(msg.port);
        } catch {
          // a log line that merely starts with "{"
        }
      }
    }
  };
  const pumps = Promise.all([pump(child.stdout, true), pump(child.stderr, false)]);
  const status = child.status;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      child.kill("SIGTERM");
    } catch {
      // already exited
    }
    const killer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already exited
      }
    }, 3000);
    await status;
    clearTimeout(killer);
    await pumps;
  };

  const timeoutMs = options.timeoutMs ?? 20_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    port.then((p) => ({ port: p })),
    status.then((s) => ({ exited: s.code })),
    new Promise<{ timeout: true }>((
      r,
    ) => (timer = setTimeout(() => r({ timeout: true }), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (!("port" in outcome)) {
    await stop();
    const why = "exited" in outcome
      ? `exited with ${outcome.exited}`
      : `did not listen in ${timeoutMs} ms`;
    throw new Error(`workerd ${why}:\n${log}`);
  }
  return {
    url: `http://127.0.0.1:${outcome.port}`,
    logs: () => log,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
