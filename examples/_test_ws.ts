// Test helper: subscribes to the example's /ws with the runtime's WebSocket client and returns
// the first `count` strain blocks (bounded by a timeout), then closes with 1000.

/** One block the example's `/ws` pushes. */
export interface StrainBlock {
  detector: string;
  start: number;
  samples: number[];
}

/** Subscribes to `detector` at `<baseUrl>/ws`; the first `count` blocks. */
export function subscribeStrain(
  baseUrl: string,
  detector: string,
  count: number,
  timeoutMs = 10_000,
): Promise<StrainBlock[]> {
  const ws = new WebSocket(baseUrl.replace(/^http/, "ws") + "/ws");
  const blocks: StrainBlock[] = [];
  return new Promise<StrainBlock[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`${blocks.length} of ${count} blocks in ${timeoutMs} ms`));
    }, timeoutMs);
    ws.onopen = () => ws.send(JSON.stringify({ subscribe: detector }));
    ws.onmessage = (e) => {
      blocks.push(JSON.parse(String(e.data)));
      if (blocks.length === count) {
        clearTimeout(timer);
        ws.close(1000);
        resolve(blocks);
      }
    };
    ws.onerror = () => {
      clearTimeout(timer);
      reject(new Error(`WebSocket to ${baseUrl}/ws failed after ${blocks.length} blocks`));
    };
  });
}
