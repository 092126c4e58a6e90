// The import graph of the shipped code runs one way (docs/architecture.md):
//   compress < columnar < http < client, middleware < server < cli, mod.ts
// This test reads every relative import specifier of every shipped .ts file (tests, test helpers,
// testdata, bench/, examples/ and tools/ are consumers, not layers) and fails on
// - an import of a folder above (or beside, on the same level) the importer's folder,
// - a cycle between sibling folders at any depth (e.g. middleware/auth <-> middleware/rate_limit;
//   a folder's own files importing its subfolders and back is how mod.ts and errors.ts work),
// - a relative import across a workspace package (compress/ is @avila/compress, columnar/ is
//   @avila/arrow: other folders import them by package name),
// - an import of another top-level folder's private file (`_name.ts`, or anything under a
//   `_folder/`): each top-level folder is one library or layer, its `_` files are its own.
import assert from "node:assert/strict";
import { dirname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), ".."));

/** Top-level folders in layer order: a folder may import only folders of a lower level. */
const LEVEL: Record<string, number> = {
  compress: 0,
  columnar: 1,
  http: 2,
  client: 3,
  middleware: 3,
  server: 4,
  cli: 5,
  ".": 6, // mod.ts and other files at the root
};
/** Workspace packages by folder: imported by name from outside the folder. */
const PACKAGES: Record<string, string> = { compress: "@avila/compress", columnar: "@avila/arrow" };
const PACKAGE_DIRS = new Map(Object.entries(PACKAGES).map(([dir, name]) => [name, dir]));
const CONSUMERS = new Set(["bench", "examples", "tools", "docs", ".cache", ".git", ".ci"]);

/** A repo-relative path with `/` separators. */
type Path = string;

export interface Edge {
  from: Path;
  to: Path;
  /** Imported by package name (`@avila/arrow`), not by a relative path. */
  byName?: boolean;
}

function isShipped(path: Path): boolean {
  const parts = path.split("/");
  if (CONSUMERS.has(parts[0]) || parts.includes("testdata") || parts.includes("node_modules")) {
    return false;
  }
  const base = parts[parts.length - 1];
  return base.endsWith(".ts") && !base.endsWith("_test.ts") && !base.startsWith("_test_");
}

function* walk(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.name === ".git" || entry.name === ".cache" || entry.name === "node_modules") continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(full);
    else if (entry.isFile && entry.name.endsWith(".ts")) yield full;
  }
}

// Static imports and re-exports start a line; dynamic imports may sit anywhere in code. JSDoc
// examples (lines starting with `*`) and line comments are skipped.
const STATIC = /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm;
const SIDE_EFFECT = /^\s*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /^(?!\s*(?:\*|\/\/)).*?\bimport\(\s*["']([^"']+)["']\s*\)/gm;

/** The relative and workspace-package specifiers `source` imports, in order of appearance. */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  for (const re of [STATIC, SIDE_EFFECT, DYNAMIC]) {
    for (const m of source.matchAll(re)) {
      if (m[1].startsWith(".") || PACKAGE_DIRS.has(packageName(m[1]))) out.push(m[1]);
    }
  }
  return out;
}

/** `@scope/name` of a bare specifier such as `@scope/name/sub`. */
function packageName(specifier: string): string {
  return specifier.split("/").slice(0, 2).join("/");
}

/** Every import edge between shipped files under `root`. */
export function shippedEdges(root: string): Edge[] {
  const edges: Edge[] = [];
  for (const full of walk(root)) {
    const from = relative(root, full).split(sep).join("/");
    if (!isShipped(from)) continue;
    for (const spec of importSpecifiers(Deno.readTextFileSync(full))) {
      const pkg = PACKAGE_DIRS.get(packageName(spec));
      if (pkg !== undefined) edges.push({ from, to: `${pkg}/mod.ts`, byName: true });
      else edges.push({ from, to: normalize(join(dirname(from), spec)).split(sep).join("/") });
    }
  }
  return edges;
}

function dir(path: Path): Path {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : path.slice(0, i);
}

function top(path: Path): string {
  const i = path.indexOf("/");
  return i < 0 ? "." : path.slice(0, i);
}

/** The unit of a file that sits directly in the common folder (not in a subfolder). */
const FILES = "(files)";

/** The folders `a` and `b` sit in, seen from their deepest common folder. */
function siblingUnits(a: Path, b: Path): { parent: Path; from: string; to: string } {
  const da = dir(a) === "." ? [] : dir(a).split("/");
  const db = dir(b) === "." ? [] : dir(b).split("/");
  let i = 0;
  while (i < da.length && i < db.length && da[i] === db[i]) i++;
  return {
    parent: da.slice(0, i).join("/") || ".",
    from: da[i] ?? FILES,
    to: db[i] ?? FILES,
  };
}

