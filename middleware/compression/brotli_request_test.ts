import assert from "node:assert/strict";
import { rng } from "../../compress/_test_rng.ts";
import { run } from "../../server/_test_util.ts";

const FIXTURE = new URL("./_test_brotli_server.ts", import.meta.url).pathname;

/** brotli CLI output for `data`. */
async function brotliCli(data: Uint8Array): Promise<Uint8Array> {
  const out = await run("brotli", ["-c", "-q", "5"], data);
  assert.equal(out.code, 0, `brotli CLI: ${out.stderr}`);
  return out.stdout;
}

Deno.test("over a real socket: hostile brotli request bodies get problems, the server prints nothing", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", FIXTURE],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  // The first stderr line is the address.
  const errReader = child.stderr.getReader();
  let err = "";
  while (!err.includes("\n")) {
    const r = await errReader.read();
    if (r.done) break;
    err += new TextDecoder().decode(r.value);
  }
  const { url } = JSON.parse(err.split("\n")[0]);
  const stdin = child.stdin.getWriter();
  try {
    // Real text (this repository's compress/ sources, ~200 KB): flipped bits in its brotli
    // stream are what makes node:zlib's decoder leak.
    const dir = new URL("../../compress/", import.meta.url);
    const text = new TextEncoder().encode(
      [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".ts"))
        .map((e) => e.name).sort().map((n) => Deno.readTextFileSync(new URL(n, dir))).join("")
        .slice(0, 200_000),
    );
    const valid = await brotliCli(text);
    const ok = await fetch(url + "/len", {
      method: "POST",
      body: valid as Uint8Array<ArrayBuffer>,
      headers: { "content-encoding": "br" },
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { bytes: text.length });

    // Bit-flipped copies of the stream: each is a 400 problem (or, rarely, still decodes).
    const r = rng(11);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const x = valid.slice();
      x[8 + ((r() * (x.length - 16)) | 0)] ^= 1 << ((r() * 8) | 0);
      const res = await fetch(url + "/len", {
        method: "POST",
        body: x as Uint8Array<ArrayBuffer>,
        headers: { "content-encoding": "br" },
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status !== 200) {
        assert.equal(res.headers.get("content-type"), "application/problem+json");
        const p = await res.json();
        assert.ok(!JSON.stringify(p).includes("    at "), "no stack trace");
      } else await res.body?.cancel();
      assert.ok(res.status === 200 || res.status === 400 || res.status === 413, `${res.status}`);
    }
    assert.ok((statuses.get(400) ?? 0) > 100, JSON.stringify([...statuses]));
  } finally {
    await stdin.write(new TextEncoder().encode("stop\n")).catch(() => {});
    await stdin.close().catch(() => {});
    errReader.releaseLock();
    await child.stderr.cancel().catch(() => {});
    await child.status;
  }
  assert.equal(await stdout, "", "the server printed nothing");
});
