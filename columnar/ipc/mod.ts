/**
 * Arrow IPC: stream and file formats, writers and readers.
 *
 * @module
 */

export { DEFAULT_IPC_LIMITS, type IpcLimits, type IpcReadOptions } from "./limits.ts";
export type { IpcCompression } from "./_codecs.ts";
export {
  ipcReadableStream,
  ipcStreamChunks,
  ipcStreamChunksAsync,
  type IpcWriteOptions,
  writeIpcStream,
} from "./write/stream.ts";
export { ipcFileChunks, type IpcFileWriteOptions, writeIpcFile } from "./write/file.ts";
export {
  type IpcReadResult,
  IpcStreamReader,
  readIpcStream,
  readIpcStreamAsync,
} from "./read/stream.ts";
export { type IpcFileReadResult, readIpcFile } from "./read/file.ts";
export { ipcMessages } from "./read/messages.ts";
