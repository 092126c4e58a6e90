// The npm package as a Node user meets it: built by tools/npm/build.ts, packed with `npm pack`,
// installed from the tarball into a fresh Node project (with @hono/node-server and typescript
// from the registry), then plain Node serves an app and calls it, `npx avx --help` runs the CLI
// and `tsc --noEmit` type-checks a small TS file against the package's declarations.
import assert from "node:assert/strict";
import { buildNpm } from "./build.ts";

const NODE_SERVER = "@hono/node-server@2.1.8";
const TYPESCRIPT = "typescript@5.9.3";

async function run(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { npm_config_update_notifier: "false", npm_config_fund: "false" },
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

async function ok(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await run(cmd, args, cwd);
  assert.equal(r.code, 0, `${cmd} ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const APP = `
import { serve } from "@hono/node-server";
import { Route, Server } from "@avila/avx-http";
import { runCli } from "@avila/avx-http/cli";

const app = new Server()
  .route("/api/data", Route.get((c) => c.json({ ok: true, runtime: "node" })))
  .withCompression()
  .build();
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, async (info) => {
  try {
    const res = await fetch(\`http://127.0.0.1:\${info.port}/api/data\`, {
      signal: AbortSignal.timeout(10_000),
    });
    const missing = await fetch(\`http://127.0.0.1:\${info.port}/nope\`, {
      signal: AbortSignal.timeout(10_000),
    });
    console.log(JSON.stringify({
      status: res.status,
      body: await res.json(),
      missing: missing.status,
      missingType: missing.headers.get("content-type"),
      runCli: typeof runCli,
    }));
  } finally {
    server.close();
  }
});
`;

const TYPED = `
import { Route, Server } from "@avila/avx-http";
import { runCli } from "@avila/avx-http/cli";
import type { RetryOptions } from "@avila/avx-http/client";

const app = new Server().route("/x", Route.get((c) => c.json({ ok: true }))).build();
const res: Response | Promise<Response> = app.fetch(new Request("http://h/x"));
const code: Promise<number> = runCli(["--help"]);
const opts: RetryOptions | undefined = undefined;
// @ts-expect-error: runCli takes an array of arguments
runCli("--help");
export { code, opts, res };
`;

Deno.test("npm package: tarball installs into a fresh Node project; serves, npx avx, tsc", async () => {
  const dir = await Deno.makeTempDir({ prefix: "avx-npm-" });
  try {
    const pkgDir = `${dir}/pkg`;
    await buildNpm(pkgDir);
    const packed = JSON.parse(
      await ok("npm", ["pack", "--json", "--pack-destination", dir], pkgDir),
    );
    const tarball = `${dir}/${packed[0].filename}`;
    const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
    assert.ok(files.includes("bin/avx.js") && files.includes("types/mod.d.ts"), files.join(","));
    // The Redis client is an optional peer loaded on first use, not bundled into ./middleware.
    const manifest = JSON.parse(await Deno.readTextFile(`${pkgDir}/package.json`));
    assert.deepEqual(manifest.peerDependenciesMeta["@redis/client"], { optional: true });
    assert.equal(manifest.dependencies["@redis/client"], undefined);
    assert.match(
      await Deno.readTextFile(`${pkgDir}/esm/middleware.js`),
      /import\("@redis\/client"\)/,
    );

    const project = `${dir}/project`;
    await Deno.mkdir(project);
    await Deno.writeTextFile(
      `${project}/package.json`,
      JSON.stringify({ name: "consumer", private: true, type: "module" }),
    );
    await ok("npm", ["install", "--no-audit", tarball, NODE_SERVER, TYPESCRIPT], project);

    await Deno.writeTextFile(`${project}/app.mjs`, APP);
    const served = JSON.parse(await ok("node", ["app.mjs"], project));
    assert.deepEqual(served.body, { ok: true, runtime: "node" });
    assert.equal(served.status, 200);
    assert.equal(served.missing, 404);
    assert.match(served.missingType, /application\/problem\+json/);
    assert.equal(served.runCli, "function");

    const help = await run("npx", ["--no-install", "avx", "--help"], project);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout + help.stderr, /Usage: avx <command>/);
    const bad = await run("npx", ["--no-install", "avx", "no-such-command"], project);
    assert.equal(bad.code, 2);

    await Deno.writeTextFile(`${project}/typed.ts`, TYPED);
    await Deno.writeTextFile(
      `${project}/tsconfig.json`,
      JSON.stringify({
        compilerOptions: {
          target: "es2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          lib: ["es2022", "dom", "dom.iterable", "esnext.disposable"],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: ["typed.ts"],
      }),
    );
    // Every declaration resolves; the only errors allowed are the mentions of Deno's own types
    // (Deno.Kv stores, Deno.serve's info), which a Node project does not have.
    const tsc = await run(`${project}/node_modules/.bin/tsc`, ["-p", "tsconfig.json"], project);
    const errors = tsc.stdout.split("\n").filter((l) => / error TS\d+/.test(l));
    const unexpected = errors.filter((l) =>
      !(l.startsWith("node_modules/@avila/avx-http/types/") &&
        l.includes("error TS2503: Cannot find namespace 'Deno'"))
    );
    assert.deepEqual(unexpected, [], tsc.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
