// The fresh-machine claim, the way a new user meets it: a clean clone (of HEAD) in a temporary
// folder with an empty `.cache/`, the test task's first step, then the tests that need what it
// installs (an npm package run by Node, a Python package in the venv, workerd).

import assert from "node:assert/strict";

const root = new URL("..", import.meta.url).pathname;

async function run(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, output: text };
}

Deno.test({
  name: "test deps: a clean clone with an empty .cache gets what its interop tests need",
  // Installs from the registries into a temporary folder; a minute or two on a cold cache.
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "avx_fresh_clone_" });
    try {
      const clone = await run("git", ["clone", "--quiet", root, `${dir}/repo`], dir);
      assert.equal(clone.code, 0, clone.output);
      const repo = `${dir}/repo`;
      assert.throws(() => Deno.statSync(`${repo}/.cache`), "a clone starts without .cache");

      const first = await run(Deno.execPath(), ["run", "-A", "tools/test_deps.ts"], repo);
      assert.equal(first.code, 0, first.output);
      const check = await run(
        Deno.execPath(),
        ["run", "-A", "tools/test_deps.ts", "--check"],
        repo,
      );
      assert.equal(check.code, 0, check.output);

      const tests = [
        "columnar/ipc/interop_polars_test.ts",
        "compress/snappy/framing_python_test.ts",
        "examples/workers/workers_test.ts",
      ];
      const suite = await run(Deno.execPath(), ["test", "-A", ...tests], repo);
      assert.equal(suite.code, 0, suite.output);
      assert.match(suite.output, /\| [1-9]\d* passed .*\| 0 failed/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
