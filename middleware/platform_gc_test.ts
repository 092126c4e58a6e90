import { assertNoRequestKeptAcrossScavenges } from "../server/_test_util.ts";

const FIXTURE = new URL("./testdata/platform_server.ts", import.meta.url).pathname;

// The platform stack's tail latency is its scavenges: when finished requests stay reachable,
// every scavenge copies them (~2 MB, 1-4 ms, p99 5 ms above bare Hono, issue #7). Under load a
// scavenge should find next to nothing alive.
Deno.test("auth + rate limit + cost tracking keep no finished request alive across scavenges", async () => {
  await assertNoRequestKeptAcrossScavenges(FIXTURE);
});
