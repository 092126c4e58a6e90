// The public API of avx-http is what its entry points export, read the way JSR reads it
// (`deno doc --json`, types included). Building blocks no user calls stay private; every entry
// stays within a budget of names, so growth is a decision, not an accident.
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import * as root from "../mod.ts";
import * as server from "../server/mod.ts";
import * as client from "../client/mod.ts";
import * as middleware from "../middleware/mod.ts";
import * as cli from "../cli/mod.ts";
import { denoJson, REPO as repo } from "./_deno_json.ts";

/**
 * Most names each entry point may export. `./middleware` includes the Redis stores and
 * their options.
 */
const BUDGET: Readonly<Record<string, number>> = {
  "mod.ts": 31,
  "server/mod.ts": 29,
  "client/mod.ts": 17,
  "middleware/mod.ts": 104,
  "cli/mod.ts": 1,
  "middleware/cloudflare/mod.ts": 24,
};
/** Most distinct names across avx-http's entry points (a name exported twice counts once). */
const DISTINCT_BUDGET = 156;

interface Symbol {
  name: string;
  /** Where the symbol is declared (a `file:` URL, or an npm/jsr specifier's cache path). */
  files: string[];
}

async function exported(entry: string): Promise<Symbol[]> {
  const doc = await denoJson(["doc", "--json", entry]) as { nodes: Record<string, unknown> };
  const symbols = new Map<string, Symbol>();
  for (const node of Object.values(doc.nodes) as { symbols?: unknown[] }[]) {
    for (const s of (node.symbols ?? []) as { name: string; declarations?: unknown[] }[]) {
      const files = (s.declarations ?? []).map((d) =>
        String((d as { location?: { filename?: string } }).location?.filename ?? "")
      );
      symbols.set(s.name, { name: s.name, files });
    }
  }
  return [...symbols.values()];
}

/** Whether a declaration lives in avx-http's own folders (not npm, not the two libraries). */
function ownFile(url: string): boolean {
  if (!url.startsWith("file://")) return false;
  const path = fromFileUrl(url);
  if (!path.startsWith(repo)) return false;
  const top = path.slice(repo.length).split("/")[0];
  return top !== "compress" && top !== "columnar" && top !== "node_modules";
}

let read: Promise<Map<string, Symbol[]>> | undefined;
/** Every entry point's exported symbols, read once for all tests. */
function api(): Promise<Map<string, Symbol[]>> {
  const entries = Object.keys(BUDGET);
  read ??= Promise.all(entries.map(exported)).then((all) =>
    new Map(entries.map((e, i) => [e, all[i]]))
  );
  return read;
}

Deno.test("entry points stay within their budget of exported names", async () => {
  const byEntry = await api();
  const distinct = new Set<string>();
  const over: string[] = [];
  for (const [entry, symbols] of byEntry) {
    for (const s of symbols) distinct.add(s.name);
    if (symbols.length > BUDGET[entry]) {
      over.push(`${entry}: ${symbols.length} names, budget ${BUDGET[entry]}`);
    }
  }
  assert.deepEqual(over, [], "an entry point grew past its budget");
  assert.ok(
    distinct.size <= DISTINCT_BUDGET,
    `${distinct.size} distinct names across avx-http's entry points, budget ${DISTINCT_BUDGET}`,
  );
});

Deno.test("entry points export only avx-http's own names, not Hono's or other packages'", async () => {
  const foreign: string[] = [];
  for (const [entry, symbols] of await api()) {
    for (const s of symbols) {
      // `AvilaError`, the error base of all three packages, is the one name re-exported from
      // @avila/compress. Hono's, @hono/zod-openapi's and the two libraries' names are imported
      // from their own packages.
      if (s.name === "AvilaError") continue;
      const outside = s.files.filter((f) => !ownFile(f));
      if (outside.length > 0) foreign.push(`${entry}: ${s.name} (${outside[0]})`);
    }
  }
  assert.deepEqual(foreign, []);
});

Deno.test("the root exports the server's API and the error bases, not middleware or client", async () => {
  const byEntry = await api();
  const serverNames = new Set(byEntry.get("server/mod.ts")!.map((s) => s.name));
  const extra = byEntry.get("mod.ts")!.map((s) => s.name).filter((n) => !serverNames.has(n));
  assert.deepEqual(extra.sort(), ["AvilaError", "ConfigurationError"]);
  for (const name of ["cors", "rateLimit", "MemoryKeyStore", "Client"]) {
    assert.equal(name in root, false, `the root exports ${name}`);
  }
  assert.equal(typeof middleware.cors, "function");
  assert.equal(typeof client.Client, "function");
});

Deno.test("building blocks no user calls are not exported", () => {
  const blocks: [Record<string, unknown>, string, string[]][] = [
    [middleware, "./middleware", [
      "gcraStep",
      "slidingWindowStep",
      "parseNode",
      "newSpanId",
      "parseTraceparent",
      "formatTraceparent",
      "parseTracestate",
      "negotiateEncoding",
      "parseAcceptEncoding",
      "formatRateLimitPolicy",
      "resolvePolicy",
      "parseIdempotencyKey",
      "generateApiKey",
      "hashApiKey",
      "bucketStart",
      "usageHandler",
      "loadShedder",
    ]],
    [server, "./server", ["parseAddress", "formatSSE", "statusTitle", "appRuntime", "setHeader"]],
    [client, "./client", ["parseRetryAfter", "fullJitterDelay", "isReplayable", "emptyStats"]],
    [cli, "./cli", [
      "findCommand",
      "listCommands",
      "inspectArrow",
      "compressCommand",
      "registerCommand",
      "CliError",
    ]],
  ];
  for (const [mod, entry, names] of blocks) {
    for (const name of names) {
      assert.equal(name in mod, false, `${entry} exports ${name}`);
      assert.equal(name in root, false, `the root exports ${name}`);
    }
  }
  // What a custom RateLimitStore needs stays public.
  assert.equal(typeof middleware.applyPolicy, "function");
});

