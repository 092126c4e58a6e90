import assert from "node:assert/strict";
import {
  readIpcStream,
  RecordBatch,
  registerExtensionType,
  unregisterExtensionType,
  writeIpcStream,
} from "../mod.ts";
import { QuaternionColumn, quaternionColumn } from "./columns.ts";
import { QuaternionArray } from "./quaternion.ts";

function roundTrip(): RecordBatch {
  const batch = RecordBatch.fromColumns({ q: quaternionColumn(QuaternionArray.allocate(3)) });
  return readIpcStream(writeIpcStream(batch)).batches[0];
}

Deno.test("built-in extension types: none registered on import, readers still wrap them", () => {
  // Importing columnar/ fills no registry: there is nothing to unregister...
  assert.equal(unregisterExtensionType("avila.quaternion"), false);
  // ...and the reader knows the built-in type anyway.
  assert.ok(roundTrip().column("q") instanceof QuaternionColumn);
});

Deno.test("built-in extension types: a registered type of the same name takes precedence", () => {
  registerExtensionType({
    name: "avila.quaternion",
    accepts: () => false,
    wrap: () => assert.fail(),
  });
  try {
    const q = roundTrip().column("q");
    assert.equal(q instanceof QuaternionColumn, false);
    assert.equal(q.extension?.name, "avila.quaternion");
  } finally {
    unregisterExtensionType("avila.quaternion");
  }
  assert.ok(roundTrip().column("q") instanceof QuaternionColumn);
});
