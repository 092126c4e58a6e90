// Constant-time string comparison for digests: the time taken depends on the length only, not
// on where the first differing character is.

/** Whether `a` and `b` are equal, in time independent of their contents. */
export function timingSafeEqualString(a: string, b: string): boolean {
  const n = a.length;
  let diff = n ^ b.length;
  for (let i = 0; i < n; i++) diff |= a.charCodeAt(i) ^ (i < b.length ? b.charCodeAt(i) : 0);
  return diff === 0;
}
