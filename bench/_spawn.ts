// Benchmark servers run in their own process: spawned, then awaited until they say they listen.

/**
 * Spawns `cmd` (stderr inherited) and reads its stdout until `ready` matches; the rest of its
 * output is left unread.
 *
 * @example
 * ```ts ignore
 * import { spawnReady } from "./_spawn.ts";
 * const { child, match } = await spawnReady(Deno.execPath(), ["run", "-A", "server.ts"], /READY (\d+)/);
 * console.log(Number(match[1]) > 0); // true
 * child.kill();
 * ```
 */
export async function spawnReady(
  cmd: string,
  args: string[],
  ready: RegExp,
): Promise<{ child: Deno.ChildProcess; match: RegExpExecArray }> {
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "inherit" }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  for (let match = ready.exec(out);; match = ready.exec(out)) {
    if (match) {
      reader.releaseLock();
      return { child, match };
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`${cmd} ${args.join(" ")} exited before printing ${ready}`);
    out += value;
  }
}
