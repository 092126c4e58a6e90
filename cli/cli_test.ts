import assert from "node:assert/strict";
import { concat, Rng, runTool, sampleData } from "../compress/platform/_test_tools.ts";
import { runCli } from "./mod.ts";
import { registerCommand } from "./registry.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;
const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-net"];
const data = sampleData(new Rng(3), 400_000);

async function avx(
  args: string[],
  stdin: Uint8Array = new Uint8Array(0),
): Promise<{ code: number; stdout: Uint8Array; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", ...PERMS, MAIN, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  const writing = w.write(stdin).then(() => w.close()).catch(() => {});
  const out = await child.output();
  await writing;
  return { code: out.code, stdout: out.stdout, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("cli: compress -a zstd IN OUT is read by the real zstd; files for every tool", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = `${dir}/in.bin`;
    await Deno.writeFile(input, data);
    const cases: [string, string, string[]][] = [
      ["zstd", "zstd", ["-d", "-c", "-q"]],
      ["lz4", "lz4", ["-d", "-c"]],
      ["gzip", "gzip", ["-d", "-c"]],
      ["br", "brotli", ["-d", "-c"]],
    ];
    for (const [alg, tool, dArgs] of cases) {
      const out = `${dir}/out.${alg}`;
      const r = await avx(["compress", "-a", alg, "-l", "max", input, out]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, "");
      assert.deepEqual(await runTool(tool, dArgs, await Deno.readFile(out)), data, alg);
    }
    // Default output name: IN + suffix.
    const r = await avx(["compress", "-a", "lz4", input]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await runTool("lz4", ["-d", "-c"], await Deno.readFile(`${input}.lz4`)), data);
    // ... and decompress strips it again (-f: in.bin exists).
    const d = await avx(["decompress", "-a", "auto", "-f", `${input}.lz4`]);
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(await Deno.readFile(input), data);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: stdin to stdout pipes, and decompress of tool-made data", async () => {
  for (const alg of ["zstd", "gzip", "lz4", "snappy", "br", "deflate"]) {
    const packed = await avx(["compress", "-a", alg], data);
    assert.equal(packed.code, 0, packed.stderr);
    const back = await avx(["decompress", "-a", alg, "-", "-"], packed.stdout);
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(back.stdout, data, alg);
  }
  const made: [string, Uint8Array][] = [
    ["zstd", await runTool("zstd", ["-c", "-q"], data)],
    ["gzip", await runTool("gzip", ["-c"], data)],
    ["lz4", await runTool("lz4", ["-c", "-9"], data)],
  ];
  for (const [alg, bytes] of made) {
    for (const a of [alg, "auto"]) {
      const r = await avx(["decompress", "-a", a], bytes);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout, data, `${alg} via -a ${a}`);
    }
  }
  const br = await avx(["decompress", "-a", "br"], await runTool("brotli", ["-c"], data));
  assert.deepEqual(br.stdout, data);
});

Deno.test("cli: bad arguments and bad data exit non-zero with one line on stderr", async () => {
  const cases: [string[], Uint8Array | undefined, number, RegExp][] = [
    [["compress", "-a", "lzma"], undefined, 2, /unknown algorithm "lzma"/],
    [["compress"], undefined, 2, /missing -a/],
    [["compress", "-a", "zstd", "-l", "99"], undefined, 2, /level 99/],
    [["compress", "-a", "zstd", "--bogus"], undefined, 2, /unknown option --bogus/],
    [["frobnicate"], undefined, 2, /unknown command "frobnicate"/],
    [["decompress", "-a", "zstd", "/nonexistent/x.zst", "-"], undefined, 1, /no such file/],
    [["decompress", "-a", "zstd"], new TextEncoder().encode("not zstd at all"), 1, /corrupt/],
    [["decompress", "-a", "auto"], new TextEncoder().encode("plain text"), 1, /not a recognised/],
    [
      ["decompress", "-a", "gzip", "--max-output", "1K"],
      await runTool("gzip", ["-c"], data),
      1,
      /limit/,
    ],
    [["compress", "-a", "zstd", "a", "b", "c"], undefined, 2, /too many arguments/],
  ];
  for (const [args, stdin, code, pattern] of cases) {
    const r = await avx(args, stdin);
    assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, `one line: ${r.stderr}`);
    assert.ok(r.stderr.startsWith("avx: "));
    assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/, "no stack trace");
  }
  const none = await avx([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Usage: avx/);
});

