// One ES module out of an entry point, with `deno bundle`: every npm and local import inlined,
// `node:*` builtins left as imports (workerd's nodejs_compat, Node and Deno provide them).

const root = new URL("../", import.meta.url);

/** A bundling step failed; `stderr` is `deno bundle`'s output. */
export class BundleError extends Error {
  readonly code = "bundle-failed";
  readonly stderr: string;

  constructor(entry: string, stderr: string) {
    super(`deno bundle ${entry} failed:\n${stderr}`);
    this.name = "BundleError";
    this.stderr = stderr;
  }
}

/**
 * Bundles `entry` into `out`. `platform` picks package export conditions: "browser" for browsers
 * and Workers, "deno" for Node and Deno (server builds of dependencies).
 */
export async function bundle(
  entry: URL,
  out: string,
  platform: "browser" | "deno",
  options: { minify?: boolean } = {},
): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--config",
      new URL("deno.json", root).pathname,
      "--platform",
      platform,
      "--format",
      "esm",
      ...(options.minify === false ? [] : ["--minify", "--keep-names"]),
      "-o",
      out,
      entry.pathname,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new BundleError(entry.pathname, new TextDecoder().decode(stderr));
}
