/**
 * `deno task test:unit`: the quick tests that need nothing but Deno, for development. Every
 * `*_test.ts` runs except the files in {@link NEEDS_TOOLS} and {@link SLOW}, with `--allow-run`
 * limited to Deno itself: a test that spawns an external tool (lz4, zstd, python3, node, chromium, workerd, wrk,
 * curl, openssl, ...) fails with "Requires run access", so a new test that needs a tool cannot
 * slip into the unit run unnoticed; add its file here (or move such tests into a file of their
 * own). `deno task test` runs every file with all permissions.
 *
 * ```sh
 * deno task test:unit                  # all unit files
 * deno task test:unit compress/lz4/    # only files under the given paths
 * ```
 *
 * @module
 */

const root = new URL("../", import.meta.url).pathname;

/**
 * Test files that spawn an external tool (directly or through a helper), with the tools, relative
 * to the repository root. `tools/test_unit_test.ts` checks every entry is a test file.
 */
export const NEEDS_TOOLS: Record<string, string[]> = {
  "cli/cli_test.ts": ["zstd", "lz4", "gzip", "brotli"],
  "cli/inspect_test.ts": ["zstd"],
  "columnar/builders/range_test.ts": ["python3 (pyarrow)"],
  "columnar/expr/exact_test.ts": ["python3 (pyarrow)"],
  "columnar/float16_test.ts": ["python3 (pyarrow)"],
  "columnar/ipc/interop_polars_test.ts": ["node (nodejs-polars)"],
  "columnar/ipc/interop_pyarrow_test.ts": ["python3 (pyarrow)"],
  "compress/auto/auto_test.ts": ["lz4", "zstd"],
  "compress/brotli/decode_test.ts": ["brotli"],
  "compress/brotli/fuzz_test.ts": ["brotli"],
  "compress/brotli/interop_test.ts": ["brotli", "python3"],
  "compress/brotli/memory_test.ts": ["brotli"],
  "compress/browser_test.ts": ["chromium"],
  "compress/checksum/xxhash32_test.ts": ["lz4"],
  "compress/compress_test.ts": ["gzip", "lz4", "zstd"],
  "compress/detect_test.ts": ["gzip", "lz4"],
  "compress/dictionary/dictionary_test.ts": ["lz4"],
  "compress/lz4/block_test.ts": ["lz4"],
  "compress/lz4/dictionary_test.ts": ["lz4"],
  "compress/lz4/fuzz_test.ts": ["lz4"],
  "compress/lz4/interop_test.ts": ["lz4"],
  "compress/parallel/parallel_test.ts": ["lz4"],
  "compress/platform/brotli_test.ts": ["brotli", "python3"],
  "compress/platform/deflate_test.ts": ["gzip"],
  "compress/platform/web_test.ts": ["gzip"],
  "compress/platform/zstd_test.ts": ["zstd"],
  "compress/snappy/framing_python_test.ts": ["python3 (python3-snappy)"],
  "compress/stream_test.ts": ["zstd"],
  "compress/zstd/api_test.ts": ["zstd"],
  "compress/zstd/fuzz_test.ts": ["zstd"],
  "compress/zstd/interop_test.ts": ["zstd"],
  "compress/zstd/python_test.ts": ["python3 (zstandard)"],
  "compress/zstd/xxh64_test.ts": ["zstd", "workerd"],
  "compress/zstd/zstd_test.ts": ["zstd"],
  "examples/dashboard_test.ts": ["chromium"],
  "examples/docs_test.ts": ["chromium"],
  "examples/node/node_test.ts": ["node"],
  "examples/workers/workers_test.ts": ["workerd"],
  "http/_capture_test.ts": ["wrk"],
  "middleware/compression/brotli_request_test.ts": ["brotli"],
  "middleware/compression/compression_test.ts": ["chromium"],
  "middleware/compression/route_compression_test.ts": ["curl"],
  "middleware/platform_gc_test.ts": ["wrk"],
  "middleware/rate_limit/client_ip_runtimes_test.ts": ["node", "workerd"],
  "middleware/redis/attack_test.ts": ["redis-server", "redis-cli"],
  "middleware/redis/instances_test.ts": ["redis-server"],
  "middleware/redis/node_test.ts": ["node", "redis-server"],
  "middleware/redis/rate_limit_store_test.ts": ["redis-server", "redis-cli"],
  "middleware/redis/stores_test.ts": ["redis-server"],
  "server/composition_test.ts": ["python3", "zstd"],
  "server/http3/qpack/interop_nghttp3_test.ts": ["libnghttp3 (ngtcp2-client), through FFI"],
  "server/http3/attack_chromium_test.ts": ["chromium", "openssl"],
  "server/http3/attack_test.ts": ["openssl"],
  "server/http3/chromium_test.ts": ["chromium", "openssl"],
  "server/http3/goaway_test.ts": ["openssl"],
  "server/http3/hostile_test.ts": ["openssl"],
  "server/http3/http3_test.ts": ["gtlsclient", "openssl"],
  "server/listen_test.ts": ["openssl"],
  "tools/npm/npm_interop_test.ts": ["npm", "node"],
  "tools/test_deps_test.ts": ["git", "npm"],
};

