import assert from "node:assert/strict";
import { NEEDS_TOOLS, SLOW, unitTestArgs, unitTestFiles } from "./test_unit.ts";

const root = new URL("../", import.meta.url).pathname;

Deno.test("test:unit: every file listed as needing tools or as slow is a test file that exists", () => {
  for (const file of [...Object.keys(NEEDS_TOOLS), ...Object.keys(SLOW)]) {
    assert.ok(file.endsWith("_test.ts"), file);
    assert.ok(Deno.statSync(`${root}${file}`).isFile, file);
  }
});

Deno.test("test:unit: the unit files are every *_test.ts but those needing tools or slow", () => {
  const files = unitTestFiles();
  assert.ok(files.includes("tools/test_unit_test.ts"));
  assert.ok(files.includes("cli/entry_test.ts"));
  for (const f of files) assert.ok(!(f in NEEDS_TOOLS) && !(f in SLOW), f);
  assert.ok(!files.some((f) => f.startsWith(".cache/") || f.includes("node_modules/")));
});

Deno.test("test:unit: a unit run cannot spawn an external tool, only Deno", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/spawn_test.ts`,
      `Deno.test("spawns deno", async () => {
        const r = await new Deno.Command(Deno.execPath(), { args: ["--version"], stdout: "null" }).output();
        if (!r.success) throw new Error("deno failed");
      });
      Deno.test("spawns a tool", async () => {
        await new Deno.Command("true").output();
      });`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      // --no-check: what is tested is the permission, not the types (saves a type check).
      args: ["test", "--no-check", ...unitTestArgs([`${dir}/spawn_test.ts`]).slice(1)].filter((a) =>
        a !== "--quiet"
      ),
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.notEqual(out.code, 0, text);
    assert.match(text, /spawns deno \.\.\. ok/);
    assert.match(text, /spawns a tool \.\.\. FAILED/);
    assert.match(text, /Requires run access to "true"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
