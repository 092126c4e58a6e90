import assert from "node:assert/strict";

const root = new URL("../", import.meta.url).pathname;

async function deno(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

for (
  const [label, entry] of [
    ["path cli/mod.ts", "cli/mod.ts"],
    ["package name jsr:@avila/avx-http/cli", "jsr:@avila/avx-http/cli"],
  ]
) {
  Deno.test(`cli entry: deno run ${label} --help prints the usage and exits 0`, async () => {
    const r = await deno(["run", "-q", "-A", entry, "--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /Usage: avx <command>/);
    assert.match(r.stdout + r.stderr, /compress/);
  });
}

Deno.test("cli entry: deno run cli/mod.ts with a bad command exits 2 with one line", async () => {
  const r = await deno(["run", "-q", "-A", "cli/mod.ts", "no-such-command"]);
  assert.equal(r.code, 2);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

Deno.test("cli entry: importing @avila/avx-http/cli runs nothing", async () => {
  const r = await deno([
    "eval",
    'const m = await import("@avila/avx-http/cli"); console.log(typeof m.runCli);',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "function\n");
  assert.equal(r.stderr, "");
});