/**
 * Test files that need only Deno but take seconds of CPU, which a development loop should not
 * pay for on every run: type checks of every docs page, process lifecycles that bundle or watch,
 * worker start-up, in-process reference implementations over large inputs. Relative to the
 * repository root, with the reason. `deno task test` runs them; keep their quick neighbours in a
 * separate file so those stay in the unit run.
 */
export const SLOW: Record<string, string> = {
  "cli/entry_test.ts": "starts `deno run` once per test",
  "compress/columnar/split_test.ts": "every type x predictor, and the numeric corpus vs pcodec",
  "compress/compressor_parallel_test.ts": "starts worker threads",
  "compress/snappy/framing_interop_test.ts": "native snappy and a bitwise CRC over every shape",
  "examples/dev_task_test.ts": "runs `deno task dev`: bundles the dashboard, starts a watcher",
  "tools/doc_lint_test.ts": "runs `deno doc --lint` over every entry point",
  "tools/doc_snippets_test.ts": "type-checks every code block of README.md and docs/",
  "tools/test_unit_spawn_test.ts": "starts a second `deno test`",
};

/** Folders never searched for tests. */
const SKIP_DIRS = new Set(["node_modules", ".cache", ".git", "dist"]);

/**
 * The unit test files under `dirs` (default: the whole repository), relative to the root,
 * sorted.
 *
 * @example
 * ```ts ignore
 * import { unitTestFiles } from "./test_unit.ts";
 * console.log(unitTestFiles(["compress/lz4"]).length > 0); // true
 * ```
 */
export function unitTestFiles(dirs: string[] = ["."]): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    const abs = `${root}${rel}`;
    if (Deno.statSync(abs).isFile) {
      if (rel.endsWith("_test.ts")) found.push(rel);
      return;
    }
    for (const e of Deno.readDirSync(abs)) {
      if (e.isDirectory && (SKIP_DIRS.has(e.name) || e.isSymlink)) continue;
      const child = rel === "." ? e.name : `${rel.replace(/\/$/, "")}/${e.name}`;
      if (e.isDirectory || e.name.endsWith("_test.ts")) walk(child);
    }
  };
  for (const d of dirs) walk(d);
  return [...new Set(found)].filter((f) => !(f in NEEDS_TOOLS) && !(f in SLOW)).sort();
}

/**
 * The `deno test` arguments of a unit run over `files`: every permission but `--allow-run`, which
 * is limited to Deno itself.
 *
 * @example
 * ```ts ignore
 * import { unitTestArgs } from "./test_unit.ts";
 * console.log(unitTestArgs(["a_test.ts"]).at(-1)); // "a_test.ts"
 * ```
 */
export function unitTestArgs(files: string[]): string[] {
  return [
    "test",
    "--quiet",
    "--parallel",
    "--allow-read",
    "--allow-write",
    "--allow-net",
    "--allow-env",
    "--allow-sys",
    "--allow-ffi",
    `--allow-run=${Deno.execPath()}`,
    ...files,
  ];
}

if (import.meta.main) {
  const files = unitTestFiles(Deno.args.length > 0 ? Deno.args : undefined);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: unitTestArgs(files),
    cwd: root,
    env: { AVX_UNIT: "1" },
  }).spawn().status;
  Deno.exit(code);
}
