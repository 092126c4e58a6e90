/**
 * Entry point of `deno task avx`: runs the command line and exits with its status.
 *
 * @module
 */

import { runCli } from "./run.ts";

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args));
}
