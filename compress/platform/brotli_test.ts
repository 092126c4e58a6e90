import { platformCodecSuite } from "./_test_suite.ts";
import { PlatformDecoder, PlatformEncoder } from "./codecs.ts";

platformCodecSuite({
  name: "brotli",
  encoder: (level) => new PlatformEncoder("br", { level }),
  decoder: (maxOutputSize) => new PlatformDecoder("br", { maxOutputSize }),
  levels: [1, 5, 11, 0],
  badLevels: [12, -1, 1.5],
  toolCompress: ["brotli", ["-c"]],
  toolDecompress: ["brotli", ["-d", "-c"]],
});
