import assert from "node:assert/strict";
import { NEEDS_TOOLS, SLOW, unitTestFiles } from "./test_unit.ts";

const root = new URL("../", import.meta.url).pathname;

Deno.test("test:unit: every file listed as needing tools or as slow is a test file that exists", () => {
  for (const file of [...Object.keys(NEEDS_TOOLS), ...Object.keys(SLOW)]) {
    assert.ok(file.endsWith("_test.ts"), file);
    assert.ok(Deno.statSync(`${root}${file}`).isFile, file);
  }
});

Deno.test("test:unit: the unit files are every *_test.ts but those needing tools or slow", () => {
  const files = unitTestFiles();
  assert.ok(files.includes("tools/test_unit_test.ts"));
  assert.ok(files.includes("compress/compressor_test.ts"));
  for (const f of files) assert.ok(!(f in NEEDS_TOOLS) && !(f in SLOW), f);
  assert.ok(!files.some((f) => f.startsWith(".cache/") || f.includes("node_modules/")));
});
