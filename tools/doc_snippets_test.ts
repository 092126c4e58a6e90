// Every ```ts block of README.md, docs/*.md and bench/README.md type-checks against the local
// package: `deno check --doc-only` extracts the blocks (```ts ignore skips one) and resolves
// `@avila/avx-http/...` through deno.json's name and exports, so the snippets import the package
// exactly as a user does. Re-run alone with `deno test -A tools/doc_snippets_test.ts`. A type
// check of every page: `deno task test:unit` leaves it to `deno task test` (tools/test_unit.ts).

import assert from "node:assert/strict";
import { markdownFiles } from "./_test_markdown.ts";

const root = new URL("..", import.meta.url).pathname;

Deno.test("docs: every ts block in README.md, docs/ and bench/README.md type-checks", async () => {
  const files = markdownFiles();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", "--doc-only", ...files],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `deno check --doc-only ${files.join(" ")}\n${text}`);
});
