// The zstd decoder as a Worker for workerd, where code cannot be compiled at run time: POST a
// frame, get its content back, with which XXH64 loop ran (`x-xxh64`) and what compiling the
// WebAssembly module did (`x-wasm-compile`); a decode error answers 422 with its code.

import { decompressZstd } from "../mod.ts";
import { xxh64Backend } from "../_xxh64.ts";
import { xxh64WasmBytes } from "../_xxh64_wasm.ts";

function tryCompile(): string {
  try {
    new WebAssembly.Module(xxh64WasmBytes());
    return "compiled";
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

export default {
  async fetch(request: Request): Promise<Response> {
    const frame = new Uint8Array(await request.arrayBuffer());
    const headers = { "x-wasm-compile": tryCompile(), "x-xxh64": xxh64Backend() };
    try {
      return new Response(decompressZstd(frame) as Uint8Array<ArrayBuffer>, { headers });
    } catch (e) {
      return new Response((e as { code?: string }).code ?? "unknown", { status: 422, headers });
    }
  },
};
