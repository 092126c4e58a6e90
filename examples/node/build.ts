/**
 * Bundles `examples/node/server.ts` into one ES module for Node.js (`deno bundle --platform
 * deno`, npm dependencies inlined, `node:*` builtins imported from Node).
 *
 * ```sh
 * deno run -A examples/node/build.ts [outDir]   # default .cache/node; then node <outDir>/server.mjs
 * ```
 *
 * @module
 */

import { bundle } from "../_bundle.ts";

/**
 * Builds `<outDir>/server.mjs` and returns its path. Throws `BundleError` (from `../_bundle.ts`)
 * when bundling fails.
 *
 * @example
 * ```ts ignore
 * import { buildNodeServer } from "./build.ts";
 * console.log(await buildNodeServer(await Deno.makeTempDir())); // ".../server.mjs"
 * ```
 */
export async function buildNodeServer(outDir: string): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  const out = `${outDir}/server.mjs`;
  await bundle(new URL("server.ts", import.meta.url), out, "deno");
  // CommonJS packages in the bundle (`ws`, under @hono/node-ws) call require() for Node's
  // builtins, which an ES module does not have: give the bundle one.
  const code = await Deno.readTextFile(out);
  await Deno.writeTextFile(
    out,
    'import { createRequire as __avxCreateRequire } from "node:module";\n' +
      "const require = __avxCreateRequire(import.meta.url);\n" + code,
  );
  return out;
}

if (import.meta.main) {
  const out = Deno.args[0] ?? new URL("../../.cache/node", import.meta.url).pathname;
  console.log(`built ${await buildNodeServer(out)}`);
}
