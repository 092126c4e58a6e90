// `deno task dev` as a user runs it: dev.ts under --watch, with the dashboard bundled at start.
// Seconds of CPU (a bundle and a watcher), so `deno task test:unit` leaves this file to
// `deno task test` (tools/test_unit.ts).
import assert from "node:assert/strict";
import { spawnServer } from "./_process.ts";

Deno.test("deno task dev stops on SIGTERM (the watcher included) after draining", async () => {
  // The real task, as a user runs it: `deno task dev`, which runs dev.ts under --watch.
  const root = new URL("..", import.meta.url).pathname;
  const server = await spawnServer(Deno.execPath(), ["task", "dev"], {
    cwd: root,
    env: { PORT: "0", NO_COLOR: "1" },
    listenLine: (line) => line.match(/^(https?:\/\/\S+?)\/\s+dashboard/)?.[1],
    timeoutMs: 60_000,
  });
  const res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  await res.body?.cancel();
  // stop() sends SIGTERM and falls back to SIGKILL after 5 s: a task that ignores SIGTERM
  // ends by SIGKILL.
  const status = await server.stop();
  assert.notEqual(status.signal, "SIGKILL", `the task ignored SIGTERM:\n${server.logs()}`);
  assert.equal(status.code, 143, "drained, then ended by the SIGTERM it re-raised");
});
