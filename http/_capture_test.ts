import { assertNoRequestKeptAcrossScavenges } from "../server/_test_util.ts";

const FIXTURE = new URL("./testdata/capture_server.ts", import.meta.url).pathname;

// Regression guard for the shape of captureBodies (see the note in _capture.ts). With the
// wrappers built inline, ~7% of the young generation survived each scavenge under this load,
// whole finished requests; with them built by separate factories, well under 1%.
Deno.test("capturing payloads keeps no finished request alive across scavenges", async () => {
  await assertNoRequestKeptAcrossScavenges(FIXTURE);
});