Deno.test("cli: an existing output is kept unless -f; a failed run leaves no partial file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = `${dir}/in.bin`;
    await Deno.writeFile(input, data);
    await Deno.writeFile(`${dir}/out.zst`, new Uint8Array([1, 2, 3]));
    const r = await avx(["compress", "-a", "zstd", input, `${dir}/out.zst`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already exists/);
    assert.deepEqual(await Deno.readFile(`${dir}/out.zst`), new Uint8Array([1, 2, 3]));
    const f = await avx(["compress", "-a", "zstd", "-f", input, `${dir}/out.zst`]);
    assert.equal(f.code, 0, f.stderr);
    const packed = await Deno.readFile(`${dir}/out.zst`);
    await Deno.writeFile(`${dir}/cut.zst`, packed.subarray(0, packed.length - 10));
    const bad = await avx(["decompress", "-a", "zstd", `${dir}/cut.zst`, `${dir}/cut.out`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /truncated/);
    await assert.rejects(Deno.stat(`${dir}/cut.out`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: runCli in process with injected streams, --help, and a registered command", async () => {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const io = {
    stdin: ReadableStream.from([data]),
    stdout: new WritableStream<Uint8Array>({ write: (c) => void out.push(c) }),
    stderr: new WritableStream<Uint8Array>({ write: (c) => void err.push(c) }),
  };
  assert.equal(await runCli(["compress", "-a", "zstd"], io), 0);
  assert.deepEqual(await runTool("zstd", ["-d", "-c", "-q"], concat(out)), data);
  const help: Uint8Array[] = [];
  const helpIo = { stdout: new WritableStream<Uint8Array>({ write: (c) => void help.push(c) }) };
  assert.equal(await runCli(["--help"], helpIo), 0);
  const text = new TextDecoder().decode(concat(help));
  assert.match(text, /compress/);
  assert.match(text, /decompress/);
  registerCommand({
    name: "inspect-test",
    summary: "test command",
    usage: "avx inspect-test",
    run: (args) => Promise.resolve(args.length === 1 ? 0 : 3),
  });
  assert.equal(await runCli(["inspect-test", "x"], helpIo), 0);
  assert.equal(await runCli(["inspect-test"], helpIo), 3);
  assert.equal(err.length, 0);
});

Deno.test("cli: compress -a columnar --dtype f64 IN OUT, -a auto, and decompress both", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const v = Float64Array.from(
      { length: 40_000 },
      (_, i) => Math.round(Math.sin(i / 90) * 1e5) / 100,
    );
    v[7] = NaN;
    v[8] = -0;
    const raw = new Uint8Array(v.buffer);
    const input = `${dir}/walk.f64`;
    await Deno.writeFile(input, raw);
    const c = await avx(["compress", "-a", "columnar", "--dtype", "f64", input, `${dir}/w.col`]);
    assert.equal(c.code, 0, c.stderr);
    const frame = await Deno.readFile(`${dir}/w.col`);
    assert.ok(frame.length < raw.length / 3, `columnar ratio ${raw.length / frame.length}`);
    for (const a of ["columnar", "auto"]) {
      const d = await avx(["decompress", "-a", a, "-c", `${dir}/w.col`]);
      assert.equal(d.code, 0, d.stderr);
      assert.deepEqual(d.stdout, raw, a);
    }
    // auto from stdin to stdout, reporting its choice on stderr
    const auto = await avx(["compress", "-a", "auto", "--speed", "fast"], raw);
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(auto.stderr, /^auto: columnar .*fast budget/);
    const back = await avx(["decompress", "-a", "auto"], auto.stdout);
    assert.deepEqual(back.stdout, raw);
    // text through auto picks zstd, which the real zstd tool reads
    const text = await avx(["compress", "-a", "auto"], data);
    assert.match(text.stderr, /^auto: zstd/);
    assert.deepEqual(await runTool("zstd", ["-d", "-c", "-q"], text.stdout), data);
    // bad usage
    const bad = await avx(["compress", "-a", "columnar", "--dtype", "f128", input, `${dir}/x`]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad --dtype/);
    const odd = await avx(
      ["compress", "-a", "columnar", "--dtype", "f64", "-c"],
      raw.subarray(0, 13),
    );
    assert.equal(odd.code, 1);
    assert.match(odd.stderr, /corrupt/);
    const corrupt = frame.slice();
    corrupt[corrupt.length - 5] ^= 0xff;
    const cd = await avx(["decompress", "-a", "columnar"], corrupt);
    // A flipped byte is refused, or (in bits the decoder never reads, such as the padding of an
    // entropy-coded stream) yields exactly the original data: the content checksum decides.
    if (cd.code === 0) assert.deepEqual(cd.stdout, raw);
    else {
      assert.equal(cd.code, 1);
      assert.match(cd.stderr, /corrupt|checksum/);
    }
    for (const at of [40, Math.floor(frame.length / 2)]) {
      const bad = frame.slice();
      bad[at] ^= 0x10;
      const r = await avx(["decompress", "-a", "columnar"], bad);
      if (r.code === 0) assert.deepEqual(r.stdout, raw, `flip at ${at}`);
      else assert.match(r.stderr, /corrupt|checksum/, `flip at ${at}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
