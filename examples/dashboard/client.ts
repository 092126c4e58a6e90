/**
 * The dashboard's browser module: fetches a detector's strain as an Arrow IPC stream (the server
 * compresses it with zstd; the browser decodes the content coding), reads it with avx-http's
 * own columnar reader, and draws it on a canvas. What it drew is published on
 * `window.avxChart` and as `data-*` attributes, so tests and people can check it.
 *
 * Bundled for the browser by `build.ts` (served as `/dashboard/client.js`).
 *
 * @module
 */

import { readIpcStream } from "../../columnar/mod.ts";

// The DOM as far as this module uses it, typed structurally: the repository type-checks under
// Deno's libraries, which have no DOM.

/** The 2D drawing calls the chart makes. */
export interface Canvas2D {
  /** Fill colour. */
  fillStyle: string;
  /** Line colour. */
  strokeStyle: string;
  /** Line width in pixels. */
  lineWidth: number;
  /** Fills a rectangle. */
  fillRect(x: number, y: number, w: number, h: number): void;
  /** Starts a path. */
  beginPath(): void;
  /** Moves the pen. */
  moveTo(x: number, y: number): void;
  /** Draws a segment. */
  lineTo(x: number, y: number): void;
  /** Strokes the path. */
  stroke(): void;
}

/** The canvas element the chart draws on. */
export interface ChartCanvas {
  /** Pixel width. */
  width: number;
  /** Pixel height. */
  height: number;
  /** `data-*` attributes. */
  dataset: Record<string, string | undefined>;
  /** The 2D context. */
  getContext(kind: "2d"): Canvas2D | null;
  /** Removes an attribute. */
  removeAttribute(name: string): void;
}

interface PageElement {
  textContent: string | null;
  value: string;
  content: string;
  addEventListener(type: string, fn: () => void): void;
}

interface PageDocument {
  querySelector(selector: string): unknown;
}

/** What the chart shows (published as `window.avxChart`). */
export interface ChartSummary {
  /** Detector id. */
  detector: string;
  /** First sample index. */
  start: number;
  /** Points drawn. */
  points: number;
  /** Smallest strain value. */
  min: number;
  /** Largest strain value. */
  max: number;
  /** Size of the Arrow stream after the browser decoded its content coding. */
  bytes: number;
}

/**
 * Draws `values` as a line over a canvas, scaled to its min..max; returns [min, max].
 *
 * @example
 * ```ts ignore
 * import { drawSeries } from "./client.ts";
 * drawSeries(document.querySelector("canvas")!, new Float64Array([0, 1, 0]));
 * ```
 */
export function drawSeries(canvas: ChartCanvas, values: Float64Array): [number, number] {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const ctx = canvas.getContext("2d");
  if (ctx === null) throw new Error("no 2D canvas context");
  const w = canvas.width, h = canvas.height, pad = 8;
  ctx.fillStyle = "#0b1020";
  ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = "#2a3350";
  ctx.beginPath();
  ctx.moveTo(pad, h / 2);
  ctx.lineTo(w - pad, h / 2);
  ctx.stroke();
  const span = max - min || 1;
  ctx.strokeStyle = "#7dd3fc";
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = 0; i < values.length; i++) {
    const x = pad + (i / Math.max(1, values.length - 1)) * (w - 2 * pad);
    const y = h - pad - ((values[i] - min) / span) * (h - 2 * pad);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
  return [min, max];
}

async function main(document: PageDocument): Promise<void> {
  const canvas = document.querySelector("#chart") as ChartCanvas;
  const status = document.querySelector("#status") as PageElement;
  const detector = document.querySelector("#detector") as PageElement;
  const key = (document.querySelector('meta[name="avx-api-key"]') as PageElement | null)?.content;
  const show = async () => {
    const d = detector.value;
    const start = 16 * 4096 - 2048;
    const n = 4096;
    status.textContent = `loading ${d}…`;
    canvas.removeAttribute("data-ready");
    const res = await fetch(`/api/strain/${d}/arrow?start=${start}&n=${n}`, {
      headers: {
        accept: "application/vnd.apache.arrow.stream",
        ...(key ? { "x-avl-api-key": key } : {}),
      },
    });
    if (!res.ok) {
      status.textContent = `error ${res.status}: ${await res.text()}`;
      return;
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const { batches } = readIpcStream(bytes);
    const total = batches.reduce((s, b) => s + b.numRows, 0);
    const values = new Float64Array(total);
    let at = 0;
    for (const b of batches) {
      const col = b.column("strain").toArray() as Float64Array;
      values.set(col, at);
      at += col.length;
    }
    const [min, max] = drawSeries(canvas, values);
    const summary: ChartSummary = {
      detector: d,
      start,
      points: total,
      min,
      max,
      bytes: bytes.length,
    };
    (globalThis as unknown as { avxChart: ChartSummary }).avxChart = summary;
    canvas.dataset.points = String(total);
    canvas.dataset.ready = "1";
    status.textContent = `${d}: ${total} samples, strain ${min.toExponential(3)} … ` +
      `${max.toExponential(3)} (Arrow stream, ${bytes.length} bytes decoded)`;
  };
  detector.addEventListener("change", () => void show());
  await show();
}

const doc = (globalThis as { document?: PageDocument }).document;
if (doc !== undefined) {
  main(doc).catch((e) => {
    const status = doc.querySelector("#status") as PageElement | null;
    if (status) status.textContent = `error: ${e instanceof Error ? e.message : e}`;
    (globalThis as unknown as { avxChartError: string }).avxChartError = String(e);
  });
}
