/**
 * One-shot LZ4 frame compression (lz4_Frame_format.md): header, blocks (stored uncompressed
 * when compression does not pay), end mark and content checksum, in one output buffer.
 *
 * @module
 */

import { xxhash32, xxhash32Range } from "../checksum/xxhash32.ts";
import { compressBound } from "./block_encode.ts";
import {
  encodeBlockInto,
  outputBuffer,
  sharedMatchState,
  SMALL_INPUT_COPY,
  smallInput,
  smallInputView,
} from "./_encode_state.ts";
import { dictionaryWork, encoderDictionary } from "./_dictionary.ts";
import { frameSettings, MAX_HEADER_LENGTH, writeFrameHeader, writeU32 } from "./_frame_header.ts";
import { type Lz4BlockSize, type Lz4CompressOptions, planLevel } from "./options.ts";

/** Flag in a block size field: the block is stored uncompressed. */
export const UNCOMPRESSED_BLOCK = 0x80000000;

/**
 * Compresses `input` into one complete LZ4 frame, readable by `lz4 -d` and every LZ4 frame
 * decoder.
 *
 * @param input the data
 * @param options level, block size and layout, checksums, content size, dictionary (see
 *   {@link Lz4CompressOptions} for the defaults, which follow the `lz4` tool). Like the tool,
 *   a smaller block size is announced when the whole input fits in one.
 * @returns the frame, sized exactly
 * @throws {CompressError} `unsupported` for an invalid block size or level
 *
 * @example
 * ```ts
 * import { compressFrame, decompressFrame } from "./mod.ts";
 * const data = new TextEncoder().encode('{"rows":[1,2,3],"rows2":[1,2,3],"rows3":[1,2,3]}');
 * const frame = compressFrame(data, { contentSize: true });
 * console.log(new TextDecoder().decode(decompressFrame(frame)) === new TextDecoder().decode(data));
 * // true
 * ```
 */
export function compressFrame(input: Uint8Array, options: Lz4CompressOptions = {}): Uint8Array {
  const s = frameSettings(options);
  // As liblz4's one-shot LZ4F_compressFrame: announce the smallest block size that holds the
  // whole input, so decoders reserve less memory. Same blocks, smaller BD.
  while (s.blockSize > 65536 && input.length <= s.blockSize / 4) {
    s.blockSize = s.blockSize / 4 as Lz4BlockSize;
  }
  // A single block links to nothing: say so (as liblz4 does), decoders then keep no history.
  if (input.length <= s.blockSize) s.blockLinked = false;
  const plan = planLevel(options.level);
  const len = input.length;
  const bs = s.blockSize;
  const blocks = Math.ceil(len / bs);
  // Worst case: every block stored raw, plus its size field and checksum.
  const bound = MAX_HEADER_LENGTH + len + blocks * 24 + 8 + compressBound(0);
  const dst = outputBuffer(Math.max(bound, MAX_HEADER_LENGTH + 8 + (len ? compressBound(len) : 0)));
  let op = writeFrameHeader(dst, 0, s, s.contentSize ? len : undefined);
  const dict = encoderDictionary(options.dictionary);
  const dictLen = dict === null ? 0 : dict.length;
  // The input, or its copy in the small-input scratch: what the match finder and the content
  // checksum read, through one view.
  let data = input;
  let dataView: DataView;
  if (len <= SMALL_INPUT_COPY && dictLen === 0) {
    smallInput.set(input);
    data = smallInput;
    dataView = smallInputView;
  } else {
    dataView = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }
  // Blocks are encoded from `src` at `shift`: the input (or its copy), or [dictionary | input].
  let src = data;
  let shift = 0;
  let state = sharedMatchState;
  let base = 0;
  if (dictLen === 0) {
    base = state.reserve(len);
  } else if (s.blockLinked) {
    // The dictionary precedes the first block, each block the previous ones.
    const w = dictionaryWork(options.dictionary!, dict!, input, 0, len, plan);
    src = w.buf;
    shift = dictLen;
    state = w.state;
    base = w.base;
  }
  for (let start = 0; start < len; start += bs) {
    const end = Math.min(start + bs, len);
    const sizePos = op;
    op += 4;
    let cEnd: number;
    if (dictLen > 0 && !s.blockLinked) {
      // Independent blocks: the dictionary precedes each one (as liblz4).
      const w = dictionaryWork(options.dictionary!, dict!, input, start, end, plan);
      cEnd = encodeBlockInto(
        w.buf,
        dictLen,
        dictLen + end - start,
        0,
        dst,
        op,
        plan,
        w.state,
        w.base,
      );
    } else {
      cEnd = encodeBlockInto(
        src,
        shift + start,
        shift + end,
        s.blockLinked ? 0 : start,
        dst,
        op,
        plan,
        state,
        base,
        src === data ? dataView : null,
      );
    }
    let size = cEnd - op;
    if (size >= end - start) {
      size = end - start;
      dst.set(input.subarray(start, end), op);
      writeU32(dst, sizePos, size | UNCOMPRESSED_BLOCK);
    } else {
      writeU32(dst, sizePos, size);
    }
    op += size;
    if (s.blockChecksum) op = writeU32(dst, op, xxhash32(dst.subarray(op - size, op)));
  }
  op = writeU32(dst, op, 0);
  if (s.contentChecksum) op = writeU32(dst, op, xxhash32Range(data, dataView, 0, len));
  return dst.slice(0, op);
}