/** Import problems of `edges`, one line each; empty when the graph runs one way. */
export function violations(edges: readonly Edge[]): string[] {
  const problems: string[] = [];
  const graphs = new Map<Path, Map<string, Map<string, Edge>>>();
  for (const e of edges) {
    if (dir(e.from) === dir(e.to)) continue;
    const [ta, tb] = [top(e.from), top(e.to)];
    if (ta !== tb) {
      const [la, lb] = [LEVEL[ta], LEVEL[tb]];
      if (la === undefined) {
        problems.push(`${e.from}: folder ${ta}/ has no layer (add it to LEVEL)`);
      } else if (lb === undefined || lb >= la) {
        problems.push(`${e.from} imports ${e.to}: ${tb}/ is not below ${ta}/`);
      }
    }
    if (ta !== tb && !e.byName && (PACKAGES[ta] ?? PACKAGES[tb]) !== undefined) {
      const name = PACKAGES[tb] ?? "(a folder outside the package)";
      problems.push(`${e.from} imports ${e.to} by a relative path: import ${name}`);
    }
    if (ta !== tb && e.to.split("/").some((part) => part.startsWith("_"))) {
      problems.push(`${e.from} imports ${e.to}: private to ${tb}/`);
    }
    const u = siblingUnits(e.from, e.to);
    if (u.from === FILES || u.to === FILES) continue;
    const graph = graphs.get(u.parent) ?? new Map<string, Map<string, Edge>>();
    graphs.set(u.parent, graph);
    const out = graph.get(u.from) ?? new Map<string, Edge>();
    graph.set(u.from, out);
    if (!out.has(u.to)) out.set(u.to, e);
  }
  for (const [parent, graph] of graphs) {
    for (const cycle of cycles(graph)) {
      const shown = cycle.map((n, i) => {
        const e = graph.get(n)!.get(cycle[(i + 1) % cycle.length])!;
        return `${e.from} -> ${e.to}`;
      });
      problems.push(`cycle in ${parent}/ between ${cycle.join(", ")}: ${shown.join("; ")}`);
    }
  }
  return problems;
}

/** One cycle per strongly connected component of more than one node (Tarjan). */
function cycles(graph: Map<string, Map<string, unknown>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(pathThrough(graph, new Set(scc), v));
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** A concrete cycle v -> ... -> v inside the component `scc` (breadth-first). */
function pathThrough(graph: Map<string, Map<string, unknown>>, scc: Set<string>, v: string) {
  const prev = new Map<string, string>();
  const queue = [v];
  while (queue.length > 0) {
    const x = queue.shift()!;
    for (const w of graph.get(x)?.keys() ?? []) {
      if (!scc.has(w)) continue;
      if (w === v) {
        const path = [x];
        while (path[0] !== v) path.unshift(prev.get(path[0])!);
        return path;
      }
      if (!prev.has(w)) {
        prev.set(w, x);
        queue.push(w);
      }
    }
  }
  return [v];
}

Deno.test("import graph: shipped folders import one way, no cycles, no private files", () => {
  const edges = shippedEdges(ROOT);
  assert.ok(edges.length > 300, `read only ${edges.length} imports: is the walk broken?`);
  assert.deepEqual(violations(edges), []);
});

Deno.test("import graph: the check sees cycles, upward and private imports", () => {
  assert.deepEqual(
    importSpecifiers(
      [
        'import { a } from "./a.ts";',
        "export {",
        "  b,",
        '} from "../b/mod.ts";',
        ' * import { x } from "../doc_example.ts";',
        'const m = await import("./lazy.ts");',
        '// await import("./commented.ts");',
        'import "./side_effect.ts";',
        'import { z } from "npm:zod";',
        'import { lz4 } from "@avila/compress";',
      ].join("\n"),
    ),
    ["./a.ts", "../b/mod.ts", "@avila/compress", "./side_effect.ts", "./lazy.ts"],
  );
  const found = violations([
    { from: "middleware/cors/cors.ts", to: "server/_stage.ts" },
    { from: "server/server.ts", to: "middleware/cors/mod.ts" },
    { from: "middleware/auth/auth.ts", to: "middleware/rate_limit/store.ts" },
    { from: "middleware/rate_limit/rate_limit.ts", to: "middleware/auth/principal.ts" },
    { from: "middleware/auth/jwt.ts", to: "middleware/_headers.ts" }, // own folder's tree: fine
    { from: "client/_send.ts", to: "http/mod.ts" }, // downward through mod.ts: fine
    { from: "client/response.ts", to: "columnar/mod.ts", byName: true }, // a package: fine
    { from: "client/response.ts", to: "columnar/batch.ts" }, // a package by path
  ]);
  assert.deepEqual(found, [
    "middleware/cors/cors.ts imports server/_stage.ts: server/ is not below middleware/",
    "middleware/cors/cors.ts imports server/_stage.ts: private to server/",
    "client/response.ts imports columnar/batch.ts by a relative path: import @avila/arrow",
    "cycle in ./ between middleware, server: middleware/cors/cors.ts -> server/_stage.ts; " +
    "server/server.ts -> middleware/cors/mod.ts",
    "cycle in middleware/ between auth, rate_limit: middleware/auth/auth.ts -> " +
    "middleware/rate_limit/store.ts; middleware/rate_limit/rate_limit.ts -> " +
    "middleware/auth/principal.ts",
  ]);
});
