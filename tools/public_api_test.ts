// Building blocks no user calls stay private: they are not re-exported by the entry points.
import assert from "node:assert/strict";
import * as root from "../mod.ts";
import * as middleware from "../middleware/mod.ts";

Deno.test("./middleware does not export the rate-limit and trace building blocks", () => {
  for (const name of ["gcraStep", "slidingWindowStep", "parseNode", "newSpanId"]) {
    assert.equal(name in middleware, false, `./middleware exports ${name}`);
    assert.equal(name in root, false, `the root exports ${name}`);
  }
  // What a custom RateLimitStore needs stays public.
  assert.equal(typeof middleware.applyPolicy, "function");
});

/** Names a package exports across the given entry points, as `deno doc --json` lists them. */
async function exportedNames(entries: string[]): Promise<Set<string>> {
  const root = new URL("..", import.meta.url).pathname;
  const names = new Set<string>();
  for (const entry of entries) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["doc", "--json", entry],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const doc = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      nodes: Record<string, { symbols?: { name: string }[] }>;
    };
    for (const node of Object.values(doc.nodes)) {
      for (const symbol of node.symbols ?? []) names.add(symbol.name);
    }
  }
  return names;
}

// Each library keeps a small API: raising a budget is a decision, not a side effect of an
// `export *`. The `types` and `extensions` namespaces of @avila/arrow count as one name each.
const BUDGETS = [
  { pkg: "@avila/compress", entries: ["compress/mod.ts", "compress/lz4/mod.ts"], budget: 52 },
  { pkg: "@avila/arrow", entries: ["columnar/mod.ts"], budget: 95 },
];

for (const { pkg, entries, budget } of BUDGETS) {
  Deno.test(`${pkg} exports at most ${budget} names`, async () => {
    const names = await exportedNames(entries);
    assert.ok(names.size <= budget, `${pkg} exports ${names.size} names:\n${[...names].sort()}`);
  });
}

Deno.test("@avila/compress and @avila/arrow keep their building blocks private", async () => {
  const compress = await exportedNames(["compress/mod.ts", "compress/lz4/mod.ts"]);
  for (const name of ["compressBlock", "ZstdEncoder", "crc32c", "decompressZstd", "pipeCoded"]) {
    assert.equal(compress.has(name), false, `@avila/compress exports ${name}`);
  }
  const arrow = await exportedNames(["columnar/mod.ts"]);
  for (
    const name of ["NumberColumn", "Utf8Builder", "checkOffsets", "float64", "ipcStreamChunks"]
  ) {
    assert.equal(arrow.has(name), false, `@avila/arrow exports ${name}`);
  }
  // What users build with stays public, some of it in the two namespaces.
  for (const name of ["Compressor", "compress", "decompress", "detect", "compressFrame"]) {
    assert.ok(compress.has(name), `@avila/compress lacks ${name}`);
  }
  for (const name of ["RecordBatch", "readIpcStream", "makeBuilder", "types", "extensions"]) {
    assert.ok(arrow.has(name), `@avila/arrow lacks ${name}`);
  }
});
