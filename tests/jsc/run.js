// Runs a WASI (preview 1) command module in Debian's JavaScriptCore shell
// (`jsc`, package libjavascriptcoregtk-4.0-bin), which has WebAssembly but
// neither multi-memory nor WASI: the test suite runs lowered modules here.
//
//   jsc tests/jsc/run.js -- module.wasm [args...]
//
// The shell's print() always ends a line and quit() always exits with 0,
// so the program's stdout is printed line by line and the last line of
// stderr says how the program ended:
//   mmcc-jsc-exit: CODE PARTIAL   (PARTIAL 1: stdout's last line had no
//                                   newline; the harness removes the one
//                                   print() added)
//   mmcc-jsc-trap: MESSAGE        (the program trapped)
// Only what C programs of the test suite need is implemented; every other
// WASI function returns ENOSYS, as a host without that capability would.

const [path, ...args] = arguments;
const bytes = new Uint8Array(readFile(path, 'binary'));
let module;
try {
  module = new WebAssembly.Module(bytes);
} catch (e) {
  printErr(`mmcc-jsc-trap: ${e}`);
  quit();
}
const ESUCCESS = 0, EBADF = 8, ENOSYS = 52;
let memory = null;
const view = () => new DataView(memory.buffer);
const u8 = () => new Uint8Array(memory.buffer);

function utf8(s) {
  const out = [];
  for (const ch of s) {
    let c = ch.codePointAt(0);
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

function decode(list) {
  let s = '';
  for (let i = 0; i < list.length; ) {
    const b = list[i];
    let c, n;
    if (b < 0x80) { c = b; n = 1; }
    else if (b >= 0xf0) { c = b & 7; n = 4; }
    else if (b >= 0xe0) { c = b & 15; n = 3; }
    else { c = b & 31; n = 2; }
    for (let k = 1; k < n; k++) c = (c << 6) | (list[i + k] & 63);
    s += String.fromCodePoint(c);
    i += n;
  }
  return s;
}

// Output is kept as bytes until a line is complete.
const pending = { 1: [], 2: [] };
function write(fd, data) {
  const buffer = pending[fd];
  for (const b of data) {
    if (b === 10) {
      (fd === 1 ? print : printErr)(decode(buffer));
      buffer.length = 0;
    } else {
      buffer.push(b);
    }
  }
}

function strings(list) {
  const encoded = list.map((s) => [...utf8(s), 0]);
  return { encoded, size: encoded.reduce((n, e) => n + e.length, 0) };
}
const argv = strings([path, ...args]);
const env = strings([]);

function sizes(table, countPtr, sizePtr) {
  view().setUint32(countPtr, table.encoded.length, true);
  view().setUint32(sizePtr, table.size, true);
  return ESUCCESS;
}
function fill(table, ptrs, buf) {
  for (const e of table.encoded) {
    view().setUint32(ptrs, buf, true);
    u8().set(e, buf);
    ptrs += 4;
    buf += e.length;
  }
  return ESUCCESS;
}

class Exit {
  constructor(code) { this.code = code; }
}

const wasi = {
  args_sizes_get: (c, s) => sizes(argv, c, s),
  args_get: (p, b) => fill(argv, p, b),
  environ_sizes_get: (c, s) => sizes(env, c, s),
  environ_get: (p, b) => fill(env, p, b),
  fd_write(fd, iovs, count, written) {
    if (fd !== 1 && fd !== 2) return EBADF;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const ptr = view().getUint32(iovs + 8 * i, true);
      const len = view().getUint32(iovs + 8 * i + 4, true);
      write(fd, u8().subarray(ptr, ptr + len));
      total += len;
    }
    view().setUint32(written, total, true);
    return ESUCCESS;
  },
  fd_read(fd, iovs, count, read) {
    if (fd !== 0) return EBADF;
    view().setUint32(read, 0, true);
    return ESUCCESS;
  },
  fd_fdstat_get(fd, stat) {
    if (fd > 2) return EBADF;
    u8().fill(0, stat, stat + 24);
    view().setUint8(stat, 2); // a character device
    return ESUCCESS;
  },
  fd_close: (fd) => (fd > 2 ? EBADF : ESUCCESS),
  fd_seek: (fd) => (fd > 2 ? EBADF : 70 /* ESPIPE */),
  fd_prestat_get: () => EBADF,
  clock_time_get(id, precision, out) {
    view().setBigUint64(out, BigInt(Math.round(Date.now())) * 1000000n, true);
    return ESUCCESS;
  },
  clock_res_get(id, out) {
    view().setBigUint64(out, 1000000n, true);
    return ESUCCESS;
  },
  random_get(buf, len) {
    for (let i = 0; i < len; i++) u8()[buf + i] = (Math.random() * 256) | 0;
    return ESUCCESS;
  },
  sched_yield: () => ESUCCESS,
  proc_exit(code) {
    throw new Exit(code);
  },
};

const imports = {};
for (const i of WebAssembly.Module.imports(module)) {
  const into = (imports[i.module] ??= {});
  if (i.kind !== 'function') {
    printErr(`mmcc-jsc-trap: the module imports ${i.kind} ${i.module}.${i.name}, which this host does not provide`);
    quit();
  }
  into[i.name] = i.module === 'wasi_snapshot_preview1' && wasi[i.name] ? wasi[i.name] : () => ENOSYS;
}

let code = 0;
try {
  const instance = new WebAssembly.Instance(module, imports);
  memory = instance.exports.memory;
  instance.exports._start();
} catch (e) {
  if (e instanceof Exit) {
    code = e.code;
  } else {
    write(1, []);
    printErr(`mmcc-jsc-trap: ${e}`);
    quit();
  }
}
const partial = pending[1].length > 0 ? 1 : 0;
if (partial) print(decode(pending[1]));
if (pending[2].length) printErr(decode(pending[2]));
printErr(`mmcc-jsc-exit: ${code} ${partial}`);
