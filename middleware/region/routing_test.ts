import { ConfigurationError } from "../../http/config_error.ts";
import assert from "node:assert/strict";
import { type Context, Hono } from "hono";
import { HttpProblem } from "../../http/problem.ts";
import { BreakerRegistry } from "../resilience/breakers.ts";
import {
  RegionRegistry,
  regionRouting,
  type RegionRoutingOptions,
  type RegionVariables,
} from "./mod.ts";

const registry = new RegionRegistry([
  { id: "us-east-1", origin: "https://us.example.com", countries: ["US"], primary: true },
  { id: "br-saopaulo-1", origin: "https://br.example.com", countries: ["BR"], continents: ["SA"] },
  { id: "eu-frankfurt-1", origin: "https://eu.example.com", continents: ["EU"] },
], { current: "eu-frankfurt-1" });

function app(options: Partial<RegionRoutingOptions> = {}): Hono {
  const a = new Hono();
  a.onError((e) =>
    e instanceof HttpProblem ? e.toResponse() : new Response(String(e), { status: 500 })
  );
  a.use(regionRouting({ registry, mode: "redirect", ...options }));
  a.all("/", (c) => c.json((c as unknown as Context).get("region") as RegionVariables["region"]));
  a.get("/raw", () => new Response("raw", { headers: { "x-own": "1" } }));
  return a;
}

Deno.test("routing: location from cf.country, CF-IPCountry, geo(); unknown countries ignored", async () => {
  const withCf = new Request("http://eu.local/?x=1");
  Object.defineProperty(withCf, "cf", { value: { country: "AR", colo: "GRU" } });
  const res = await app().fetch(withCf);
  assert.equal(res.status, 307);
  assert.equal(res.headers.get("location"), "https://br.example.com/?x=1");
  let geoCalls = 0;
  const geo = (_c: Context) => {
    geoCalls++;
    return Promise.resolve("us");
  };
  const viaGeo = await app({ geo }).request("/");
  assert.equal(viaGeo.headers.get("location"), "https://us.example.com/");
  assert.equal(geoCalls, 1);
  const headerWins = await app({ geo }).request("/", { headers: { "cf-ipcountry": "DE" } });
  assert.equal(headerWins.status, 200, "DE maps to eu, served here");
  assert.equal(geoCalls, 1, "geo is not consulted when a header tells the country");
  const d = await headerWins.json();
  assert.equal(d.reason, "country");
  assert.equal(d.local, true);
  const tor = await app().request("/", { headers: { "cf-ipcountry": "T1" } });
  assert.equal(tor.headers.get("location"), "https://us.example.com/", "unknown: the primary");
  const untrusted = await app({ trustPlatformHeaders: false }).request("/", {
    headers: { "cf-ipcountry": "BR" },
  });
  assert.equal(untrusted.headers.get("location"), "https://us.example.com/");
  const noExplicit = await app({ trustRegionHeader: false }).request("/", {
    headers: { "x-avl-region": "mars" },
  });
  assert.equal(noExplicit.status, 307, "the header is ignored, not validated");
});

Deno.test("routing: writes pin to the primary and never fail over; 503 when it is down", async () => {
  const breakers = new BreakerRegistry({ failureThreshold: 1, openMs: 1000, now: () => 0 });
  breakers.get("us-east-1").failure();
  const a = app({ breakers });
  const write = await a.request("/", { method: "PUT", headers: { "cf-ipcountry": "DE" } });
  assert.equal(write.status, 503);
  assert.equal(write.headers.get("retry-after"), "5");
  assert.equal((await write.json()).region, "us-east-1");
  // A read preferring the primary fails over to the next region in order.
  const read = await a.request("/", { headers: { "cf-ipcountry": "US" } });
  assert.equal(read.status, 307);
  // Order for US: us (country), then declaration order: br before eu.
  assert.equal(read.headers.get("location"), "https://br.example.com/");
  assert.equal(read.headers.get("x-avl-preferred-region"), "us-east-1");
});

Deno.test("routing: raw handler responses get the region headers too", async () => {
  const res = await app({ mode: "local" }).request("/raw", { headers: { "cf-ipcountry": "BR" } });
  assert.equal(await res.text(), "raw");
  assert.equal(res.headers.get("x-own"), "1");
  assert.equal(res.headers.get("x-avl-region"), "eu-frankfurt-1");
  assert.equal(res.headers.get("x-avl-preferred-region"), "br-saopaulo-1");
  assert.throws(() => regionRouting({ registry, mode: "teleport" as never }), ConfigurationError);
});
