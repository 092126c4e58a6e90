import assert from "node:assert/strict";
import { runTool } from "../platform/_test_tools.ts";
import { sourceText } from "./_test_corpora.ts";

const PROBE = new URL("./_memory_probe.ts", import.meta.url).pathname;

async function probe(mode: string, count: number, seed: Uint8Array) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", PROBE, mode, String(count)],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(seed);
  await w.close();
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `probe ${mode} failed: ${stderr}`);
  const report = JSON.parse(stderr.trim().split("\n").at(-1)!);
  return { ...report, stdout: new TextDecoder().decode(out.stdout) };
}

Deno.test("10,000 hostile brotli inputs keep RSS flat and print nothing (vs node:zlib)", async () => {
  // The Rust decoder behind Deno's node:zlib leaks blocks on some of these (and prints
  // "leaking memory block ..." to stdout); the request path must not.
  const seed = await runTool("brotli", ["-c", "-q", "5"], sourceText(200_000));
  const ours = await probe("ours", 10_000, seed);
  const native = await probe("node-zlib", 10_000, seed);
  console.log(
    `10,000 hostile inputs: ours RSS ${ours.rssGrowthMiB.toFixed(1)} MiB, printed ` +
      `${ours.stdout.length} bytes; node:zlib RSS ${native.rssGrowthMiB.toFixed(1)} MiB, ` +
      `printed ${native.stdout.split("\n").filter(Boolean).length} leak lines`,
  );
  assert.equal(ours.stdout, "", "nothing is printed");
  assert.ok(ours.rssGrowthMiB < 24, `RSS grew ${ours.rssGrowthMiB} MiB`);
});
