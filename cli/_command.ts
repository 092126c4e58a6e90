/**
 * What every `avx` subcommand shares: its arguments parsed by its option spec before it runs,
 * `-h`/`--help` answered with its usage, and one-line writes to a stream.
 *
 * @module
 */

import { type OptionSpec, parseArgs, type ParsedArgs } from "./_args.ts";
import type { CliIo, Command } from "./registry.ts";

/**
 * Writes `text` to `stream`, with a newline after it unless it ends with one.
 *
 * @example
 * ```ts
 * import { writeLine } from "./_command.ts";
 * await writeLine(new WritableStream(), "done");
 * ```
 */
export async function writeLine(stream: WritableStream<Uint8Array>, text: string): Promise<void> {
  const w = stream.getWriter();
  try {
    await w.write(new TextEncoder().encode(text.endsWith("\n") ? text : text + "\n"));
  } finally {
    w.releaseLock();
  }
}

/**
 * A subcommand as written: {@link Command} with its option spec, `run` taking parsed args.
 *
 * @example
 * ```ts
 * import type { CommandDefinition } from "./_command.ts";
 * const echo: CommandDefinition = {
 *   name: "echo",
 *   summary: "print the arguments",
 *   usage: "Usage: avx echo WORD...",
 *   options: { help: { short: "h", value: false } },
 *   run: ({ positionals }) => Promise.resolve(positionals.length > 0 ? 0 : 2),
 * };
 * console.log(echo.name); // "echo"
 * ```
 */
export interface CommandDefinition extends Omit<Command, "run"> {
  /** The options it takes; `help` among them. */
  options: OptionSpec;
  /** Runs with the parsed arguments (help already answered); resolves to the exit code. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/**
 * The {@link Command} for `definition`: parses the arguments first (an unknown option is a usage
 * error even beside `--help`), answers `--help` with the usage on stdout, else runs.
 *
 * @example
 * ```ts
 * import { defineCommand } from "./_command.ts";
 * const hello = defineCommand({
 *   name: "hello",
 *   summary: "say hello",
 *   usage: "Usage: avx hello",
 *   options: { help: { short: "h", value: false } },
 *   run: () => Promise.resolve(0),
 * });
 * console.log(hello.name); // "hello"
 * ```
 */
export function defineCommand(definition: CommandDefinition): Command {
  const { name, summary, usage, options } = definition;
  return {
    name,
    summary,
    usage,
    async run(args: string[], io: CliIo): Promise<number> {
      const parsed = parseArgs(args, options);
      if (parsed.options.has("help")) {
        await writeLine(io.stdout, usage);
        return 0;
      }
      return await definition.run(parsed, io);
    },
  };
}
