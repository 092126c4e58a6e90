/**
 * `deno doc --lint` over every entry point of the three packages (the `exports` of `deno.json`,
 * `compress/deno.json` and `columnar/deno.json`, in one run so a type of one workspace package
 * used by another resolves to its public home). Any finding fails, with two exceptions, both
 * about code that is not ours:
 *
 * - a public type of ours may name a type of a dependency ({@link DEPENDENCY_TYPES}): Hono's
 *   `Context` is documented by Hono, and users import it from there. The finding is excused only
 *   when that type is declared outside this repository and is on the list, so a new dependency
 *   type in our API is a reviewed choice.
 * - findings inside a dependency's own files appear when an entry point re-exports one of its
 *   types (deno doc then lints the dependency's declarations). They are excused only while an
 *   entry point re-exports from a package in {@link REEXPORTED_DEPENDENCIES}. No entry point
 *   re-exports a dependency today, so the list is empty and any such finding fails.
 *
 * @module
 */

import assert from "node:assert/strict";

const root = new URL("../", import.meta.url).pathname;

/** Types of our dependencies that our public API may name, by package. */
export const DEPENDENCY_TYPES: Record<string, string[]> = {
  hono: [
    "Context",
    "Env",
    "Handler",
    "HTTPException",
    "Hono",
    "MiddlewareHandler",
    "Schema",
    "ToSchema",
    "UpgradeWebSocket",
    "hc",
    "secureHeaders",
  ],
  "@hono/zod-openapi": ["OpenAPIHono", "RouteConfig", "RouteConfigToTypedResponse", "RouteHandler"],
  jose: ["JWK"],
  "@opentelemetry/api": ["Span"],
};

/**
 * Packages that entry points still re-export types from, which drags their declarations (and
 * their doc findings) into our docs. Findings located in a dependency's files are excused while
 * one of these re-exports remains; a re-export from any other package fails.
 */
export const REEXPORTED_DEPENDENCIES: string[] = [];

/** One `deno doc --lint` diagnostic. */
export interface DocFinding {
  /** The lint rule, e.g. `private-type-ref`, `missing-jsdoc`. */
  rule: string;
  /** The first line of the diagnostic. */
  message: string;
  /** Where it is reported: an absolute path with line and column. */
  location: string;
  /** `private-type-ref`: the name of the referenced type. */
  referenced?: string;
  /** `private-type-ref`: the line that declares the referenced type, and its line number. */
  declaration?: { line: number; text: string };
}

/**
 * The entry points of the three packages, relative to the repository root.
 *
 * @example
 * ```ts ignore
 * import { entryPoints } from "./doc_lint_test.ts";
 * console.log(entryPoints().includes("compress/mod.ts")); // true
 * ```
 */
export function entryPoints(): string[] {
  const out: string[] = [];
  for (const dir of ["", "compress/", "columnar/"]) {
    const config = JSON.parse(Deno.readTextFileSync(`${root}${dir}deno.json`));
    for (const path of Object.values(config.exports as Record<string, string>)) {
      out.push(`${dir}${path.replace(/^\.\//, "")}`);
    }
  }
  return out;
}

/**
 * Parses the text output of `deno doc --lint` (with `NO_COLOR`) into findings.
 *
 * @example
 * ```ts ignore
 * import { parseDocLint } from "./doc_lint_test.ts";
 * const text = "error[missing-jsdoc]: exported symbol is missing JSDoc documentation\n  --> /a.ts:1:1\n";
 * console.log(parseDocLint(text)[0].rule); // "missing-jsdoc"
 * ```
 */
export function parseDocLint(text: string): DocFinding[] {
  const findings: DocFinding[] = [];
  for (const block of text.split(/\n(?=error\[)/)) {
    const head = /^error\[([\w-]+)\]: (.*)/.exec(block);
    if (head === null) continue;
    const lines = block.split("\n");
    const location = /-->\s*(\S+)/.exec(block)?.[1] ?? "";
    const finding: DocFinding = { rule: head[1], message: head[2], location };
    const ref = /references private type '([^']+)'/.exec(head[2]);
    if (ref !== null) {
      finding.referenced = ref[1];
      const mark = lines.findIndex((l) => l.includes("this is the referenced type"));
      const decl = mark > 0 ? /^\s*(\d+) \| (.*)$/.exec(lines[mark - 1]) : null;
      if (decl !== null) finding.declaration = { line: Number(decl[1]), text: decl[2] };
    }
    findings.push(finding);
  }
  return findings;
}

