/**
 * The dashboard page and its assets, as routes for the example app: `/` for browsers (the JSON
 * index stays for API clients), `/dashboard/client.js` (the bundled module from `build.ts`) and
 * `/dashboard/node-zlib.js`.
 *
 * The bundle keeps `import "node:zlib"` (our compression library reaches zstd/brotli through
 * it); browsers have no such module, so the page's import map points it at an empty shim.
 * The dashboard never needs it: the browser decodes the zstd content coding itself, and the
 * Arrow stream carries no IPC body compression.
 *
 * @module
 */

/** What the dashboard routes need. */
export interface DashboardAssets {
  /** The bundled `client.ts` (see `build.ts`). */
  script: string;
  /**
   * An API key written into the page so its fetches pass auth: for the local dev server only
   * (anyone who can load the page can read it).
   */
  devApiKey?: string;
}

/** Stand-in for `node:zlib` in the browser: no native codecs (the library reports them missing). */
export const NODE_ZLIB_SHIM = "export const constants = {};\nexport default {};\n";

function escapeAttr(s: string): string {
  return s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The dashboard's HTML.
 *
 * @example
 * ```ts
 * import { dashboardHtml } from "./page.ts";
 * console.log(dashboardHtml().includes('id="chart"')); // true
 * ```
 */
export function dashboardHtml(devApiKey?: string): string {
  const keyMeta = devApiKey ? `\n<meta name="avx-api-key" content="${escapeAttr(devApiKey)}">` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${keyMeta}
<title>avx-http · strain dashboard</title>
<script type="importmap">{"imports":{"node:zlib":"/dashboard/node-zlib.js"}}</script>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2rem; background: #0b1020; color: #e2e8f0; }
  a { color: #7dd3fc; }
  canvas { width: 100%; max-width: 960px; border: 1px solid #2a3350; display: block; }
  #status { margin: .75rem 0; color: #94a3b8; }
</style>
</head>
<body>
<h1>Gravitational-wave strain</h1>
<p>Arrow IPC stream, zstd content coding, read by avx-http's columnar reader in your browser.
<label>Detector <select id="detector"><option>H1</option><option>L1</option><option>V1</option></select></label>
· <a href="/docs">API docs</a> · <a href="/metrics">metrics</a></p>
<canvas id="chart" width="960" height="320"></canvas>
<div id="status">loading…</div>
<script type="module" src="/dashboard/client.js"></script>
</body>
</html>
`;
}
