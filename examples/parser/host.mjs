// The Node.js host of examples/parser: feeds TLV1 files, benign and hostile,
// to the parser through the application's exports, and looks at the
// memories from outside.
//
//   node examples/parser/host.mjs [MODULE.wasm] [INPUT...]
//       MODULE: default .build/examples/parser/parser.wasm (the parser in
//       memory 5); INPUT: the names below (default: all)
//
// For each input, a fresh instance: app_input(n) gives the buffer the file
// is written to; a copy of memory 0; app_stage(n) copies the file into
// memory 5; a copy of each memory; app_parse(n), which may trap; a
// byte-for-byte comparison with the copies; then app_report(). Prints per
// input a line of key=value pairs (what tests/parser.rs reads) and the
// application's report:
//
//   result=N | trap="..."     what app_parse returned, or the trap
//   memory0=unchanged|changed memory0_diff=BYTES     memory 0 against its
//                             copy from before app_stage and app_parse
//   memory0_range=0xLO-0xHI   the first and last byte of memory 0 that changed
//   memory5_diff=BYTES memory5_range=0xLO-0xHI    memory 5 against its copy
//                             from before app_parse (absent in a one-memory build)
//   filled0=N filled5=N       how many bytes of each memory the parse set to
//                             the input's fill byte
//   target=0xADDR             the address a write-what-where input aims at
//   target0=payload|other target5=...   whether the payload is there, in each memory
//   secret=intact|changed     the secret's bytes, read by the host at app_secret_address()
//   user="..." admin=yes|no   the session, read by the host at app_session_address()
//
// Exits 1 if the module cannot be loaded or an input name is unknown.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const SECRET = 'key:7f3a9c2e-correct-horse-battery';
const T = { END: 0, NAME: 1, ID: 2, VALUE: 3, NOTE: 4 };

const bytes = (...parts) => {
  const chunks = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};
const le32 = (v) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const field = (type, data) => bytes([type, data.length & 0xff, data.length >> 8], data);
const tlv = (...fields) => bytes('TLV1', ...fields);
const fill = (n, byte) => new Uint8Array(n).fill(byte);

// The NAME that runs exactly over rec.name into rec.value and rec.room:
// 64 bytes, then the address where the next VALUE goes and its room.
const smash = (address, room) => field(T.NAME, bytes(fill(64, 0x41), le32(address), le32(room)));

// The inputs; the hostile ones that aim at the application's data use the
// addresses the module itself reports (a module's layout is fixed).
export function inputs({ secret, session }) {
  const stolenSession = bytes('mallory', fill(32 - 7, 0), le32(1), le32(0), le32(0));
  const attackerKey = bytes('key:00000000-attacker-chosen-key!!', fill(40 - 34, 0));
  return [
    { name: 'one', about: 'one entry', data: tlv(field(T.NAME, bytes('sensor-a')), field(T.ID, le32(7)), field(T.VALUE, [1, 2, 3, 4]), field(T.END, [])) },
    {
      name: 'many', about: 'three entries: a note, a value in two parts, a 63-byte name, a 300-byte value (256 kept)',
      data: tlv(
        field(T.NOTE, bytes('written by host.mjs')),
        field(T.NAME, bytes('thermometer')), field(T.ID, le32(0x01020304)), field(T.VALUE, bytes('21.5')), field(T.VALUE, bytes(' C')), field(T.END, []),
        field(T.NAME, bytes('n'.repeat(63))), field(T.ID, le32(4294967295)), field(T.END, []),
        field(T.NAME, bytes('blob')), field(T.VALUE, Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)), field(T.END, []),
        field(T.NAME, bytes('dropped: no END')),
      ),
    },
    { name: 'empty', about: 'no fields', data: tlv() },
    { name: 'bad-magic', about: 'not a TLV1 file', data: bytes('TLV2', field(T.END, [])) },
    { name: 'truncated', about: 'a NAME longer than the file', data: bytes('TLV1', [T.NAME, 10, 0], 'short') },
    { name: 'bad-type', about: 'a field of type 9', data: tlv(field(9, [1])) },
    {
      name: 'long-name', hostile: true, fillByte: 0xee,
      about: 'a NAME of 3000 bytes of 0xee: over the 64-byte buffer, up the stack and past its top',
      data: tlv(field(T.NAME, fill(3000, 0xee)), field(T.END, [])),
    },
    {
      name: 'wild-write', hostile: true, target: 0xffffff00,
      about: 'a 72-byte NAME aims the value pointer at 0xffffff00; the VALUE written there traps',
      data: tlv(smash(0xffffff00, 0x7fffffff), field(T.VALUE, fill(64, 0x99)), field(T.END, [])),
    },
    {
      name: 'steal-secret', hostile: true, target: secret, payload: attackerKey,
      about: 'a 72-byte NAME aims the value pointer at the secret; the VALUE is the attacker\'s key',
      data: tlv(smash(secret, attackerKey.length), field(T.VALUE, attackerKey), field(T.END, [])),
    },
    {
      name: 'become-admin', hostile: true, target: session, payload: stolenSession,
      about: 'a 72-byte NAME aims the value pointer at the session; the VALUE is user "mallory", admin 1',
      data: tlv(smash(session, stolenSession.length), field(T.VALUE, stolenSession), field(T.END, [])),
    },
  ];
}

