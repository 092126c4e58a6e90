/**
 * A small getopt-style parser: short and long options with values (`-a lz4`, `-alz4`,
 * `--algorithm=lz4`, `--algorithm lz4`), flags, `--` and `-` as a positional.
 *
 * @module
 */

import { CliError } from "./registry.ts";

/** Option spec: long name → { short letter, takes a value }. */
export type OptionSpec = Record<string, { short?: string; value: boolean }>;

/** Parsed arguments. */
export interface ParsedArgs {
  options: Map<string, string | true>;
  positionals: string[];
}

/** Parses `args` by `spec`; unknown options or missing values are usage errors. */
export function parseArgs(args: string[], spec: OptionSpec): ParsedArgs {
  const byShort = new Map<string, string>();
  for (const [long, s] of Object.entries(spec)) if (s.short) byShort.set(s.short, long);
  const options = new Map<string, string | true>();
  const positionals: string[] = [];
  let i = 0;
  const take = (name: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    if (i + 1 >= args.length) throw new CliError(`option --${name} needs a value`, 2);
    return args[++i];
  };
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const s = spec[name];
      if (!s) throw new CliError(`unknown option --${name}`, 2);
      if (s.value) options.set(name, take(name, eq >= 0 ? a.slice(eq + 1) : undefined));
      else if (eq >= 0) throw new CliError(`option --${name} takes no value`, 2);
      else options.set(name, true);
    } else if (a.startsWith("-") && a.length > 1) {
      // Short options, possibly clustered (-cf) or with an attached value (-alz4).
      for (let k = 1; k < a.length; k++) {
        const long = byShort.get(a[k]);
        if (!long) throw new CliError(`unknown option -${a[k]}`, 2);
        if (spec[long].value) {
          options.set(long, take(long, k + 1 < a.length ? a.slice(k + 1) : undefined));
          break;
        }
        options.set(long, true);
      }
    } else {
      positionals.push(a);
    }
  }
  return { options, positionals };
}
