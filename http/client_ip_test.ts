import { ConfigurationError } from "./config_error.ts";
import assert from "node:assert/strict";
import { Hono } from "hono";
import {
  clientIpResolver,
  formatIp,
  forwardedFor,
  parseIp,
  parseNode,
  TrustedProxies,
} from "./client_ip.ts";

const fmt = (s: string) => {
  const b = parseIp(s);
  return b === null ? null : formatIp(b);
};

Deno.test("parseIp/formatIp: IPv4, IPv6 (RFC 5952), IPv4-mapped, and rejects", () => {
  assert.equal(fmt("192.0.2.1"), "192.0.2.1");
  assert.equal(fmt("2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
  assert.equal(fmt("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  assert.equal(fmt("::"), "::");
  assert.equal(fmt("::1"), "::1");
  assert.equal(fmt("fe80::1%eth0"), "fe80::1");
  assert.equal(fmt("::ffff:192.0.2.7"), "192.0.2.7");
  assert.equal(fmt("64:ff9b::192.0.2.33"), "64:ff9b::c000:221");
  assert.equal(fmt("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
  for (
    const bad of [
      "",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "01.2.3.4",
      "1.2.3.-4",
      "a.b.c.d",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "1:2:3:4:5:6:7::8",
      "::g",
      ":1",
      "x".repeat(60),
      "::1.2.3",
    ]
  ) {
    assert.equal(parseIp(bad), null, bad);
  }
});

Deno.test("random bytes round-trip through formatIp/parseIp", () => {
  for (let i = 0; i < 500; i++) {
    const b = crypto.getRandomValues(new Uint8Array(i % 2 ? 4 : 16));
    if (b.length === 16) b[0] |= 1; // keep clear of the IPv4-mapped range
    assert.deepEqual(parseIp(formatIp(b)), b);
  }
});

Deno.test("TrustedProxies: CIDRs, names, IPv6, and bad ranges throw at start-up", () => {
  const t = new TrustedProxies(["10.0.0.0/8", "192.168.1.128/25", "2001:db8::/33", "loopback"]);
  assert.equal(t.has("10.255.0.1"), true);
  assert.equal(t.has("11.0.0.1"), false);
  assert.equal(t.has("192.168.1.200"), true);
  assert.equal(t.has("192.168.1.127"), false);
  assert.equal(t.has("2001:db8:7fff::1"), true);
  assert.equal(t.has("2001:db8:8000::1"), false);
  assert.equal(t.has("127.0.0.1"), true);
  assert.equal(t.has("::1"), true);
  assert.equal(t.has("::ffff:10.0.0.1"), true);
  assert.equal(t.has("garbage"), false);
  assert.equal(new TrustedProxies(["::ffff:10.0.0.0/104"]).has("10.9.9.9"), true);
  for (const bad of ["10.0.0.0/33", "10.0.0/8", "::/129", "10.0.0.0/x", "nope"]) {
    assert.throws(() => new TrustedProxies([bad]), ConfigurationError, bad);
  }
});

Deno.test("parseNode and forwardedFor (RFC 7239 §4, §6)", () => {
  assert.equal(formatIp(parseNode("192.0.2.43:47011")!), "192.0.2.43");
  assert.equal(formatIp(parseNode("[2001:db8:cafe::17]:4711")!), "2001:db8:cafe::17");
  assert.equal(formatIp(parseNode(" 2001:db8::1 ")!), "2001:db8::1");
  assert.equal(parseNode("unknown"), null);
  assert.equal(parseNode("_hidden"), null);
  assert.equal(parseNode("[1.2.3.4]"), null);
  assert.equal(parseNode("[::1]x"), null);
  const nodes = forwardedFor(
    'for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711", proto=https, For=unknown',
  );
  assert.ok(nodes);
  assert.deepEqual(nodes.map((n) => (n ? formatIp(n) : null)), [
    "192.0.2.60",
    "2001:db8:cafe::17",
    null,
    null,
  ]);
  for (const bad of ['for="192.0.2.1', "for", "for=;", "=x", "for=1.2.3.4 junk", "for=a,,b=,"]) {
    assert.equal(forwardedFor(bad), null, bad);
  }
  // Random mutations never throw.
  const base = 'for=192.0.2.60;proto=http, for="[2001:db8::17]:4711"';
  for (let i = 0; i < 2000; i++) {
    const a = base.split("");
    a[Math.floor(Math.random() * a.length)] = String.fromCharCode(
      32 + Math.floor(Math.random() * 95),
    );
    forwardedFor(a.join(""));
  }
});

function ipApp(options: Parameters<typeof clientIpResolver>[0]) {
  const resolve = clientIpResolver(options);
  const app = new Hono();
  app.get("/", (c) => {
    const ip = resolve(c);
    return c.text(ip ? `${ip.source} ${formatIp(ip.address)}` : "none");
  });
  return async (peer: string | undefined, headers: Record<string, string> = {}) => {
    const env = peer === undefined ? {} : { remoteAddr: { hostname: peer } };
    return await (await app.request("/", { headers }, env)).text();
  };
}

Deno.test("forwarding headers are ignored from untrusted peers and honoured from trusted ones", async () => {
  const get = ipApp({ trustedProxies: ["10.0.0.0/8"] });
  assert.equal(await get("203.0.113.9", { "x-forwarded-for": "1.1.1.1" }), "peer 203.0.113.9");
  assert.equal(await get("10.0.0.2", { "x-forwarded-for": "1.1.1.1" }), "x-forwarded-for 1.1.1.1");
  // The client forges an entry; the proxy appends the real one: the rightmost untrusted wins.
  assert.equal(
    await get("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.4, 10.0.0.7" }),
    "x-forwarded-for 198.51.100.4",
  );
  // Only trusted hops: the leftmost one.
  assert.equal(
    await get("10.0.0.2", { "x-forwarded-for": "10.1.1.1, 10.2.2.2" }),
    "x-forwarded-for 10.1.1.1",
  );
  // Malformed values from the proxy: stop at the last address we can vouch for.
  assert.equal(await get("10.0.0.2", { "x-forwarded-for": "not-an-ip" }), "peer 10.0.0.2");
  assert.equal(
    await get("10.0.0.2", { "x-forwarded-for": "1.1.1.1, garbage, 10.0.0.9" }),
    "x-forwarded-for 10.0.0.9",
  );
  assert.equal(await get("10.0.0.2", { "x-forwarded-for": "" }), "peer 10.0.0.2");
  // Forwarded is not the configured header: ignored.
  assert.equal(await get("10.0.0.2", { forwarded: "for=1.1.1.1" }), "peer 10.0.0.2");
  assert.equal(await get(undefined, { "cf-connecting-ip": "1.1.1.1" }), "none");

  const fwd = ipApp({ trustedProxies: ["10.0.0.0/8", "2001:db8::/32"], header: "forwarded" });
  assert.equal(
    await fwd("2001:db8::1", { forwarded: 'for="[2001:db8:cafe::17]";proto=https, for=10.0.0.3' }),
    "forwarded 2001:db8:cafe::17",
  );
  assert.equal(await fwd("10.0.0.2", { forwarded: 'for="1.1.1.1' }), "peer 10.0.0.2");
  assert.equal(await fwd("10.0.0.2", { forwarded: "for=unknown" }), "peer 10.0.0.2");

  const cf = ipApp({ trustCfConnectingIp: true });
  assert.equal(
    await cf(undefined, { "cf-connecting-ip": "2001:db8::9" }),
    "cf-connecting-ip 2001:db8::9",
  );
  assert.equal(await cf(undefined, { "cf-connecting-ip": "bad" }), "none");
});