// The application's C library imports a few WASI functions (vsnprintf
// links stdio's fd_write, fd_seek and fd_close), which it never calls
// here: each is a stub that fails with ENOSYS. (Memory 5 imports nothing:
// --memory=5:wasi=deny.)
const ENOSYS = 52;
export function instantiate(module) {
  const imports = {};
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    if (kind === 'function') (imports[from] ??= {})[name] = () => ENOSYS;
  }
  const instance = new WebAssembly.Instance(module, imports);
  instance.exports._initialize?.();
  return instance;
}

const view = (memory) => new Uint8Array(memory.buffer);
const cString = (memory, at) => {
  const m = view(memory);
  let end = at;
  while (m[end]) end++;
  return new TextDecoder().decode(m.subarray(at, end));
};
const diff = (a, b) => {
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
};
// The first and last byte that differ ("0xLO-0xHI").
const range = (a, b) => {
  let lo = -1, hi = -1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      if (lo < 0) lo = i;
      hi = i;
    }
  }
  return `0x${lo.toString(16)}-0x${hi.toString(16)}`;
};
// How many bytes the parse turned into `byte` (the input's own copies were
// there before it).
const filled = (before, after, byte) => {
  let n = 0;
  for (let i = 0; i < after.length; i++) if (after[i] === byte && before[i] !== byte) n++;
  return n;
};
const holds = (m, at, payload) => at + payload.length <= m.length && payload.every((b, i) => m[at + i] === b);
const printable = (m, at, n) => {
  let s = '';
  for (let i = 0; i < n && m[at + i]; i++) {
    const c = m[at + i];
    s += c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `"${s}"`;
};

// One input on a fresh instance: what app_parse did to each memory.
export function run(module, input) {
  const instance = instantiate(module);
  const e = instance.exports;
  const at = e.app_input(input.data.length);
  view(e.memory).set(input.data, at);
  const before0 = view(e.memory).slice();
  e.app_stage(input.data.length);
  const staged0 = view(e.memory).slice();
  const staged5 = e.memory5 ? view(e.memory5).slice() : null;
  const out = {};
  let result = null;
  try {
    result = e.app_parse(input.data.length);
    out.result = result;
  } catch (err) {
    out.trap = JSON.stringify(String(err.message ?? err));
  }
  const after0 = view(e.memory);
  const changed0 = diff(before0, after0);
  out.memory0 = changed0 ? 'changed' : 'unchanged';
  out.memory0_diff = changed0;
  if (changed0) out.memory0_range = range(before0, after0);
  if (staged5) {
    out.memory5_diff = diff(staged5, view(e.memory5));
    if (out.memory5_diff) out.memory5_range = range(staged5, view(e.memory5));
  }
  if (input.fillByte !== undefined) {
    out.filled0 = filled(staged0, after0, input.fillByte);
    if (staged5) out.filled5 = filled(staged5, view(e.memory5), input.fillByte);
  }
  if (input.payload) {
    out.target = `0x${input.target.toString(16)}`;
    out.target0 = holds(after0, input.target, input.payload) ? 'payload' : 'other';
    if (staged5) out.target5 = holds(view(e.memory5), input.target, input.payload) ? 'payload' : 'other';
  } else if (input.target !== undefined) {
    out.target = `0x${input.target.toString(16)}`;
  }
  const m0 = view(e.memory);
  const secretAt = e.app_secret_address(), sessionAt = e.app_session_address();
  out.secret = holds(m0, secretAt, new TextEncoder().encode(SECRET)) ? 'intact' : 'changed';
  out.user = printable(m0, sessionAt, 32);
  out.admin = new DataView(e.memory.buffer).getUint32(sessionAt + 32, true) ? 'yes' : 'no';
  let report = null;
  if (result !== null) {
    try {
      report = cString(e.memory, e.app_report(result));
    } catch (err) {
      report = `app_report trapped: ${err.message ?? err}\n`;
    }
  }
  return { out, report };
}

export function format(input, { out, report }) {
  const line = Object.entries(out).map(([k, v]) => `${k}=${v}`).join(' ');
  const lines = [`== ${input.name}: ${input.about}`, line];
  if (report) lines.push(...report.trimEnd().split('\n').map((l) => `  | ${l}`));
  return lines.join('\n');
}

// Command line.
if (import.meta.url === `file://${process.argv[1]}`) {
  let [path, ...names] = process.argv.slice(2);
  if (!path || !path.endsWith('.wasm')) {
    if (path) names.unshift(path);
    path = fileURLToPath(new URL('../../.build/examples/parser/parser.wasm', import.meta.url));
  }
  let module;
  try {
    module = await WebAssembly.compile(await readFile(path));
  } catch (err) {
    console.error(`host.mjs: ${path}: ${err.message}`);
    process.exit(1);
  }
  const probe = instantiate(module).exports;
  const all = inputs({ secret: probe.app_secret_address(), session: probe.app_session_address() });
  const memories = WebAssembly.Module.exports(module).filter((x) => x.kind === 'memory').map((x) => x.name);
  console.log(`${path}: memories ${memories.join(', ')}, on Node.js ${process.version} (V8 ${process.versions.v8})`);
  for (const name of names.length ? names : all.map((i) => i.name)) {
    const input = all.find((i) => i.name === name);
    if (!input) {
      console.error(`host.mjs: no input named ${name} (${all.map((i) => i.name).join(', ')})`);
      process.exit(1);
    }
    console.log(format(input, run(module, input)));
  }
}
