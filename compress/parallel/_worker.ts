/**
 * A compression pool worker: compresses one block per message with the same function the
 * single-threaded path uses, and transfers the result back.
 *
 * Message in: `{ id, algorithm, level, block }`. Out: `{ id, out }` or `{ id, code, message }`.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import type { Algorithm } from "../types.ts";
import { compressOneBlock } from "./_block_codec.ts";

interface Task {
  id: number;
  algorithm: Algorithm;
  level: number;
  block: Uint8Array;
}

interface WorkerScope {
  onmessage: ((e: MessageEvent<Task>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (e: MessageEvent<Task>) => {
  const { id, algorithm, level, block } = e.data;
  try {
    let out = compressOneBlock(algorithm, level, block);
    // Transfer only a buffer the result owns whole (node:zlib results may be pool views).
    if (out.byteOffset !== 0 || out.byteLength !== out.buffer.byteLength) out = out.slice();
    scope.postMessage({ id, out }, [out.buffer as ArrayBuffer]);
  } catch (err) {
    scope.postMessage({
      id,
      code: err instanceof CompressError ? err.code : "unsupported",
      message: err instanceof Error ? err.message : String(err),
    });
  }
};
