/**
 * Builds the example Worker for `workerd` / Cloudflare: `deno bundle --platform browser` turns
 * `worker.ts` (and the local KV backend `local_kv.ts`) into single ES modules with every npm
 * dependency inlined; `node:*` imports stay external, as Workers' `nodejs_compat` provides them.
 * The workerd config is copied beside the bundles, since it embeds them by relative path.
 *
 * ```sh
 * deno run -A examples/workers/build.ts [outDir]   # default .cache/workers
 * ```
 *
 * @module
 */

/** What a build produced. */
export interface WorkerBuild {
  /** Directory holding `worker.js`, `local_kv.js` and `workerd.capnp`. */
  outDir: string;
  /** The Worker bundle. */
  worker: string;
  /** The workerd config, next to the bundles. */
  config: string;
}

/** A bundling step failed; `stderr` is `deno bundle`'s output. */
export class WorkerBuildError extends Error {
  /** Machine-readable reason. */
  readonly code = "bundle-failed";
  /** What `deno bundle` printed. */
  readonly stderr: string;

  /**
   * @param entry the module that failed to bundle
   * @param stderr `deno bundle`'s error output
   */
  constructor(entry: string, stderr: string) {
    super(`deno bundle ${entry} failed:\n${stderr}`);
    this.name = "WorkerBuildError";
    this.stderr = stderr;
  }
}

const here = new URL(".", import.meta.url);
const root = new URL("../../", import.meta.url);

async function bundle(entry: URL, out: string): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--config",
      new URL("deno.json", root).pathname,
      "--platform",
      "browser",
      "--format",
      "esm",
      "--minify",
      "--keep-names",
      "-o",
      out,
      entry.pathname,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new WorkerBuildError(entry.pathname, new TextDecoder().decode(stderr));
}

/**
 * Bundles the Worker and the local KV backend into `outDir` and copies `workerd.capnp` there.
 *
 * @example
 * ```ts ignore
 * import { buildWorker } from "./build.ts";
 * const { config } = await buildWorker(await Deno.makeTempDir());
 * console.log(config.endsWith("workerd.capnp")); // true
 * ```
 */
export async function buildWorker(outDir: string): Promise<WorkerBuild> {
  await Deno.mkdir(outDir, { recursive: true });
  const worker = `${outDir}/worker.js`;
  const config = `${outDir}/workerd.capnp`;
  await Promise.all([
    bundle(new URL("worker.ts", here), worker),
    bundle(new URL("local_kv.ts", here), `${outDir}/local_kv.js`),
  ]);
  await Deno.copyFile(new URL("workerd.capnp", here), config);
  return { outDir, worker, config };
}

if (import.meta.main) {
  const out = Deno.args[0] ?? new URL(".cache/workers", root).pathname;
  const built = await buildWorker(out);
  const size = (await Deno.stat(built.worker)).size;
  console.log(`built ${built.worker} (${(size / 1024).toFixed(0)} KiB) and ${built.config}`);
}
