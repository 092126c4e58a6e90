// Schema decoding: messages about types name them, whatever the tag.
import assert from "node:assert/strict";
import {
  ArrowError,
  type DataType,
  Field,
  readIpcStream,
  Schema,
  writeIpcStream,
} from "../../mod.ts";

/** A stream whose only field has the (possibly invalid) type `type`. */
function streamOf(type: Record<string, unknown>): Uint8Array {
  const field = new Field("x", type as unknown as DataType, true);
  return writeIpcStream([], { schema: new Schema([field]) });
}

Deno.test("schema errors name the type, not its number", () => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ typeId: 22, children: [] }, "corrupt", /run-end encoded type needs 2 children/],
    [{ typeId: 27, children: [] }, "unsupported", /Arrow unknown type 27 is not supported/],
    [{ typeId: 7, precision: 5, scale: 0, bitWidth: 96 }, "corrupt", /bad decimal width 96/],
    [{ typeId: 7, precision: 10, scale: 0, bitWidth: 32 }, "corrupt", /decimal32 precision 10/],
    [{ typeId: 11, unit: 5 }, "corrupt", /bad interval unit 5/],
  ];
  for (const [type, code, message] of cases) {
    assert.throws(
      () => readIpcStream(streamOf(type)),
      (e: unknown) => e instanceof ArrowError && e.code === code && message.test(e.message),
      JSON.stringify(type),
    );
  }
});