Deno.test("an error class declares its codes; no entry point exports a *ErrorCode alias", async () => {
  const aliases: string[] = [];
  for (const [entry, symbols] of await api()) {
    for (const s of symbols) if (s.name.endsWith("ErrorCode")) aliases.push(`${entry}: ${s.name}`);
  }
  for (
    const name of await exportedNames(["compress/mod.ts", "compress/lz4/mod.ts", "columnar/mod.ts"])
  ) {
    if (name.endsWith("ErrorCode")) aliases.push(name);
  }
  assert.deepEqual(aliases, []);
});

Deno.test("a type that one signature names is inline there, not exported", async () => {
  // Each was the options or result type of exactly one public signature.
  const inline: [string, string[]][] = [
    ["middleware/mod.ts", [
      "FailedLoginOptions",
      "JwksOptions",
      "MemoryRateLimitStoreOptions",
      "RegionDecision",
      "AccessLogEntry",
      "RedisClientHandle",
      "RedisClusterHandle",
      "RedisRateLimitStoreOptions",
      "RedisKeyStoreOptions",
      "RedisIdempotencyStoreOptions",
      "RedisCostLedgerOptions",
    ]],
    ["server/mod.ts", [
      "ServerAddress",
      "ReadinessReport",
      "SSEOptions",
      "ErrorLogger",
      "RouteMethod",
      "AvxVariables",
      "Http3Options",
      "HistogramSeries",
      "OpenApiPath",
      "OpenApiRouteSchema",
    ]],
    ["client/mod.ts", ["ClientStats", "RequestMetrics", "BackoffOptions", "RetryInfo"]],
    ["cli/mod.ts", ["Command", "CliIo"]],
  ];
  const byEntry = await api();
  const found: string[] = [];
  for (const [entry, names] of inline) {
    const exported = new Set(byEntry.get(entry)!.map((s) => s.name));
    for (const name of names) if (exported.has(name)) found.push(`${entry}: ${name}`);
  }
  const libraries = await exportedNames([
    "compress/mod.ts",
    "compress/lz4/mod.ts",
    "columnar/mod.ts",
  ]);
  for (
    const name of [
      "CompressorStats",
      "DetectedFormat",
      "IpcMessageInfo",
      "IntType",
      "ListType",
      "CompressorCounters",
      "ColumnarDecodeOptions",
      "IpcLimits",
      "ArrowResponseInit",
      "ReadArrowBodyOptions",
      "ArrowBodyContent",
    ]
  ) {
    if (libraries.has(name)) found.push(name);
  }
  assert.deepEqual(found, []);
});

/** Names a package exports across the given entry points, as `deno doc --json` lists them. */
async function exportedNames(entries: string[]): Promise<Set<string>> {
  const names = new Set<string>();
  for (const entry of entries) for (const s of await exported(entry)) names.add(s.name);
  return names;
}

// Each library keeps a small API: raising a budget is a decision, not a side effect of an
// `export *`. The `types` and `extensions` namespaces of @avila/arrow count as one name each.
const BUDGETS = [
  { pkg: "@avila/compress", entries: ["compress/mod.ts", "compress/lz4/mod.ts"], budget: 36 },
  { pkg: "@avila/arrow", entries: ["columnar/mod.ts"], budget: 57 },
];

/** Most names of the three packages together, each package's distinct names counted once. */
const TOTAL_BUDGET = 250;

Deno.test(`the three packages export at most ${TOTAL_BUDGET} names together`, async () => {
  const avx = new Set<string>();
  for (const symbols of (await api()).values()) for (const s of symbols) avx.add(s.name);
  const sizes = [
    avx.size,
    ...await Promise.all(BUDGETS.map(async (b) => (await exportedNames(b.entries)).size)),
  ];
  const total = sizes.reduce((a, b) => a + b, 0);
  assert.ok(
    total <= TOTAL_BUDGET,
    `${total} names (avx-http, @avila/compress, @avila/arrow: ${sizes.join(", ")})`,
  );
});

for (const { pkg, entries, budget } of BUDGETS) {
  Deno.test(`${pkg} exports at most ${budget} names`, async () => {
    const names = await exportedNames(entries);
    assert.ok(names.size <= budget, `${pkg} exports ${names.size} names:\n${[...names].sort()}`);
  });
}

Deno.test("@avila/compress and @avila/arrow keep their building blocks private", async () => {
  const compress = await exportedNames(["compress/mod.ts", "compress/lz4/mod.ts"]);
  for (const name of ["compressBlock", "ZstdEncoder", "crc32c", "decompressZstd", "pipeCoded"]) {
    assert.equal(compress.has(name), false, `@avila/compress exports ${name}`);
  }
  const arrow = await exportedNames(["columnar/mod.ts"]);
  for (
    const name of [
      "NumberColumn",
      "Utf8Builder",
      "checkOffsets",
      "float64",
      "ipcStreamChunks",
      "utf8Length",
    ]
  ) {
    assert.equal(arrow.has(name), false, `@avila/arrow exports ${name}`);
  }
  // What users build with stays public, some of it in the two namespaces.
  for (const name of ["Compressor", "compress", "decompress", "detect", "compressFrame"]) {
    assert.ok(compress.has(name), `@avila/compress lacks ${name}`);
  }
  for (const name of ["RecordBatch", "readIpcStream", "makeBuilder", "types", "extensions"]) {
    assert.ok(arrow.has(name), `@avila/arrow lacks ${name}`);
  }
});
