/**
 * XXH64's stripe loop as a tiny WebAssembly module, assembled by hand below (271 bytes).
 * WebAssembly has 64-bit multiplies and rotates, which TypeScript must emulate with 32-bit halves,
 * so the loop runs several times faster. Where a runtime forbids compiling code at run time
 * (Cloudflare Workers), or has no `WebAssembly`, {@link wasmStripes} returns null and the caller
 * keeps its TypeScript loop.
 *
 * The module, in text form:
 *
 * ```wat
 * (module
 *   (memory (export "m") 2)            ;; [0, 32): the four lanes (i64, little-endian); data at 32
 *   (func (export "s") (param $p i32) (param $end i32)
 *     (local $v1 i64) (local $v2 i64) (local $v3 i64) (local $v4 i64)
 *     (local.set $v1 (i64.load offset=0 (i32.const 0)))  ;; ... $v2..$v4 at 8, 16, 24
 *     (block $done
 *       (loop $stripe
 *         (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 32)) (local.get $end)))
 *         ;; acc = rotl(acc + input * PRIME64_2, 31) * PRIME64_1, for each lane
 *         (local.set $v1 (i64.mul (i64.rotl (i64.add (local.get $v1)
 *           (i64.mul (i64.load offset=0 (local.get $p)) (i64.const PRIME64_2))) (i64.const 31))
 *           (i64.const PRIME64_1)))
 *         ;; ... $v2..$v4 with offset=8, 16, 24
 *         (local.set $p (i32.add (local.get $p) (i32.const 32)))
 *         (br $stripe)))
 *     (i64.store offset=0 (i32.const 0) (local.get $v1))  ;; ... $v2..$v4 at 8, 16, 24
 *   ))
 * ```
 *
 * @module
 */

const PRIME64_1 = 0x9e3779b185ebca87n;
const PRIME64_2 = 0xc2b2ae3d27d4eb4fn;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 64-bit constant given as its unsigned value. */
function sleb64(u: bigint): number[] {
  let n = BigInt.asIntN(64, u);
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A section: id, byte size, content. */
function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

// Opcodes (WebAssembly core spec §5.4).
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, I32_CONST = 0x41, I64_CONST = 0x42;
const I64_LOAD = 0x29, I64_STORE = 0x37, I32_ADD = 0x6a, I32_GT_U = 0x4b;
const I64_ADD = 0x7c, I64_MUL = 0x7e, I64_ROTL = 0x89;
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;
/** memarg: alignment 2^3, then the offset. */
const mem = (offset: number) => [3, ...uleb(offset)];

/** Locals: 0 = $p, 1 = $end, 2..5 = the lanes. */
function body(): number[] {
  const code: number[] = [];
  for (let k = 0; k < 4; k++) code.push(I32_CONST, 0, I64_LOAD, ...mem(8 * k), LOCAL_SET, 2 + k);
  code.push(BLOCK, VOID, LOOP, VOID);
  code.push(LOCAL_GET, 0, I32_CONST, 32, I32_ADD, LOCAL_GET, 1, I32_GT_U, BR_IF, 1);
  for (let k = 0; k < 4; k++) {
    code.push(
      LOCAL_GET,
      2 + k,
      LOCAL_GET,
      0,
      I64_LOAD,
      ...mem(8 * k),
      I64_CONST,
      ...sleb64(PRIME64_2),
      I64_MUL,
      I64_ADD,
      I64_CONST,
      31,
      I64_ROTL,
      I64_CONST,
      ...sleb64(PRIME64_1),
      I64_MUL,
      LOCAL_SET,
      2 + k,
    );
  }
  code.push(LOCAL_GET, 0, I32_CONST, 32, I32_ADD, LOCAL_SET, 0, BR, 0, END, END);
  for (let k = 0; k < 4; k++) code.push(I32_CONST, 0, LOCAL_GET, 2 + k, I64_STORE, ...mem(8 * k));
  code.push(END);
  const locals = [1, 4, 0x7e]; // one group: four i64
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

/**
 * The module's bytes.
 *
 * @example
 * ```ts ignore
 * const module = new WebAssembly.Module(xxh64WasmBytes()); // throws on Cloudflare Workers
 * ```
 */
export function xxh64WasmBytes(): Uint8Array<ArrayBuffer> {
  const name = (s: string) => [s.length, ...[...s].map((c) => c.charCodeAt(0))];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // "\0asm", version 1
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 0]), // types: (i32, i32) -> ()
    ...section(3, [1, 0]), // functions: one, of type 0
    ...section(5, [1, 0, 2]), // memory: min 2 pages (128 KiB), no max
    ...section(7, [2, ...name("m"), 2, 0, ...name("s"), 0, 0]), // exports
    ...section(10, [1, ...body()]), // code
  ]);
}

/**
 * Bytes of data the module takes per call: its two pages less the lanes, a multiple of 32.
 *
 * @example
 * ```ts ignore
 * const n = Math.min(end - i, WASM_CHUNK) & ~31;
 * ```
 */
export const WASM_CHUNK = 2 * 65536 - 64;

/**
 * The compiled stripe loop: `lanes` and `data` are views on its memory.
 *
 * @example
 * ```ts ignore
 * const w: WasmStripes | null = wasmStripes();
 * ```
 */
export interface WasmStripes {
  /** The four lanes as eight uint32 (low half first); read and written by `run`. */
  lanes: Uint32Array;
  /** Where the caller copies input (`WASM_CHUNK` bytes). */
  data: Uint8Array;
  /** Runs the lanes over `data[0:n]` (`n` a multiple of 32). */
  run(n: number): void;
}

let compiled: WasmStripes | null | undefined;

/**
 * The stripe loop, compiled once; null where WebAssembly cannot be compiled at run time.
 *
 * @example
 * ```ts ignore
 * const w = wasmStripes(); // null on Cloudflare Workers
 * ```
 */
export function wasmStripes(): WasmStripes | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    const wa = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
    if (wa === undefined) return null;
    const instance = new wa.Instance(new wa.Module(xxh64WasmBytes()));
    const memory = instance.exports.m as WebAssembly.Memory;
    const s = instance.exports.s as (p: number, end: number) => void;
    compiled = {
      lanes: new Uint32Array(memory.buffer, 0, 8),
      data: new Uint8Array(memory.buffer, 32, WASM_CHUNK),
      run: (n: number) => s(32, 32 + n),
    };
  } catch {
    // Workers: "Wasm code generation disallowed by embedder"; keep the TypeScript loop.
  }
  return compiled;
}
