// Size budgets of the entry points, checked the way a user pays for them: what a program loads
// up front when it imports an entry. Sizes come from `deno bundle --minify` (esbuild); the table
// of every entry's size is in docs/size-budgets.md.
import assert from "node:assert/strict";
import { denoJson, REPO as ROOT } from "./_deno_json.ts";

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier?: string }; isDynamic?: boolean }[];
}

/** Every local module an entry loads through static imports (dynamic `import()` not followed). */
async function staticGraph(entry: string): Promise<Set<string>> {
  const info = await denoJson(["info", "--json", entry]) as {
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
 * Bundles a program that re-exports `names` of `specifier` (resolved as a user's program would: package
 * names through the workspace) with `deno bundle --minify`, into `outdir` (code splitting: one
 * file per dynamic `import()` and per shared chunk) or into one file `out.js`, and calls `measure`
 * on the output folder before removing it.
 */
async function bundle(
  specifier: string,
  splitting: boolean,
  measure: (dir: string) => Promise<number>,
  names = "*",
): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "avx-size-" });
  try {
    const entry = `${dir}/entry.ts`;
    await Deno.writeTextFile(entry, `export ${names} from ${JSON.stringify(specifier)};\n`);
    const output = splitting
      ? ["--code-splitting", "--outdir", `${dir}/out`]
      : ["-o", `${dir}/out/entry.js`];
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--minify",
        "--format",
        "esm",
        "--config",
        `${ROOT}deno.json`,
        ...output,
        entry,
      ],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    return await measure(`${dir}/out`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Minified size in bytes of a program re-exporting `names` (default: all) of `specifier`, bundled
 * into one file (dynamic imports inlined).
 */
function bundledSize(specifier: string, names = "*"): Promise<number> {
  return bundle(
    specifier,
    false,
    async (dir) => (await Deno.stat(`${dir}/entry.js`)).size,
    names,
  );
}

/** A static `import`/`export ... from "./chunk.js"` of esbuild's minified output; not `import(`. */
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*"(\.\/[^"]+)"/g;

/**
 * What a program loads up front when it imports `specifier`, in minified bytes: the entry file of
 * a code-splitting bundle and every chunk it reaches through static imports. Chunks reached only
 * through a dynamic `import()` (loaded on first use) are left out.
 */
function upFrontSize(specifier: string): Promise<number> {
  return bundle(specifier, true, async (dir) => {
    const seen = new Set<string>();
    const todo = ["entry.js"];
    let bytes = 0;
    while (todo.length > 0) {
      const file = todo.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = await Deno.readTextFile(`${dir}/${file}`);
      bytes += new TextEncoder().encode(text).byteLength;
      for (const m of text.matchAll(STATIC_IMPORT)) todo.push(m[1].slice(2));
    }
    return bytes;
  });
}

Deno.test("size: the client loads @avila/arrow only when res.arrow() is called", async () => {
  const graph = await staticGraph("client/mod.ts");
  const arrowPackage = new URL("../columnar/", import.meta.url).href;
  const arrow = [...graph].filter((s) => s.startsWith(arrowPackage));
  assert.deepEqual(arrow, [], "client/mod.ts imports Arrow statically");
  assert.ok([...graph].some((s) => s.endsWith("/client/response.ts")));
});

Deno.test("size: the client loads at most 50 KB up front, codecs on first use", async () => {
  const bytes = await upFrontSize("@avila/avx-http/client");
  console.log(`@avila/avx-http/client up front: ${bytes} bytes minified`);
  assert.ok(bytes <= 50_000, `${bytes} bytes`);
});

Deno.test("size: @avila/compress/lz4 alone bundles to at most 25 KB minified", async () => {
  const bytes = await bundledSize("@avila/compress/lz4");
  console.log(`@avila/compress/lz4: ${bytes} bytes minified`);
  assert.ok(bytes <= 25_000, `${bytes} bytes`);
});

Deno.test("size: one name from @avila/compress does not bundle every codec", async () => {
  // The codec table is built on first use: a module-level call would keep every codec (~290 KB)
  // in the bundle of a program that imports only a type, an error class or `Algorithm`.
  const bytes = await bundledSize("@avila/compress", "{ Algorithm, CompressError }");
  console.log(`{ Algorithm, CompressError } from @avila/compress: ${bytes} bytes minified`);
  assert.ok(bytes <= 20_000, `${bytes} bytes`);
});
