import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { crc32Ascii } from "./_crc32.ts";
import { timingSafeEqualString } from "./_compare.ts";
import {
  API_KEY_LENGTH,
  API_KEY_PATTERN,
  generateApiKey,
  hashApiKey,
  isApiKeyFormat,
  parseApiKey,
} from "./api_key.ts";
import { AuthError } from "./errors.ts";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

Deno.test("crc32 matches the standard check value and zlib's for ASCII", () => {
  // The CRC-32/ISO-HDLC check value (the CRC of "123456789").
  assert.equal(crc32Ascii("123456789"), 0xcbf43926);
  assert.equal(crc32Ascii(""), 0);
  assert.equal(crc32Ascii("The quick brown fox jumps over the lazy dog"), 0x414fa339);
  assert.equal(crc32Ascii("abcdef", 3), crc32Ascii("abc"));
});

Deno.test("generated keys have the documented shape, unique ids and SHA-256 digests", async () => {
  const seen = new Set<string>();
  for (const mode of ["live", "test"] as const) {
    for (let i = 0; i < 50; i++) {
      const { key, id, hash } = await generateApiKey({ mode });
      assert.equal(key.length, API_KEY_LENGTH);
      assert.match(key, new RegExp(`^avl_${mode}_[0-9A-Za-z]{36}$`));
      assert.match(id, /^key_[0-9A-Za-z]{20}$/);
      assert.ok(isApiKeyFormat(key));
      assert.equal(parseApiKey(key).mode, mode);
      // Reference digest from an independent implementation (node:crypto).
      assert.equal(hash, createHash("sha256").update(key).digest("hex"));
      assert.equal(await hashApiKey(key), hash);
      assert.ok(!seen.has(key) && !seen.has(id));
      seen.add(key);
      seen.add(id);
    }
  }
  await assert.rejects(
    () => generateApiKey({ mode: "prod" as "live" }),
    (e) => e instanceof AuthError && e.code === "invalid_argument",
  );
});

Deno.test("the checksum is CRC-32 of the key body in 6 base62 digits", async () => {
  const { key } = await generateApiKey({ mode: "live" });
  const body = key.slice(0, API_KEY_LENGTH - 6);
  let n = 0;
  for (const ch of key.slice(-6)) n = n * 62 + ALPHABET.indexOf(ch);
  assert.equal(n, crc32Ascii(body));
});

Deno.test("every single-character change of a key is detected offline", async () => {
  const { key } = await generateApiKey({ mode: "test" });
  let checked = 0;
  for (let i = 9; i < key.length; i++) {
    for (const ch of ALPHABET) {
      if (ch === key[i]) continue;
      const bad = key.slice(0, i) + ch + key.slice(i + 1);
      assert.equal(isApiKeyFormat(bad), false, `mutation at ${i}`);
      checked++;
    }
  }
  assert.equal(checked, (API_KEY_LENGTH - 9) * 61);
  // Changing the mode changes the checksum too: a test key cannot be relabelled live.
  assert.equal(isApiKeyFormat(key.replace("avl_test_", "avl_live_")), false);
});

Deno.test("malformed and wrong-checksum keys throw typed errors without echoing the key", async () => {
  const { key } = await generateApiKey({ mode: "live" });
  const cases: Array<[string, string]> = [
    ["", "malformed_api_key"],
    ["avl_live_", "malformed_api_key"],
    [key.slice(0, -1), "malformed_api_key"],
    [key + "a", "malformed_api_key"],
    [key.replace("avl_live_", "avl_prod_"), "malformed_api_key"],
    [key.replace("avl_live_", "AVL_live_"), "malformed_api_key"],
    [key.replace("avl_live_", "avl_live-"), "malformed_api_key"],
    [key.slice(0, 20) + "-" + key.slice(21), "malformed_api_key"],
    [key.slice(0, 20) + "é" + key.slice(21), "malformed_api_key"],
    [key.slice(0, -1) + (key.endsWith("0") ? "1" : "0"), "bad_checksum"],
    ["x".repeat(100_000), "malformed_api_key"],
  ];
  for (const [input, code] of cases) {
    assert.equal(isApiKeyFormat(input), false);
    assert.throws(() => parseApiKey(input), (e) => {
      assert.ok(e instanceof AuthError);
      assert.equal(e.code, code);
      assert.equal(e.status, 401);
      if (input.length > 12) assert.ok(!e.message.includes(input));
      return true;
    });
  }
  assert.equal(isApiKeyFormat(42 as unknown as string), false);
});

Deno.test("API_KEY_PATTERN finds keys in text for scanners", async () => {
  const a = (await generateApiKey({ mode: "live" })).key;
  const b = (await generateApiKey({ mode: "test" })).key;
  const text = `export KEY=${a}\n{"k":"${b}"} avl_live_short`;
  const found = [...text.matchAll(new RegExp(API_KEY_PATTERN, "g"))].map((m) => m[0]);
  assert.deepEqual(found, [a, b]);
  assert.ok(found.every(isApiKeyFormat));
});

Deno.test("timingSafeEqualString compares contents and lengths", () => {
  assert.ok(timingSafeEqualString("abc", "abc"));
  assert.ok(!timingSafeEqualString("abc", "abd"));
  assert.ok(!timingSafeEqualString("abc", "ab"));
  assert.ok(!timingSafeEqualString("ab", "abc"));
  assert.ok(timingSafeEqualString("", ""));
});
