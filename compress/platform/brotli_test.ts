import { platformCodecSuite } from "./_test_suite.ts";
import { BrotliDecoder, BrotliEncoder } from "./brotli.ts";

platformCodecSuite({
  name: "brotli",
  encoder: (level) => new BrotliEncoder({ level }),
  decoder: (maxOutputSize) => new BrotliDecoder({ maxOutputSize }),
  levels: [1, 5, 11, 0],
  badLevels: [12, -1, 1.5],
  toolCompress: ["brotli", ["-c"]],
  toolDecompress: ["brotli", ["-d", "-c"]],
});
