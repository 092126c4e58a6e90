// The reference Python for interop tests: the venv at .cache/py (pyarrow, duckdb, numpy),
// which the test bootstrap creates. Tests fail loudly, never skip, when it is missing.
import assert from "node:assert/strict";

export const PYTHON: string = new URL("../.cache/py/bin/python", import.meta.url).pathname;

/** Runs `script` with `stdin` on the reference venv and returns its stdout bytes. */
export async function python(script: string, stdin: Uint8Array): Promise<Uint8Array> {
  try {
    await Deno.stat(PYTHON);
  } catch {
    throw new Error(
      `${PYTHON} is missing: these tests need a venv there with pyarrow, duckdb and numpy ` +
        `(python3 -m venv .cache/py && .cache/py/bin/pip install pyarrow duckdb numpy)`,
    );
  }
  const child = new Deno.Command(PYTHON, {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(stdin);
  await w.close();
  const out = await child.output();
  assert.equal(out.code, 0, `reference python failed: ${new TextDecoder().decode(out.stderr)}`);
  return out.stdout;
}
