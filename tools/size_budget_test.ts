// Size budgets of the entry points, checked the way a user pays for them: what a program loads
// up front when it imports an entry. Sizes come from `deno bundle --minify` (esbuild); the table
// of every entry's size is in docs/architecture.md.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier?: string }; isDynamic?: boolean }[];
}

/** Every local module an entry loads through static imports (dynamic `import()` not followed). */
async function staticGraph(entry: string): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "null",
  }).output();
  assert.ok(out.success, `deno info ${entry}`);
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: InfoModule[];
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const todo = [...info.roots];
  while (todo.length > 0) {
    const s = todo.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of bySpecifier.get(s)?.dependencies ?? []) {
      const next = d.code?.specifier;
      if (next !== undefined && d.isDynamic !== true) todo.push(next);
    }
  }
  return seen;
}

/**
 * Minified bundle size in bytes (one file, everything inlined) of a program that re-exports
 * `specifier`, resolved as a user's program would (package names through the workspace).
 */
async function bundledSize(specifier: string): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "avx-size-" });
  try {
    const entry = `${dir}/entry.ts`;
    await Deno.writeTextFile(entry, `export * from ${JSON.stringify(specifier)};\n`);
    const file = `${dir}/out.js`;
    const config = `${ROOT}deno.json`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--minify",
        "--format",
        "esm",
        "--config",
        config,
        "-o",
        file,
        entry,
      ],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    return (await Deno.stat(file)).size;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("size: the client loads @avila/arrow only when res.arrow() is called", async () => {
  const graph = await staticGraph("client/mod.ts");
  const arrowPackage = new URL("../columnar/", import.meta.url).href;
  const arrow = [...graph].filter((s) => s.startsWith(arrowPackage));
  assert.deepEqual(arrow, [], "client/mod.ts imports Arrow statically");
  assert.ok([...graph].some((s) => s.endsWith("/client/response.ts")));
});

Deno.test("size: @avila/compress/lz4 alone bundles to at most 25 KiB minified", async () => {
  const bytes = await bundledSize("@avila/compress/lz4");
  console.log(`@avila/compress/lz4: ${bytes} bytes minified`);
  assert.ok(bytes <= 25 * 1024, `${bytes} bytes`);
});
