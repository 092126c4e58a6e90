// Reading a stream into memory up to a limit, without losing it when it is larger: shared by the
// client (request bodies kept for retries) and the idempotency middleware (responses stored for
// replay).

/** The whole stream as bytes, or (past the limit) one stream of what was read plus the rest. */
export type UpTo =
  | { bytes: Uint8Array; stream?: undefined }
  | { bytes: null; stream: ReadableStream<Uint8Array> };

/** Reads `stream` up to `limit` bytes; past it, hands back everything as a stream, once. */
export async function readUpTo(stream: ReadableStream<Uint8Array>, limit: number): Promise<UpTo> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
    if (total > limit) {
      let i = 0;
      const rest = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (i < chunks.length) {
            controller.enqueue(chunks[i]);
            chunks[i++] = new Uint8Array(0); // let the buffered prefix go as it is sent
            return;
          }
          const r = await reader.read();
          if (r.done) controller.close();
          else controller.enqueue(r.value);
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      });
      return { bytes: null, stream: rest };
    }
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes };
}
