/**
 * Builds the npm package of `@avila/avx-http` into `dist/npm` (or the folder given): one ES module
 * per entry point (`deno bundle`; the workspace packages inlined, Hono and the other npm
 * dependencies left as imports of the package's `dependencies`), `.d.ts` declarations (`tsc
 * --emitDeclarationOnly` from npm `typescript`), the `avx` binary and a package.json.
 *
 * ```sh
 * deno task build:npm            # then: cd dist/npm && npm pack
 * ```
 *
 * @module
 */

const root = new URL("../../", import.meta.url).pathname;
const TYPESCRIPT = "npm:typescript@5.9.3/tsc";

/** Entry points: export path, source file, bundle name. */
const ENTRIES: [string, string, string][] = [
  [".", "mod.ts", "mod"],
  ["./server", "server/mod.ts", "server"],
  ["./client", "client/mod.ts", "client"],
  ["./middleware", "middleware/mod.ts", "middleware"],
  ["./cli", "cli/mod.ts", "cli"],
  ["./cloudflare", "middleware/cloudflare/mod.ts", "cloudflare"],
];

/** npm packages the entries import at run time: dependencies of the package, not bundled. */
const DEPENDENCIES = ["hono", "@hono/zod-openapi", "zod", "jose", "@opentelemetry/api"];

/**
 * npm packages loaded only by a feature that needs them (the Redis stores load `@redis/client` on
 * first use): optional peer dependencies, not bundled, installed by the users of that feature.
 */
const OPTIONAL_PEERS = ["@hono/node-server", "@redis/client"];

/** A build step failed; `output` is the tool's stderr. */
export class NpmBuildError extends Error {
  /** Stable code of this error. */
  readonly code = "npm-build-failed";
  /** What the failing tool printed. */
  readonly output: string;

  /**
   * @example
   * ```ts
   * import { NpmBuildError } from "./build.ts";
   * console.log(new NpmBuildError("tsc", "boom").code); // "npm-build-failed"
   * ```
   */
  constructor(step: string, output: string) {
    super(`${step} failed:\n${output}`);
    this.name = "NpmBuildError";
    this.output = output;
  }
}

async function tool(step: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const text = new TextDecoder();
    throw new NpmBuildError(step, text.decode(out.stdout) + text.decode(out.stderr));
  }
}

function externals(): string[] {
  return [...DEPENDENCIES, ...OPTIONAL_PEERS].flatMap((
    d,
  ) => ["--external", d, "--external", `${d}/*`]);
}

async function bundle(entry: string, out: string, inline: boolean): Promise<void> {
  await tool(`deno bundle ${entry}`, [
    "bundle",
    "--quiet",
    "--config",
    `${root}deno.json`,
    "--platform",
    "deno",
    "--format",
    "esm",
    ...(inline ? [] : externals()),
    "-o",
    out,
    `${root}${entry}`,
  ]);
}

/** Rewrites the declarations' specifiers so they resolve inside the package. */
async function fixDeclarations(dir: string, typesRoot: string): Promise<void> {
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) {
      await fixDeclarations(path, typesRoot);
      continue;
    }
    if (!e.name.endsWith(".d.ts")) continue;
    const rel = (target: string): string => {
      const depth = path.slice(typesRoot.length + 1).split("/").length - 1;
      return `${depth === 0 ? "./" : "../".repeat(depth)}${target}`;
    };
    const text = await Deno.readTextFile(path);
    // Only import/export specifiers (`from "..."`, `import("...")`), not JSDoc examples.
    const fixed = text.replace(
      /^(\s*(?:import|export)\b[^\n]*?\bfrom\s+|[^\n*]*?\bimport\()"([^"]+)"/gm,
      (_m: string, head: string, spec: string) => {
        let s = spec;
        const workspace = s.match(/^@avila\/(compress|arrow)(\/.*)?$/);
        if (workspace) s = rel(workspaceFile(workspace[1], workspace[2]).replace(/\.ts$/, ".js"));
        else if (s.startsWith(".") && s.endsWith(".ts")) s = s.slice(0, -3) + ".js";
        return `${head}"${s}"`;
      },
    );
    if (fixed !== text) await Deno.writeTextFile(path, fixed);
  }
}

const WORKSPACE_DIRS = { compress: "compress", arrow: "columnar" } as const;

/** The `exports` map of a workspace package (`@avila/compress` or `@avila/arrow`). */
function workspaceExports(pkg: keyof typeof WORKSPACE_DIRS): Record<string, string> {
  const config = JSON.parse(Deno.readTextFileSync(`${root}${WORKSPACE_DIRS[pkg]}/deno.json`));
  return typeof config.exports === "string" ? { ".": config.exports } : config.exports;
}

