/**
 * Bundles the dashboard's browser module (`client.ts` with our columnar reader) into one ES
 * module with `deno bundle --platform browser`. The dev server calls it at start-up.
 *
 * @module
 */

import { bundle } from "../_bundle.ts";

/**
 * Returns the bundled dashboard script. Needs `--allow-run` (it runs `deno bundle`) and
 * `--allow-write` (a temporary file). Throws `BundleError` when bundling fails.
 *
 * @example
 * ```ts ignore
 * import { buildDashboardScript } from "./build.ts";
 * const js = await buildDashboardScript();
 * console.log(js.length > 0); // true
 * ```
 */
export async function buildDashboardScript(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "avx_dashboard_" });
  try {
    const out = `${dir}/client.js`;
    await bundle(new URL("client.ts", import.meta.url), out, "browser");
    return await Deno.readTextFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
