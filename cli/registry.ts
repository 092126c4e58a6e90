/**
 * The `avx` command registry: each subcommand registers a {@link Command}; `runCli` looks it up.
 * Later modules add theirs (`inspect`, ...) with {@link registerCommand}.
 *
 * @module
 */

import { AvilaError } from "@avila/compress";
import type { runCli } from "./run.ts";

/** The standard streams a command talks to: those of {@link runCli}, every one given. */
export type CliIo = Required<NonNullable<Parameters<typeof runCli>[1]>>;

/** One `avx` subcommand. */
export interface Command {
  /** The word after `avx`. */
  name: string;
  /** One line for `avx --help`. */
  summary: string;
  /** Full help text for `avx <name> --help`. */
  usage: string;
  /** Runs with the arguments after the name; resolves to the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/**
 * A failure to report as one line on stderr. `exitCode` 2 means bad usage, 1 a failed run.
 *
 * @example
 * ```ts
 * import { CliError } from "./registry.ts";
 * const e = new CliError("missing -a ALGORITHM", 2);
 * console.log(e.exitCode); // 2
 * ```
 */
export class CliError extends AvilaError<"usage" | "failed"> {
  /** Process exit status to use. */
  readonly exitCode: number;

  /**
   * Creates the error; `code` is `"usage"` for exit status 2, `"failed"` otherwise.
   *
   * @param message one line, no trailing period needed
   * @param exitCode process exit status (2: bad usage, 1: failed run)
   */
  constructor(message: string, exitCode = 1) {
    super(exitCode === 2 ? "usage" : "failed", message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

const commands = new Map<string, Command>();

/**
 * Adds (or replaces) a subcommand.
 *
 * @example
 * ```ts
 * import { registerCommand } from "./registry.ts";
 * import { runCli } from "./run.ts";
 * registerCommand({
 *   name: "hello",
 *   summary: "say hello",
 *   usage: "avx hello",
 *   run: () => Promise.resolve(0),
 * });
 * console.log(await runCli(["hello"])); // 0
 * ```
 */
export function registerCommand(command: Command): void {
  if (!/^[a-z][a-z0-9-]*$/.test(command.name)) {
    throw new TypeError(`bad command name ${JSON.stringify(command.name)}`);
  }
  commands.set(command.name, command);
}

/**
 * The registered subcommands, sorted by name.
 *
 * @example
 * ```ts
 * import { listCommands } from "./registry.ts";
 * console.log(listCommands().map((c) => c.name).includes("compress")); // true
 * ```
 */
export function listCommands(): Command[] {
  return [...commands.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Looks a subcommand up by name.
 *
 * @example
 * ```ts
 * import { findCommand } from "./registry.ts";
 * console.log(findCommand("decompress")?.summary !== undefined); // true
 * ```
 */
export function findCommand(name: string): Command | undefined {
  return commands.get(name);
}