/** The repository path (`compress/lz4/mod.ts`) of a workspace package's entry (`/lz4`). */
function workspaceFile(pkg: string, sub: string | undefined): string {
  const key = pkg as keyof typeof WORKSPACE_DIRS;
  const target = workspaceExports(key)[sub === undefined ? "." : `.${sub}`];
  if (target === undefined) {
    throw new NpmBuildError("declarations", `@avila/${pkg}${sub ?? ""} is not an export`);
  }
  return `${WORKSPACE_DIRS[key]}/${target.replace(/^\.\//, "")}`;
}

function versionOf(imports: Record<string, string>, name: string): string {
  const spec = imports[name];
  const m = spec?.match(/^npm:(?:@[^/]+\/)?[^@]+@(.+)$/);
  if (!m) throw new NpmBuildError("package.json", `no npm version for ${name} in deno.json`);
  return m[1];
}

/**
 * Builds the package into `outDir` (emptied first) and returns the path of its package.json.
 *
 * @example
 * ```ts ignore
 * import { buildNpm } from "./build.ts";
 * console.log(await buildNpm(await Deno.makeTempDir())); // ".../package.json"
 * ```
 */
export async function buildNpm(outDir: string): Promise<string> {
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${outDir}/esm`, { recursive: true });
  await Deno.mkdir(`${outDir}/bin`, { recursive: true });
  const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`));

  await Promise.all(
    ENTRIES.map(([, src, name]) => bundle(src, `${outDir}/esm/${name}.js`, false)),
  );
  const bin = `${outDir}/bin/avx.js`;
  await bundle("tools/npm/avx.ts", bin, true);
  // CommonJS inside the shim calls require() for Node's builtins: give the ES module one.
  await Deno.writeTextFile(
    bin,
    "#!/usr/bin/env node\n" +
      'import { createRequire as __avxCreateRequire } from "node:module";\n' +
      "const require = __avxCreateRequire(import.meta.url);\n" + await Deno.readTextFile(bin),
  );

  const types = `${outDir}/types`;
  const tsconfig = `${outDir}/tsconfig.build.json`;
  await Deno.writeTextFile(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        module: "esnext",
        moduleResolution: "bundler",
        lib: ["es2022", "dom", "dom.iterable"],
        allowImportingTsExtensions: true,
        declaration: true,
        emitDeclarationOnly: true,
        // Declarations come from the explicit types (JSR's no-slow-types rule); the code is
        // type-checked by `deno check`, whose Deno globals tsc does not know.
        noCheck: true,
        strict: true,
        rootDir: root,
        outDir: types,
        paths: Object.fromEntries(
          (["compress", "arrow"] as const).flatMap((pkg) =>
            Object.keys(workspaceExports(pkg)).map((sub) => [
              `@avila/${pkg}${sub === "." ? "" : sub.slice(1)}`,
              [`${root}${workspaceFile(pkg, sub === "." ? undefined : sub.slice(1))}`],
            ])
          ),
        ),
      },
      files: ENTRIES.map(([, src]) => `${root}${src}`),
    }),
  );
  await tool("tsc", ["run", "-A", TYPESCRIPT, "-p", tsconfig]);
  await Deno.remove(tsconfig);
  await fixDeclarations(types, types);

  const imports: Record<string, string> = config.imports;
  const pkg = {
    name: config.name,
    version: config.version,
    license: config.license,
    description: "Edge HTTP framework on Hono: auth, rate limits, cost, compression, Arrow IPC",
    type: "module",
    exports: Object.fromEntries(
      ENTRIES.map(([path, src, name]) => [path, {
        types: `./types/${src.replace(/\.ts$/, ".d.ts")}`,
        default: `./esm/${name}.js`,
      }]),
    ),
    bin: { avx: "./bin/avx.js" },
    files: ["esm", "types", "bin", "README.md", "LICENSE"],
    engines: { node: ">=20" },
    dependencies: Object.fromEntries(DEPENDENCIES.map((d) => [d, versionOf(imports, d)])),
    peerDependencies: Object.fromEntries(
      OPTIONAL_PEERS.map((d) => [d, `^${versionOf(imports, d)}`]),
    ),
    peerDependenciesMeta: Object.fromEntries(OPTIONAL_PEERS.map((d) => [d, { optional: true }])),
  };
  await Deno.copyFile(`${root}README.md`, `${outDir}/README.md`);
  await Deno.copyFile(`${root}LICENSE`, `${outDir}/LICENSE`);
  const out = `${outDir}/package.json`;
  await Deno.writeTextFile(out, JSON.stringify(pkg, null, 2) + "\n");
  return out;
}

if (import.meta.main) {
  const out = Deno.args[0] ?? `${root}dist/npm`;
  console.log(`built ${await buildNpm(out)}`);
}
