// Gets what the test suite needs on a fresh machine, so `deno task test` works from a clone with
// only Deno: Debian tools (the reference CLIs, Chromium, Node, Python) when run as root, npm
// packages into `.cache/`, Python packages into the venv `.cache/py`. A second run finds
// everything in place and returns in milliseconds (a stamp records what was installed). Without
// root, missing Debian tools are named in one line and the run stops.
//
//   deno run -A tools/test_deps.ts          install what is missing
//   deno run -A tools/test_deps.ts --check  only report what is missing (exit 1 if anything is)

import { existsSync } from "node:fs";

/** Commands the tests run, and the Debian package that provides each. */
const DEBIAN: Record<string, string> = {
  lz4: "lz4",
  zstd: "zstd",
  brotli: "brotli",
  gzip: "gzip",
  wrk: "wrk",
  curl: "curl",
  openssl: "openssl",
  chromium: "chromium",
  node: "nodejs",
  npm: "npm",
  python3: "python3",
  // ngtcp2's HTTP/3 client; its package brings libnghttp3, whose QPACK the qpack interop test
  // calls through FFI.
  gtlsclient: "ngtcp2-client",
  "redis-server": "redis-server",
  "redis-cli": "redis-tools",
};

/** Python modules imported by interop tests through `/usr/bin/python3` (Debian packages). */
const DEBIAN_PYTHON: Record<string, string> = { snappy: "python3-snappy", venv: "python3-venv" };

/** Python packages of the venv `.cache/py` (the local package index serves them). */
const PYTHON_PACKAGES = ["pyarrow", "duckdb", "numpy", "zstandard", "cramjam", "brotli"];

/** npm packages run by Node or workerd, each in a folder of its own under `.cache/`. */
const NPM_FOLDERS: Record<string, { packages: string[]; probe: string }> = {
  // The third independent Arrow reader; Deno cannot resolve its platform package, Node can.
  "node-interop": {
    packages: ["nodejs-polars@0.26.1", "nodejs-polars-linux-x64-gnu@0.26.1"],
    probe: "node_modules/nodejs-polars-linux-x64-gnu",
  },
  // Cloudflare's Workers runtime, for the example Worker's tests.
  "workerd": { packages: ["workerd@1.20261117.1"], probe: "node_modules/.bin/workerd" },
};

const root = new URL("..", import.meta.url).pathname;
const cache = `${root}.cache`;
const stampPath = `${cache}/test-deps.stamp`;
const checkOnly = Deno.args.includes("--check");

function say(line: string): void {
  console.error(`test deps: ${line}`);
}

async function run(cmd: string, args: string[], cwd?: string): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, { args, cwd, stdout: "null", stderr: "piped" })
      .output();
    if (!out.success) {
      say(`${cmd} ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
    }
    return out.success;
  } catch {
    return false;
  }
}

async function quiet(cmd: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

const hasCommand = (name: string): Promise<boolean> => quiet("sh", ["-c", `command -v ${name}`]);

// What this version of the file installs; a change of any list invalidates the stamp.
const wanted = JSON.stringify({ DEBIAN, DEBIAN_PYTHON, PYTHON_PACKAGES, NPM_FOLDERS });

async function missingDebian(): Promise<string[]> {
  const missing: string[] = [];
  for (const [cmd, pkg] of Object.entries(DEBIAN)) {
    if (!(await hasCommand(cmd))) missing.push(pkg);
  }
  for (const [mod, pkg] of Object.entries(DEBIAN_PYTHON)) {
    if (!(await quiet("/usr/bin/python3", ["-c", `import ${mod}`]))) missing.push(pkg);
  }
  return missing;
}

async function main(): Promise<number> {
  if (!checkOnly && existsSync(stampPath) && Deno.readTextFileSync(stampPath) === wanted) {
    // Installed before; a cheap look that nothing was removed since.
    const gone = !existsSync(`${cache}/py/bin/python`) ||
      Object.entries(NPM_FOLDERS).some(([folder, f]) =>
        !existsSync(`${cache}/${folder}/${f.probe}`)
      );
    if (!gone) return 0;
  }

  const debian = await missingDebian();
  if (debian.length > 0) {
    const isRoot = Deno.uid?.() === 0;
    if (checkOnly || !isRoot || !(await hasCommand("apt-get"))) {
      say(
        `missing Debian packages: ${debian.join(" ")} ` +
          `(install them: sudo apt-get install ${debian.join(" ")}), then run the tests again`,
      );
      return 1;
    }
    say(`installing ${debian.join(" ")} with apt-get`);
    Deno.env.set("DEBIAN_FRONTEND", "noninteractive");
    if (!(await run("apt-get", ["update", "-qq"]))) return 1;
    if (!(await run("apt-get", ["install", "-y", "-qq", ...debian]))) return 1;
  }

  const py = `${cache}/py/bin/python`;
  const pyReady = existsSync(py) &&
    await quiet(py, ["-c", PYTHON_PACKAGES.map((p) => `import ${p}`).join(";")]);
  if (!pyReady) {
    if (checkOnly) {
      say(`missing the Python venv .cache/py with ${PYTHON_PACKAGES.join(" ")}`);
      return 1;
    }
    say(`creating .cache/py with ${PYTHON_PACKAGES.join(" ")}`);
    Deno.mkdirSync(cache, { recursive: true });
    if (!existsSync(py) && !(await run("/usr/bin/python3", ["-m", "venv", `${cache}/py`]))) {
      return 1;
    }
    if (!(await run(py, ["-m", "pip", "install", "-q", ...PYTHON_PACKAGES]))) return 1;
  }

  for (const [folder, { packages, probe }] of Object.entries(NPM_FOLDERS)) {
    const dir = `${cache}/${folder}`;
    if (existsSync(`${dir}/${probe}`)) continue;
    if (checkOnly) {
      say(`missing .cache/${folder} (${packages.join(" ")})`);
      return 1;
    }
    say(`installing ${packages.join(" ")} into .cache/${folder}`);
    Deno.mkdirSync(dir, { recursive: true });
    const args = ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, ...packages];
    if (!(await run("npm", args, dir))) return 1;
  }

  if (!checkOnly) Deno.writeTextFileSync(stampPath, wanted);
  return 0;
}

Deno.exit(await main());
