import assert from "node:assert/strict";
import { scavengesUnderLoad } from "./_test_util.ts";

const FIXTURE = new URL("./testdata/capture_server.ts", import.meta.url).pathname;

// Regression guard for the shape of captureBodies (see the note in _capture.ts). With the
// wrappers built inline, ~9% of the young generation survived each scavenge under this load,
// whole finished requests; with them built by separate factories, well under 1%.
Deno.test("capturing payloads keeps no finished request alive across scavenges", async () => {
  const s = await scavengesUnderLoad(FIXTURE);
  assert.ok(s.requests > 2_000, `load too light: ${s.requests} requests`);
  assert.ok(
    s.survivePercent < 3,
    `${s.survivePercent.toFixed(2)}% of the young generation survived each scavenge ` +
      `(${(s.keptBytes / 1024).toFixed(0)} KiB on average over ${s.scavenges} scavenges)`,
  );
});
