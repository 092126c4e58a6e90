// Test key pairs from jose, typed as the runtime's own CryptoKeyPair. jose types its keys through
// `crypto.subtle`, which resolves to Node's webcrypto types when a checked program also loads
// @types/node (any `node:` import); the two CryptoKey declarations then disagree on KeyUsage.

import { generateKeyPair } from "jose";

export function keyPair(
  alg: string,
  options: { extractable?: boolean } = {},
): Promise<CryptoKeyPair> {
  return generateKeyPair(alg, options) as unknown as Promise<CryptoKeyPair>;
}
