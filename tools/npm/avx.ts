// The `avx` binary of the npm package: the CLI's Deno calls (files, stdio, exit) run on Node
// through Deno's own shim. Global only in this program, never in the library entries.
import process from "node:process";
import { Deno as shim } from "npm:@deno/shim-deno@0.19.2";

(globalThis as { Deno?: unknown }).Deno ??= shim;
const { runCli } = await import("../../cli/mod.ts");
process.exitCode = await runCli(process.argv.slice(2));
