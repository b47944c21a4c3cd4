// Runs a WASI (preview 1) command module on V8 (Node.js >= 22, which runs
// multi-memory modules). Used by the test suite as the second engine.
//
//   node run.mjs [--dump-memories DIR] module.wasm [args...]
//
// Prints what the program prints and exits with its exit code. With
// --dump-memories, every exported memory is written to DIR/<export>.bin after
// the run, so the host can check each memory's bytes.
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

const wasi = new WASI({ version: 'preview1', args: [path, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(path));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
const code = wasi.start(instance);
if (dumpDir) {
  await mkdir(dumpDir, { recursive: true });
  for (const [name, value] of Object.entries(instance.exports)) {
    if (value instanceof WebAssembly.Memory) {
      await writeFile(`${dumpDir}/${name}.bin`, new Uint8Array(value.buffer));
    }
  }
}
process.exitCode = code;
