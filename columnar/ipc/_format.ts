/**
 * Constants of the Arrow IPC format (Message.fbs, Schema.fbs, File.fbs, and the encapsulated
 * message framing of the columnar format spec).
 *
 * @module
 */

/** `MetadataVersion.V5`, written by this implementation (V4 is read too). */
export const METADATA_V5 = 4;
/** `MetadataVersion.V4`. */
export const METADATA_V4 = 3;

/** `MessageHeader` union tags. */
export const MessageHeader = {
  Schema: 1,
  DictionaryBatch: 2,
  RecordBatch: 3,
} as const;

/** The continuation marker that starts every encapsulated message (since 0.15). */
export const CONTINUATION = 0xffffffff;

/** "ARROW1" magic of the file format. */
export const FILE_MAGIC: Uint8Array = new Uint8Array([0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]);

/** Rounds `n` up to a multiple of 8 (buffers and metadata are 8-byte aligned). */
export function pad8(n: number): number {
  return (n + 7) & ~7;
}

/** Slots of `Schema.fbs` `Field`. */
export const FieldSlot = {
  name: 0,
  nullable: 1,
  typeType: 2,
  type: 3,
  dictionary: 4,
  children: 5,
  customMetadata: 6,
} as const;
