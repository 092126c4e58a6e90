/**
 * `deno task bench`: runs every benchmark in this folder (each `*.ts` except `main.ts` and
 * `_`-prefixed helpers) in sequence, each in its own `deno run -A` process, passing the task's
 * arguments through. Exits non-zero if any benchmark failed.
 *
 * @module
 */

const here = new URL(".", import.meta.url);
const names: string[] = [];
for (const e of Deno.readDirSync(here)) {
  if (e.isFile && e.name.endsWith(".ts") && e.name !== "main.ts" && !e.name.startsWith("_")) {
    names.push(e.name);
  }
}
names.sort();
let failed = 0;
for (const name of names) {
  const path = new URL(name, here).pathname;
  console.error(`\n=== bench/${name} ===`);
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", path, ...Deno.args],
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) {
    failed++;
    console.error(`bench/${name} failed with exit code ${status.code}`);
  }
}
if (failed > 0) Deno.exit(1);
