/**
 * The `avx` command line as a library: {@link runCli} runs it with arguments (and optional
 * injected standard streams), in process.
 *
 * @example
 * ```ts
 * import { runCli } from "@avila/avx-http/cli";
 * const code = await runCli(["--help"]);
 * console.log(code); // 0
 * ```
 *
 * @module
 */

export { runCli } from "./run.ts";

import { runCli as run } from "./run.ts";

// `deno run -A jsr:@avila/avx-http/cli --help`: the `./cli` entry is also the program.
if (import.meta.main) {
  Deno.exit(await run(Deno.args));
}
