// Runs real workerd on a config: a free loopback port (workerd binds port 0 and reports the real
// one on its control channel), readiness, logs, and a clean stop.

import { type ServerProcess, spawnServer } from "../_process.ts";

const root = new URL("../../", import.meta.url);

/** Where `deno task test` (tools/test_deps.ts) installs workerd (npm package `workerd`); `WORKERD` overrides it. */
export function workerdPath(): string {
  const fromEnv = Deno.env.get("WORKERD");
  if (fromEnv) return fromEnv;
  return new URL(".cache/workerd/node_modules/.bin/workerd", root).pathname;
}

export async function startWorkerd(
  config: string,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const bin = workerdPath();
  try {
    await Deno.stat(bin);
  } catch {
    throw new Error(
      `workerd is not installed at ${bin}: run deno task test (tools/test_deps.ts; npm install --prefix .cache/workerd ` +
        `workerd), or set WORKERD to a workerd binary`,
    );
  }
  return await spawnServer(
    bin,
    // --control-fd=1: workerd writes {"event":"listen","socket":"http","port":N} to fd 1.
    ["serve", config, "--socket-addr", "http=127.0.0.1:0", "--control-fd=1"],
    {
      env: options.env,
      timeoutMs: options.timeoutMs,
      listenLine(line) {
        if (!line.startsWith("{")) return undefined;
        try {
          const msg = JSON.parse(line);
          return msg.event === "listen" && msg.socket === "http"
            ? `http://127.0.0.1:${msg.port}`
            : undefined;
        } catch {
          return undefined;
        }
      },
    },
  );
}
