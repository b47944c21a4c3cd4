// What both JavaScript hosts do with codec.wasm: host.mjs on Node.js and
// web/index.html in a browser. The host creates the user memory, writes a
// large input into it, has the module encode it to base64, compute its
// CRC-32 and decode the base64 back, each in chunks of varied sizes (so
// that the streams' state in the module's private memory carries groups
// across calls), and compares every answer with `reference`, which
// computes it without the module:
//
//   reference.base64(bytes) -> string     reference.crc32(bytes) -> number
//
// It also checks what the module gives the host: its only import is the
// user memory, it exports no memory at all, its tables are not in the
// user memory, and it wrote the user memory only where it was told to.

// 1.5 MiB and 1 byte: the base64 text ends with "==".
export const INPUT_BYTES = 3 * 512 * 1024 + 1;
const PAGE = 65536;
const GAP = 4096; // untouched bytes around each buffer in the user memory
const UNTOUCHED = 0xa5;

// xorshift32: the same bytes on every engine and every run.
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

// Runs of noise, zeros, ramps and printable text.
export function makeInput(size) {
  const next = random(0x9e3779b9);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; ) {
    const kind = next() % 4;
    for (let n = 1 + (next() % 4096); n > 0 && i < size; n--, i++) {
      bytes[i] = kind === 0 ? next() & 0xff : kind === 1 ? 0 : kind === 2 ? (i * 7) & 0xff : 0x20 + (next() % 95);
    }
  }
  return bytes;
}

// [offset, length] pieces of `total` bytes: mostly large, some of 1 to 7
// bytes, which end inside a base64 group.
function chunks(total, seed) {
  const next = random(seed);
  const pieces = [];
  for (let at = 0; at < total; ) {
    const n = Math.min(total - at, next() % 3 === 0 ? 1 + (next() % 7) : 1 + (next() % 100000));
    pieces.push([at, n]);
    at += n;
  }
  return pieces;
}

const align = (n) => Math.ceil(n / GAP) * GAP;

// Index of the first difference between two byte arrays, -1 if equal.
function firstDifference(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function indexOfBytes(haystack, needle) {
  outer: for (let i = 0; i + needle.length <= haystack.length; i = haystack.indexOf(needle[0], i + 1)) {
    if (i < 0) return -1;
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

// The CRC-32 table as the module would store it (little-endian words), to
// look for it in memories the host can see.
function crcTableBytes() {
  const words = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    words[n] = c >>> 0;
  }
  return new Uint8Array(words.buffer);
}

export async function roundTrip(wasmBytes, reference) {
  const failures = [];
  const check = (ok, what) => ok || failures.push(what);

  const input = makeInput(INPUT_BYTES);
  const encodedLength = 4 * Math.ceil(input.length / 3);
  const inAt = GAP;
  const outAt = align(inAt + input.length + GAP);
  const backAt = align(outAt + encodedLength + GAP);
  const end = backAt + input.length + GAP;

  const module = await WebAssembly.compile(wasmBytes);
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name} (${i.kind})`);
  check(imports.join() === 'env.user (memory)', `imports: ${imports.join(', ')}; expected only env.user (memory)`);
  const memoryExports = WebAssembly.Module.exports(module).filter((e) => e.kind === 'memory').map((e) => e.name);
  check(memoryExports.length === 0, `exported memories: ${memoryExports.join(', ')}; expected none`);

  const user = new WebAssembly.Memory({ initial: Math.ceil(end / PAGE) });
  const instance = await WebAssembly.instantiate(module, { env: { user } });
  const codec = instance.exports;
  codec._initialize?.(); // a WASI reactor's constructors (none here)
  const bytes = () => new Uint8Array(user.buffer);
  bytes().fill(UNTOUCHED);
  bytes().set(input, inAt);

  // Encode, in chunks.
  const encodeChunks = chunks(input.length, 1);
  codec.codec_encode_begin();
  let written = 0;
  for (const [at, n] of encodeChunks) written += codec.codec_encode(inAt + at, n, outAt + written);
  written += codec.codec_encode_end(outAt + written);
  const base64 = bytes().slice(outAt, outAt + written);
  const expectedBase64 = new TextEncoder().encode(reference.base64(input));
  const where = firstDifference(base64, expectedBase64);
  check(where < 0, `base64 differs at character ${where} (${written} written, ${expectedBase64.length} expected)`);

  // CRC-32, continued from chunk to chunk.
  let crc = 0;
  for (const [at, n] of chunks(input.length, 2)) crc = codec.codec_crc32(inAt + at, n, crc) >>> 0;
  const expectedCrc = reference.crc32(input) >>> 0;
  const hex = (n) => n.toString(16).padStart(8, '0');
  check(crc === expectedCrc, `CRC-32 ${hex(crc)}, expected ${hex(expectedCrc)}`);

  // Decode the module's base64 back, in chunks of other sizes.
  const decodeChunks = chunks(written, 3);
  codec.codec_decode_begin();
  let decoded = 0;
  for (const [at, n] of decodeChunks) {
    const got = codec.codec_decode(outAt + at, n, backAt + decoded);
    if (got < 0) {
      check(false, `decoding failed in the chunk at character ${at}`);
      break;
    }
    decoded += got;
  }
  check(codec.codec_decode_end() === 0, 'decoding did not end with a whole group');
  const back = firstDifference(bytes().slice(backAt, backAt + decoded), input);
  check(back < 0, `decoded bytes differ from the input at byte ${back} (${decoded} decoded)`);

  // Nothing written outside the three buffers.
  const after = bytes();
  const touched = [[inAt, input.length], [outAt, written], [backAt, decoded]];
  let stray = -1;
  for (let i = 0; i < after.length && stray < 0; i++) {
    if (after[i] !== UNTOUCHED && !touched.some(([at, n]) => i >= at && i < at + n)) stray = i;
  }
  check(stray < 0, `the module wrote the user memory at ${stray}, outside the buffers it was given`);

  // The private tables are not where the host can see them.
  const table = crcTableBytes();
  check(indexOfBytes(after, table) < 0, 'the CRC table is in the user memory');

  const detail = failures.length
    ? failures.join('; ')
    : `${input.length} bytes in ${encodeChunks.length} chunks -> ${written} base64 characters, ` +
      `CRC-32 ${hex(crc)}, decoded back in ${decodeChunks.length} chunks; ` +
      `memories: env.user imported, none exported, tables private`;
  return { ok: failures.length === 0, detail };
}
