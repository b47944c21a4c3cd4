// Runs a WASI (preview 1) command module on V8 (Node.js >= 22) or on
// JavaScriptCore (Bun >= 1.4), both of which run multi-memory modules. The
// test suite's JavaScript engines; Bun's node:wasi is its own preview-1
// implementation, so the same host serves both (tests/programs.rs checks
// it with tests/node/wasi_probe.c).
//
//   node run.mjs [--dump-memories DIR] [--import-memory MODULE.FIELD=FILE]...
//                [--dir HOST[::GUEST]]... [--env NAME=VALUE]... module.wasm [args...]
//
// Prints what the program prints and exits with its exit code. Memories the
// module imports (other than WASI's) are created by this host at the size
// the module asks for; --import-memory fills one with FILE's bytes from
// address 0 (growing it to fit) before the program starts. With --dump-memories, every exported memory is written
// to DIR/<export>.bin after the run, and every host memory to
// DIR/import:<module>.<field>.bin, so the host can check each memory's bytes.
// --dir makes a host folder visible to the program (as GUEST, default the
// same path), --env sets an environment variable (the environment is empty
// otherwise), as `mmtool run` does on wasmtime.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { WASI } from 'node:wasi';

let argv = process.argv.slice(2);
let dumpDir = null;
const importData = new Map();
const preopens = {};
const env = {};
for (;;) {
  if (argv[0] === '--dump-memories') {
    dumpDir = argv[1];
    argv = argv.slice(2);
  } else if (argv[0] === '--import-memory') {
    const spec = argv[1] ?? '';
    const eq = spec.indexOf('=');
    if (eq < 0 || !spec.slice(0, eq).includes('.')) {
      console.error(`run.mjs: --import-memory ${spec}: expected MODULE.FIELD=FILE`);
      process.exit(2);
    }
    importData.set(spec.slice(0, eq), new Uint8Array(await readFile(spec.slice(eq + 1))));
    argv = argv.slice(2);
  } else if (argv[0] === '--dir') {
    const [host, guest] = (argv[1] ?? '').split('::');
    preopens[guest ?? host] = host;
    argv = argv.slice(2);
  } else if (argv[0] === '--env') {
    const spec = argv[1] ?? '';
    const eq = spec.indexOf('=');
    if (eq <= 0) {
      console.error(`run.mjs: --env ${spec}: expected NAME=VALUE`);
      process.exit(2);
    }
    env[spec.slice(0, eq)] = spec.slice(eq + 1);
    argv = argv.slice(2);
  } else {
    break;
  }
}
const [path, ...args] = argv;
if (!path) {
  console.error('usage: node run.mjs [--dump-memories DIR] [--import-memory MODULE.FIELD=FILE]... module.wasm [args...]');
  process.exit(2);
}

// The memories a module imports (other than WASI's): module, field and
// limits, read from the import section (the JS API does not expose limits).
function memoryImports(bytes) {
  let at = 8;
  const u32 = () => {
    let result = 0, shift = 0, byte;
    do { byte = bytes[at++]; result += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return result;
  };
  const name = () => { const n = u32(); const s = new TextDecoder().decode(bytes.subarray(at, at + n)); at += n; return s; };
  const limits = () => {
    const flags = bytes[at++];
    const initial = u32();
    const maximum = flags & 1 ? u32() : undefined;
    return { initial, maximum, shared: (flags & 2) !== 0 };
  };
  const found = [];
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = u32();
    const end = at + size;
    if (id === 2) {
      for (let count = u32(); count > 0; count--) {
        const module = name(), field = name(), kind = bytes[at++];
        if (kind === 0) u32();
        else if (kind === 1) { at++; limits(); }
        else if (kind === 2) found.push({ module, field, ...limits() });
        else if (kind === 3) at += 2;
        else if (kind === 4) { at++; u32(); }
      }
    }
    at = end;
  }
  return found;
}

const bytes = new Uint8Array(await readFile(path));
const wasi = new WASI({ version: 'preview1', args: [path, ...args], env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(bytes);
// `wasiImport`, not `getImportObject()`: Bun has only the former.
const imports = { wasi_snapshot_preview1: wasi.wasiImport };
const hostMemories = [];
for (const m of memoryImports(bytes)) {
  const data = importData.get(`${m.module}.${m.field}`);
  importData.delete(`${m.module}.${m.field}`);
  const initial = Math.max(m.initial, data ? Math.ceil(data.length / 65536) : 0);
  if (m.maximum !== undefined && initial > m.maximum) {
    console.error(`run.mjs: ${data.length} bytes for memory ${m.module}.${m.field} need ${initial} pages, more than its maximum ${m.maximum}`);
    process.exit(2);
  }
  const memory = new WebAssembly.Memory({ initial, maximum: m.maximum, shared: m.shared });
  if (data) new Uint8Array(memory.buffer).set(data);
  (imports[m.module] ??= {})[m.field] = memory;
  hostMemories.push([`import:${m.module}.${m.field}`, memory]);
}
for (const key of importData.keys()) {
  console.error(`run.mjs: ${path} imports no memory named ${key}`);
  process.exit(2);
}
const instance = await WebAssembly.instantiate(module, imports);
const code = wasi.start(instance);
if (dumpDir) {
  await mkdir(dumpDir, { recursive: true });
  for (const [name, value] of [...Object.entries(instance.exports), ...hostMemories]) {
    if (value instanceof WebAssembly.Memory) {
      await writeFile(`${dumpDir}/${name}.bin`, new Uint8Array(value.buffer));
    }
  }
}
process.exitCode = code;
