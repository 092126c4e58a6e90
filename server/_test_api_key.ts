// Test helper: a memory key store holding one issued API key, the start of every test and bench
// of the platform stack (auth, rate limit, cost tracking).

import { issueApiKey, MemoryKeyStore } from "../middleware/mod.ts";

/** A memory key store and the one key issued into it. */
export interface TestApiKey {
  keyStore: MemoryKeyStore;
  key: string;
}

/**
 * Issues one API key into a new memory key store: tenant `acme`, scope `data:read`, plan `pro`,
 * test mode, unless `record` says otherwise.
 */
export async function testApiKey(
  record: Partial<Parameters<typeof issueApiKey>[1]> = {},
): Promise<TestApiKey> {
  const keyStore = new MemoryKeyStore();
  const { key } = await issueApiKey(keyStore, {
    tenant: "acme",
    scopes: ["data:read"],
    plan: "pro",
    mode: "test",
    ...record,
  });
  return { keyStore, key };
}
