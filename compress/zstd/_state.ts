/**
 * The decoding state one frame carries from block to block (RFC 8878 §3.1.1.3): output window,
 * repeat offsets and the previous entropy tables, plus the dictionary that primes them.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import type { HuffmanTable } from "./huffman.ts";
import type { SequenceTable } from "./sequences.ts";

/** Largest decoded block (§3.1.1.2.4: Block_Maximum_Size). */
export const BLOCK_MAX = 128 * 1024;

/**
 * Scratch for decoded literals, shared by every frame state: a block's literals are decoded and
 * consumed within one synchronous `decodeCompressedBlock` call, so one buffer serves all decoders
 * and a one-shot decode does not allocate (and zero) 128 KiB per call.
 */
const LITERALS = new Uint8Array(BLOCK_MAX + 32);

/** Entropy tables and history a dictionary (or nothing) starts a frame with. */
export interface Prime {
  /** Dictionary_ID (0 for raw content or none). */
  id: number;
  /** Content that matches may reach into before the frame's first byte. */
  content: Uint8Array;
  /** Literals table, when the dictionary has one. */
  huffman: HuffmanTable | null;
  /** Sequence tables, when the dictionary has them. */
  ll: SequenceTable | null;
  of: SequenceTable | null;
  ml: SequenceTable | null;
  /** Repeat offsets. */
  rep: [number, number, number];
}

/** A prime with no dictionary. */
export const NO_DICTIONARY: Prime = {
  id: 0,
  content: new Uint8Array(0),
  huffman: null,
  ll: null,
  of: null,
  ml: null,
  rep: [1, 4, 8],
};

/** Mutable per-frame state shared by the block decoders. */
export class FrameState {
  /** Output buffer: the frame's decoded bytes (or the kept window of them) up to `pos`. */
  out: Uint8Array = new Uint8Array(0);
  /** Next write index in `out`. */
  pos = 0;
  /** Index in `out` of the frame's first byte (negative once a streaming window slid past it). */
  base = 0;
  /** Writes must stay below this index. */
  limit = 0;
  /** Exceeding `limit` is the caller's output limit (`limit`), not corrupt data. */
  limitIsOutput = false;
  /** Dictionary content before the frame's first byte. */
  dict: Uint8Array = NO_DICTIONARY.content;
  rep1 = 1;
  rep2 = 4;
  rep3 = 8;
  huffman: HuffmanTable | null = null;
  ll: SequenceTable | null = null;
  of: SequenceTable | null = null;
  ml: SequenceTable | null = null;
  /** Where the current block's literals are: `lit[litPos : litPos + litLen]`. */
  lit: Uint8Array = new Uint8Array(0);
  litPos = 0;
  litLen = 0;
  /** Scratch for decoded literals (shared, see `LITERALS`). */
  readonly literals: Uint8Array = LITERALS;

  /** Resets the history-independent state for a new frame. */
  prime(p: Prime): void {
    this.dict = p.content;
    this.rep1 = p.rep[0];
    this.rep2 = p.rep[1];
    this.rep3 = p.rep[2];
    this.huffman = p.huffman;
    this.ll = p.ll;
    this.of = p.of;
    this.ml = p.ml;
  }

  /** Throws for a write past `limit`. */
  overflow(): never {
    if (this.limitIsOutput) {
      throw new CompressError("limit", "zstd: decompressed size exceeds maxOutputSize");
    }
    throw new CompressError("corrupt", "zstd: block decodes to more than its frame allows");
  }
}
