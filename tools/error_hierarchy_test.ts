// One error base across the three packages: every error class the packages export extends
// `AvilaError` (from @avila/compress, the lowest package) and carries a string `code`; bad
// options are a `ConfigurationError` whatever the factory.
import assert from "node:assert/strict";
import { Algorithm, AvilaError, CompressError, decompress } from "@avila/compress";
import { ArrowError, ArrowHttpError, readIpcStream } from "@avila/arrow";
import {
  AuthError,
  ConfigurationError,
  CostLedgerError,
  IdempotencyStoreError,
  loadShedding,
  Prices,
  RateLimitError,
  RegionConfigError,
  RegionRegistry,
  regionRouting,
  timeout,
} from "../middleware/mod.ts";
import { AvilaError as ClientAvilaError, ClientError, RegionRouter } from "../client/mod.ts";
import { CliError } from "../cli/registry.ts";
import { DurableObjectCallError } from "../middleware/cloudflare/mod.ts";

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail("expected a throw");
}

Deno.test("every exported error class extends AvilaError and keeps its name and code", () => {
  const errors: [AvilaError, string, string][] = [
    [new CompressError("corrupt", "x"), "CompressError", "corrupt"],
    [new ArrowError("limit", "x"), "ArrowError", "limit"],
    [new ArrowHttpError(415, "unsupported", "x"), "ArrowHttpError", "unsupported"],
    [new AuthError("token_expired", "x"), "AuthError", "token_expired"],
    [new ConfigurationError("invalid_option", "x"), "ConfigurationError", "invalid_option"],
    [new RegionConfigError("no_regions", "x"), "RegionConfigError", "no_regions"],
    [new CostLedgerError("too_many_rows", "x"), "CostLedgerError", "too_many_rows"],
    [new IdempotencyStoreError("store_full", "x"), "IdempotencyStoreError", "store_full"],
    [new RateLimitError("invalid_policy", "x"), "RateLimitError", "invalid_policy"],
    [new ClientError("http", "x", { status: 404 }), "ClientError", "http"],
    [new CliError("bad usage", 2), "CliError", "usage"],
    [new CliError("failed"), "CliError", "failed"],
    [new DurableObjectCallError(500, "x"), "DurableObjectCallError", "durable_object_error"],
  ];
  for (const [e, name, code] of errors) {
    assert.ok(e instanceof AvilaError, name);
    assert.ok(e instanceof Error, name);
    assert.equal(e.name, name);
    assert.equal(e.code, code);
  }
  assert.equal(ClientAvilaError, AvilaError, "one class, whichever entry point it comes from");
  assert.ok(new RegionConfigError("primary", "x") instanceof ConfigurationError);
  assert.ok(new ArrowHttpError(400, "corrupt", "x") instanceof ArrowError);
});

Deno.test("decoders of both libraries throw an AvilaError on hostile input", async () => {
  const lz4 = await decompress(new Uint8Array([1, 2, 3]), Algorithm.Lz4).then(
    () => assert.fail("expected a throw"),
    (e: unknown) => e,
  );
  assert.ok(lz4 instanceof CompressError && lz4 instanceof AvilaError);
  const ipc = caught(() => readIpcStream(new Uint8Array([1, 2, 3])));
  assert.ok(ipc instanceof ArrowError && ipc instanceof AvilaError);
});

Deno.test("bad options of any factory are a ConfigurationError with code invalid_option", () => {
  const registry = new RegionRegistry([{ id: "eu-1", origin: "http://127.0.0.1:1" }], {
    current: "eu-1",
  });
  const bad: [string, () => unknown][] = [
    ["loadShedding", () => loadShedding({ maxInFlight: 0 })],
    ["timeout", () => timeout({ routes: { "bad key": 1 } })],
    ["regionRouting", () => regionRouting({ registry, mode: "teleport" as never })],
    ["Prices", () => new Prices({ egressPerGB: -1 })],
    ["RegionRouter", () => new RegionRouter([])],
  ];
  for (const [what, f] of bad) {
    const e = caught(f);
    assert.ok(e instanceof ConfigurationError, `${what}: ${e}`);
    assert.ok(e instanceof AvilaError, what);
    assert.equal(e.code, "invalid_option", what);
  }
});
