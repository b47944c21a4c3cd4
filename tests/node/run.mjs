// Runs a WASI (preview 1) command module on V8 (Node.js >= 22, which runs
// multi-memory modules). Used by the test suite as the second engine.
//
//   node run.mjs [--dump-memories DIR] module.wasm [args...]
//
// Prints what the program prints and exits with its exit code. Memories the
// module imports (other than WASI's) are created by this host at the size
// the module asks for. With --dump-memories, every exported memory is written
// to DIR/<export>.bin after the run, and every host memory to
// DIR/import:<module>.<field>.bin, so the host can check each memory's bytes.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { WASI } from 'node:wasi';

let argv = process.argv.slice(2);
let dumpDir = null;
if (argv[0] === '--dump-memories') {
  dumpDir = argv[1];
  argv = argv.slice(2);
}
const [path, ...args] = argv;
if (!path) {
  console.error('usage: node run.mjs [--dump-memories DIR] module.wasm [args...]');
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
const wasi = new WASI({ version: 'preview1', args: [path, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(bytes);
const imports = wasi.getImportObject();
const hostMemories = [];
for (const m of memoryImports(bytes)) {
  const memory = new WebAssembly.Memory({ initial: m.initial, maximum: m.maximum, shared: m.shared });
  (imports[m.module] ??= {})[m.field] = memory;
  hostMemories.push([`import:${m.module}.${m.field}`, memory]);
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
