// Every ```ts block of README.md, docs/*.md and bench/README.md type-checks against the local
// package: `deno check --doc-only` extracts the blocks (```ts ignore skips one) and resolves
// `@avila/avx-http/...` through deno.json's name and exports, so the snippets import the package
// exactly as a user does. Re-run alone with `deno test -A tools/doc_snippets_test.ts`.

import assert from "node:assert/strict";

const root = new URL("..", import.meta.url).pathname;

/** The Markdown files whose code blocks are checked, relative to the repository root. */
function markdownFiles(): string[] {
  const files = ["README.md"];
  for (const dir of ["docs", "bench"]) {
    for (const entry of Deno.readDirSync(`${root}${dir}`)) {
      if (entry.isFile && entry.name.endsWith(".md")) files.push(`${dir}/${entry.name}`);
    }
  }
  return files.sort();
}

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

Deno.test("docs: no page refers to an issue number", () => {
  const found: string[] = [];
  for (const file of markdownFiles()) {
    const lines = Deno.readTextFileSync(`${root}${file}`).split("\n");
    lines.forEach((line, i) => {
      if (/(^|[\s(])#\d+\b|\bissues? \d+\b/i.test(line)) found.push(`${file}:${i + 1}: ${line}`);
    });
  }
  assert.deepEqual(found, []);
});
