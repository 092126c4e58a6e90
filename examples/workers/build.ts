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

import { bundle } from "../_bundle.ts";

/** What a build produced. */
export interface WorkerBuild {
  /** Directory holding `worker.js`, `local_kv.js` and `workerd.capnp`. */
  outDir: string;
  /** The Worker bundle. */
  worker: string;
  /** The workerd config, next to the bundles. */
  config: string;
}

const here = new URL(".", import.meta.url);
const root = new URL("../../", import.meta.url);

/**
 * Bundles the Worker and the local KV backend into `outDir` and copies `workerd.capnp` there.
 * Throws `BundleError` (from `../_bundle.ts`) when bundling fails.
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
    bundle(new URL("worker.ts", here), worker, "browser"),
    bundle(new URL("local_kv.ts", here), `${outDir}/local_kv.js`, "browser"),
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
