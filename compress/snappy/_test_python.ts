/**
 * python-snappy's framed Snappy (StreamCompressor/StreamDecompressor, backed by libsnappy) for
 * the interop tests. Debian's build of python-snappy 0.5.3 has a broken C `_crc32c` on Python
 * >= 3.10 ("PY_SSIZE_T_CLEAN macro must be defined"), so the harness swaps in a pure-Python
 * CRC-32C; chunking, masking, chunk headers and the compressed/uncompressed choice stay
 * python-snappy's. A missing Python or package fails the test, never skips it.
 *
 * @module
 */

/** The system Python that has python-snappy (Debian `python3-snappy`). */
export const PYTHON = "/usr/bin/python3";

/**
 * python-snappy with a working CRC-32C, as a `python3 -c` program: argument `compress` or
 * `decompress`, stdin to stdout. `decompress` fails when the stream stops inside a chunk.
 */
export const SNAPPY_HARNESS = `
import sys
import snappy.snappy as s

_T = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    _T.append(c)

def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ _T[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF

s._crc32c = crc32c
data = sys.stdin.buffer.read()
if sys.argv[1] == "compress":
    # Two add_chunk calls: python-snappy emits a 64 KiB-bounded chunk sequence per call.
    c = s.StreamCompressor()
    half = len(data) // 2
    out = c.add_chunk(data[:half]) + c.add_chunk(data[half:])
else:
    d = s.StreamDecompressor()
    out = d.decompress(data)
    d.flush()  # raises when the stream stopped inside a chunk
sys.stdout.buffer.write(out)
`;

/** Runs {@link SNAPPY_HARNESS} on `input`; throws with python's stderr when it fails. */
export async function pythonSnappy(
  mode: "compress" | "decompress",
  input: Uint8Array,
): Promise<Uint8Array> {
  let child;
  try {
    child = new Deno.Command(PYTHON, {
      args: ["-c", SNAPPY_HARNESS, mode],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    throw new Error(`${PYTHON} is required for this test (apt-get install python3-snappy)`, {
      cause: e,
    });
  }
  const writer = child.stdin.getWriter();
  await writer.write(input);
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  if (code !== 0) {
    throw new Error(
      `python-snappy ${mode} failed (is python3-snappy installed?):\n` +
        new TextDecoder().decode(stderr),
    );
  }
  return stdout;
}
