// Runs examples/codec/round-trip.mjs in the browser, with btoa and a
// CRC-32 written here as the reference. The module is fetched from where
// examples/codec/build.sh puts it, relative to this page (the page is
// served from the repository root), or from ?wasm=URL.
import { roundTrip } from '../round-trip.mjs';

function base64(bytes) {
  // btoa takes a "binary string": one character per byte.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

// Bit by bit, without a table: not the module's algorithm.
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const wasmUrl = new URLSearchParams(location.search).get('wasm') ?? '../../../.build/examples/codec/codec.wasm';
try {
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`${wasmUrl}: HTTP ${response.status} (run examples/codec/build.sh)`);
  const { ok, detail } = await roundTrip(await response.arrayBuffer(), { base64, crc32 });
  reportResult(ok, detail);
} catch (e) {
  reportResult(false, String(e));
}