/** The lines of our `.ts` files, by path, for finding where a referenced type is declared. */
function ourSources(): Map<string, string[]> {
  const files = new Map<string, string[]>();
  const walk = (rel: string): void => {
    for (const e of Deno.readDirSync(`${root}${rel}`)) {
      if (e.isSymlink || e.name.startsWith(".") || e.name === "node_modules") continue;
      const child = `${rel}${e.name}`;
      if (e.isDirectory) walk(`${child}/`);
      else if (e.name.endsWith(".ts")) {
        files.set(child, Deno.readTextFileSync(`${root}${child}`).split("\n"));
      }
    }
  };
  walk("");
  return files;
}

/** Whether one of our files declares the referenced type at that line. */
function declaredByUs(
  decl: { line: number; text: string },
  sources: Map<string, string[]>,
): boolean {
  for (const lines of sources.values()) {
    if (lines[decl.line - 1]?.trim() === decl.text.trim()) return true;
  }
  return false;
}

/** The non-relative packages the entry points re-export from (not our `@avila/*` packages). */
function reexportedPackages(entries: string[]): string[] {
  const found = new Set<string>();
  for (const e of entries) {
    const src = Deno.readTextFileSync(`${root}${e}`);
    for (const m of src.matchAll(/^export\s[^;]*?\sfrom\s+"([^"]+)"/gms)) {
      const spec = m[1];
      if (!spec.startsWith(".") && !spec.startsWith("@avila/")) found.add(spec);
    }
  }
  return [...found].sort();
}

/**
 * The findings no exception covers, as readable lines.
 *
 * @example
 * ```ts ignore
 * import { unexcused } from "./doc_lint_test.ts";
 * console.log(unexcused([], ["mod.ts"]).length); // 0
 * ```
 */
export function unexcused(findings: DocFinding[], entries: string[]): string[] {
  const allowedNames = new Set(Object.values(DEPENDENCY_TYPES).flat());
  const reexports = reexportedPackages(entries);
  const pending = reexports.some((p) => REEXPORTED_DEPENDENCIES.includes(p));
  let sources: Map<string, string[]> | undefined;
  const bad: string[] = [];
  for (const f of findings) {
    const inOurTree = f.location.startsWith(root) && !f.location.includes("/node_modules/");
    if (!inOurTree && pending) continue;
    if (inOurTree && f.rule === "private-type-ref" && f.referenced !== undefined) {
      const name = f.referenced.split(/[.[]/)[0];
      sources ??= ourSources();
      const ours = f.declaration === undefined || declaredByUs(f.declaration, sources);
      if (!ours && allowedNames.has(name)) continue;
    }
    bad.push(`${f.message}\n    at ${f.location.replace(root, "")}`);
  }
  return bad;
}

Deno.test("deno doc --lint: every entry point of the three packages is clean", () => {
  const entries = entryPoints();
  const out = new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...entries],
    cwd: root,
    env: { NO_COLOR: "1" },
  }).outputSync();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const findings = parseDocLint(text);
  // A failure to run (not a lint result) must not pass as "no findings".
  if (!out.success) assert.ok(findings.length > 0, `deno doc failed:\n${text.slice(0, 2000)}`);
  const bad = unexcused(findings, entries);
  assert.deepEqual(bad, [], `${bad.length} deno doc --lint findings:\n${bad.join("\n")}`);
});

Deno.test("deno doc --lint: entry points re-export types only from the listed dependencies", () => {
  const stray = reexportedPackages(entryPoints()).filter((p) =>
    !REEXPORTED_DEPENDENCIES.includes(p)
  );
  assert.deepEqual(stray, [], "re-exporting a dependency's types drags its docs into ours");
});

Deno.test("deno doc --lint output is parsed into rule, location and referenced type", () => {
  const text = [
    "error[private-type-ref]: public type 'A' references private type 'B'",
    "  --> /x/a.ts:3:1",
    "   | ",
    " 3 | export type A = B;",
    "   | ^",
    "   = hint: make the referenced type public or remove the reference",
    "   | ",
    " 1 | type B = number;",
    "   | - this is the referenced type",
    "",
    "error[missing-jsdoc]: exported symbol is missing JSDoc documentation",
    "  --> /x/b.ts:7:3",
    "",
    "error: Found 2 documentation lint errors.",
  ].join("\n");
  assert.deepEqual(parseDocLint(text), [
    {
      rule: "private-type-ref",
      message: "public type 'A' references private type 'B'",
      location: "/x/a.ts:3:1",
      referenced: "B",
      declaration: { line: 1, text: "type B = number;" },
    },
    {
      rule: "missing-jsdoc",
      message: "exported symbol is missing JSDoc documentation",
      location: "/x/b.ts:7:3",
    },
  ]);
});
