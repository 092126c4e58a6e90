// A pull-driven ReadableStream over an iterator: one chunk per pull, nothing read ahead
// (highWaterMark 0), errors forwarded, and cancel() closes the iterator (its finally blocks run).

/** The chunks of `it` as a `ReadableStream`, produced on demand. */
export function iteratorStream(
  it: AsyncIterator<Uint8Array> | Iterator<Uint8Array>,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (e) {
        controller.error(e);
      }
    },
    async cancel() {
      await it.return?.(undefined);
    },
  }, { highWaterMark: 0 });
}
