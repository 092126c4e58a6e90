// Test helper: what the admin usage endpoint of a deployed example reports for a tenant.

import assert from "node:assert/strict";

/** One row of `/admin/usage`, the fields the deploy tests check. */
export interface UsageRowSeen {
  requests: number;
  bytesOut: number;
  region: string;
  tenant: string;
}

/** `GET /admin/usage?tenant=` with the admin token: its rows (asserting 200) and their requests. */
export async function adminUsage(
  url: string,
  tenant: string,
  adminToken: string,
): Promise<{ rows: UsageRowSeen[]; requests: number }> {
  const res = await fetch(`${url}/admin/usage?tenant=${tenant}`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  assert.equal(res.status, 200);
  const { rows } = await res.json() as { rows: UsageRowSeen[] };
  return { rows, requests: rows.reduce((n, r) => n + r.requests, 0) };
}
