// Test helper: a `deno` subcommand's JSON output (`deno doc --json`, `deno info --json`), run in
// the repository root.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

/** The repository root, where every entry path of the tools' tests is relative to. */
export const REPO: string = fileURLToPath(new URL("../", import.meta.url));

/** Runs `deno ...args` in the repository root and parses its stdout; fails with deno's stderr. */
export async function denoJson(args: string[]): Promise<unknown> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, `deno ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}
