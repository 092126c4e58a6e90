import assert from "node:assert/strict";
import { RegionConfigError, RegionRegistry } from "./mod.ts";

const REGIONS = [
  {
    id: "us-east-1",
    origin: "https://us.example.com/",
    countries: ["US", "CA"],
    continents: ["NA"],
  },
  {
    id: "br-saopaulo-1",
    origin: "https://br.example.com",
    countries: ["br"],
    continents: ["SA"],
    aliases: ["gru", "GRU"],
  },
  {
    id: "eu-frankfurt-1",
    origin: "https://eu.example.com/api/",
    continents: ["EU", "AF"],
    primary: true,
    aliases: ["fra"],
  },
];

Deno.test("registry: country, continent fallback, primary, declaration order", () => {
  const r = new RegionRegistry(REGIONS);
  const ids = (cc: string | undefined) => r.forCountry(cc).map((x) => x.id);
  assert.deepEqual(ids("BR"), ["br-saopaulo-1", "eu-frankfurt-1", "us-east-1"]);
  assert.deepEqual(ids("ar"), ["br-saopaulo-1", "eu-frankfurt-1", "us-east-1"], "AR -> SA");
  assert.deepEqual(ids("MX"), ["us-east-1", "eu-frankfurt-1", "br-saopaulo-1"], "MX -> NA");
  assert.deepEqual(ids("NG"), ["eu-frankfurt-1", "us-east-1", "br-saopaulo-1"], "NG -> AF");
  assert.deepEqual(ids("JP"), ["eu-frankfurt-1", "us-east-1", "br-saopaulo-1"], "AS: primary");
  assert.deepEqual(ids(undefined), ["eu-frankfurt-1", "us-east-1", "br-saopaulo-1"]);
  assert.deepEqual(ids("not a country"), ids(undefined));
  assert.equal(r.nearest("CA").id, "us-east-1");
  assert.equal(r.primary().id, "eu-frankfurt-1");
  assert.equal(r.continentOf("pt"), "EU");
  assert.equal(r.continentOf("ZZ"), undefined);
  assert.equal(r.get("eu-frankfurt-1")?.origin, "https://eu.example.com/api");
  assert.equal(r.get("us-east-1")?.origin, "https://us.example.com");
  assert.equal(r.resolve("GRU")?.id, "br-saopaulo-1");
  assert.equal(r.forCountry("BR"), r.forCountry("br"), "orders are cached");
});

Deno.test("registry: the first region is primary when none is marked", () => {
  const r = new RegionRegistry(REGIONS.map((x) => ({ ...x, primary: undefined })));
  assert.equal(r.primary().id, "us-east-1");
  assert.equal(r.regions[0].primary, true);
});

Deno.test("registry: current region from config, AVL_REGION, FLY_REGION, cf.colo", () => {
  const env = (vars: Record<string, string>) => (n: string) => vars[n];
  assert.equal(
    new RegionRegistry(REGIONS, { current: "us-east-1" }).currentRegion()?.id,
    "us-east-1",
  );
  assert.equal(
    new RegionRegistry(REGIONS, { env: env({ AVL_REGION: "fra" }) }).currentRegion()?.id,
    "eu-frankfurt-1",
  );
  assert.equal(
    new RegionRegistry(REGIONS, { env: env({ AVL_REGION: "nowhere", FLY_REGION: "gru" }) })
      .currentRegion()?.id,
    "br-saopaulo-1",
  );
  const edge = new RegionRegistry(REGIONS, { env: env({}) });
  assert.equal(edge.currentRegion(), undefined);
  assert.equal(edge.currentRegion({ colo: "GRU" })?.id, "br-saopaulo-1");
  assert.equal(edge.currentRegion({ colo: "LHR" }), undefined);
});

Deno.test("registry: invalid configuration is a typed error", () => {
  const bad: Array<[unknown[], string]> = [
    [[], "no_regions"],
    [[{ id: "Bad_Id", origin: "https://x.example" }], "invalid_region"],
    [[{ id: "a", origin: "ftp://x.example" }], "invalid_region"],
    [[{ id: "a", origin: "not a url" }], "invalid_region"],
    [[{ id: "a", origin: "https://x.example", countries: ["BRA"] }], "invalid_region"],
    [[{ id: "a", origin: "https://x.example", continents: ["XX"] }], "invalid_region"],
    [
      [{ id: "a", origin: "https://a.example" }, { id: "a", origin: "https://b.example" }],
      "duplicate_region",
    ],
    [[
      { id: "a", origin: "https://a.example", aliases: ["x"] },
      { id: "b", origin: "https://b.example", aliases: ["x"] },
    ], "duplicate_region"],
    [[
      { id: "a", origin: "https://a.example", primary: true },
      { id: "b", origin: "https://b.example", primary: true },
    ], "primary"],
  ];
  for (const [regions, code] of bad) {
    assert.throws(
      () => new RegionRegistry(regions as never),
      (e) => e instanceof RegionConfigError && e.code === code,
      JSON.stringify(regions),
    );
  }
  assert.throws(() => new RegionRegistry(REGIONS, { current: "mars-1" }), RegionConfigError);
});
