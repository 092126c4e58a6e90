/**
 * Dispatches `avx <command> ...` to the registered commands and turns every failure into one
 * line on stderr and a non-zero exit code.
 *
 * @module
 */

import { compressCommand, decompressCommand } from "./codec_commands.ts";
// Commands that register themselves when loaded.
import "./inspect.ts";
import { writeLine } from "./_command.ts";
import { CliError, type CliIo, findCommand, listCommands, registerCommand } from "./registry.ts";

registerCommand(compressCommand);
registerCommand(decompressCommand);

function rootUsage(): string {
  const lines = listCommands().map((c) => `  ${c.name.padEnd(12)} ${c.summary}`);
  return [
    "Usage: avx <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `avx <command> --help` for a command's options.",
  ].join("\n");
}

function defaultIo(): CliIo {
  return { stdin: Deno.stdin.readable, stdout: Deno.stdout.writable, stderr: Deno.stderr.writable };
}

/**
 * Runs the `avx` command line with `args` (without the program name). Resolves to the exit
 * status: 0 on success, 1 when the command failed, 2 for bad usage. Never throws and never
 * prints a stack trace: failures are one line on stderr.
 *
 * @example
 * ```ts
 * import { runCli } from "@avila/avx-http/cli";
 * console.log(await runCli(["no-such-command"], {
 *   stderr: new WritableStream(),
 * })); // 2
 * ```
 */
export async function runCli(
  args: string[],
  io: {
    /** Standard input; default `Deno.stdin.readable`. */
    stdin?: ReadableStream<Uint8Array>;
    /** Standard output; default `Deno.stdout.writable`. */
    stdout?: WritableStream<Uint8Array>;
    /** Standard error (one-line messages); default `Deno.stderr.writable`. */
    stderr?: WritableStream<Uint8Array>;
  } = {},
): Promise<number> {
  const full: CliIo = { ...lazyDefaults(io) };
  const [name, ...rest] = args;
  try {
    if (name === undefined) {
      await writeLine(full.stderr, rootUsage());
      return 2;
    }
    if (name === "--help" || name === "-h" || name === "help") {
      await writeLine(full.stdout, rootUsage());
      return 0;
    }
    const command = findCommand(name);
    if (!command) throw new CliError(`unknown command "${name}" (see avx --help)`, 2);
    return await command.run(rest, full);
  } catch (e) {
    const err = e instanceof CliError
      ? e
      : new CliError(e instanceof Error ? e.message : String(e));
    const line = err.message.replace(/\s*\n\s*/g, " ");
    try {
      await writeLine(full.stderr, `avx: ${line}`);
    } catch {
      // stderr is gone: nothing more to say
    }
    return err.exitCode;
  }
}

function lazyDefaults(io: Partial<CliIo>): CliIo {
  let d: CliIo | undefined;
  const get = () => (d ??= defaultIo());
  return {
    get stdin() {
      return io.stdin ?? get().stdin;
    },
    get stdout() {
      return io.stdout ?? get().stdout;
    },
    get stderr() {
      return io.stderr ?? get().stderr;
    },
  };
}
