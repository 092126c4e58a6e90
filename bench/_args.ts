// The command line of the benchmarks: `--name value` pairs.

/**
 * The `--name value` pairs of `argv`, by name without the leading dashes.
 *
 * @example
 * ```ts
 * import { benchArgs } from "./_args.ts";
 * const args = benchArgs(["--rounds", "5"]);
 * console.log(Number(args.get("rounds") ?? 3)); // 5
 * ```
 */
export function benchArgs(argv: readonly string[] = Deno.args): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i].replace(/^--/, ""), argv[i + 1]);
  return args;
}
