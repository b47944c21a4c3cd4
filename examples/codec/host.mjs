// The Node.js host of codec.wasm (Node 22.2 or later, for zlib.crc32):
// round-trip.mjs with Node's own base64 and CRC-32 as the reference.
//
//   node examples/codec/host.mjs [codec.wasm]   (default: .build/examples/codec/codec.wasm)
//
// Prints one line; exits 1 if anything differs.
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { roundTrip } from './round-trip.mjs';

const wasm = process.argv[2] ?? new URL('../../.build/examples/codec/codec.wasm', import.meta.url);
const reference = {
  base64: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64'),
  crc32: (bytes) => crc32(bytes),
};
const engine = `Node.js ${process.version} (V8 ${process.versions.v8})`;
try {
  const { ok, detail } = await roundTrip(await readFile(wasm), reference);
  console.log(`codec on ${engine}: ${ok ? 'ok' : 'FAILED'}: ${detail}`);
  process.exitCode = ok ? 0 : 1;
} catch (e) {
  console.log(`codec on ${engine}: FAILED: ${e}`);
  process.exitCode = 1;
}
