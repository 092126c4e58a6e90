// The unit run's permission fence, tried for real: a child `deno test` with the unit run's
// arguments may spawn Deno and nothing else. It starts a second test runner (seconds of CPU), so
// `deno task test:unit` leaves it to `deno task test` (tools/test_unit.ts).
import assert from "node:assert/strict";
import { unitTestArgs } from "./test_unit.ts";

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
