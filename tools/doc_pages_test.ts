// The docs pages speak to readers who cannot see the issue tracker. (Their code blocks are
// type-checked by tools/doc_snippets_test.ts.)

import assert from "node:assert/strict";
import { markdownFiles } from "./_test_markdown.ts";

const root = new URL("..", import.meta.url).pathname;

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
