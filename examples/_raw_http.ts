// A GET that returns the body exactly as sent, through curl (without --compressed, curl never
// decodes): Deno's fetch transparently decodes gzip/br/zstd in some cases, which would hide what
// the server put on the wire.

import { run } from "../server/_test_util.ts";

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

export async function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const args = ["-s", "-S", "--max-time", "15", "-D", "-", "-o", "-"];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
  args.push(url);
  const r = await run("curl", args);
  if (r.code !== 0) throw new Error(`curl ${url} failed (${r.code}): ${r.stderr}`);
  const out = r.stdout;
  // The header block ends at the first CRLF CRLF.
  let end = -1;
  for (let i = 0; i + 3 < out.length; i++) {
    if (out[i] === 13 && out[i + 1] === 10 && out[i + 2] === 13 && out[i + 3] === 10) {
      end = i;
      break;
    }
  }
  if (end === -1) throw new Error(`curl ${url}: no header block in the output`);
  const lines = new TextDecoder().decode(out.subarray(0, end)).split("\r\n");
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(lines[0])?.[1] ?? 0);
  const h = new Headers();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) h.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return { status, headers: h, body: out.slice(end + 4) };
}
