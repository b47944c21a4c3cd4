//! WASI from a library memory: the adapter.
//!
//! A WASI host reads and writes the buffers of a call in the memory the
//! module exports as `memory`, the default memory. Code retargeted into
//! memory K passes memory-K addresses, so its WASI imports are renamed
//! `__mmcc_wasiK.<function>` ([`crate::runtime::library`]) and resolved by
//! memory K's adapter: default-memory code that copies every buffer the host
//! reads from memory K into scratch space in the default memory, calls the
//! real import, and copies every buffer the host wrote back into memory K,
//! following nested pointers (iovec arrays, argv and environ tables).
//!
//! The adapter is C, generated from [`FUNCTIONS`] (one row per WASI preview
//! 1 function, saying what each raw parameter is) and compiled once per
//! library memory with `-DMMCC_MEMORY=K`, like the per-memory runtime.
//!
//! Scratch space is [`SCRATCH_BYTES`] in the default memory. Reads and
//! writes larger than that are shortened (a short read or write, which
//! POSIX and WASI allow and wasi-libc's stdio handles), `random_get` is
//! split into several calls, and a path, a directory name or an argument
//! table that does not fit is `ENAMETOOLONG` or `ENOMEM`.

/// Scratch space of an adapter in the default memory (bss: no bytes in the
/// module).
pub const SCRATCH_BYTES: u32 = 64 * 1024;

/// What one raw parameter of a WASI import is. Indices name other raw
/// parameters of the same function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// A value (file descriptor, flags, offset), passed as it is.
    I32,
    I64,
    /// Bytes the host reads (a path, a buffer); their length is raw
    /// parameter `len`.
    In { len: usize },
    /// Bytes the host writes; the buffer's length is raw parameter `len`;
    /// how many it wrote is the result parameter `written` (all of them if
    /// none). `split`: a larger buffer is filled by several calls, else the
    /// call is shortened (`shorten`) or fails with ENAMETOOLONG.
    Out { len: usize, written: Option<usize>, split: bool, shorten: bool },
    /// A length or count that a buffer parameter above refers to.
    Len,
    /// A result of this many bytes, which the host writes on success.
    Result(u32),
    /// An array of `ciovec`s whose buffers the host reads; `count` entries.
    Ciovecs { count: usize },
    /// An array of `iovec`s whose buffers the host fills; `count` entries,
    /// `done` is the result that says how many bytes it wrote.
    Iovecs { count: usize, done: usize },
    /// An array of `count` records of `size` bytes the host reads.
    RecordsIn { size: u32, count: usize },
    /// An array of `count` records of `size` bytes, of which the host
    /// writes as many as result `done` says.
    RecordsOut { size: u32, count: usize, done: usize },
    /// A table of pointers into buffer parameter `buf` (argv, environ); the
    /// sizes come from WASI function `sizes`.
    Table { buf: usize, sizes: &'static str },
    /// The buffer a [`Param::Table`] points into.
    TableBuffer,
}

/// One WASI preview 1 function: its import name, its raw parameters, and
/// whether it returns (an errno) or never returns (`proc_exit`).
#[derive(Debug)]
pub struct Function {
    pub name: &'static str,
    pub params: &'static [Param],
    pub returns: bool,
}

use Param::*;

macro_rules! wasi {
    ($( $name:ident ( $($p:expr),* ) $(-> $never:ident)? ; )*) => {
        /// Every function of WASI preview 1 (`wasi_snapshot_preview1`), as
        /// wasi-libc imports them (its `wasi/api.h`).
        pub static FUNCTIONS: &[Function] = &[ $( Function {
            name: stringify!($name),
            params: &[$($p),*],
            returns: wasi!(@returns $($never)?),
        }, )* ];
    };
    (@returns never) => { false };
    (@returns) => { true };
}

const FILESTAT: u32 = 64;
const FDSTAT: u32 = 24;
const PRESTAT: u32 = 8;
const SUBSCRIPTION: u32 = 48;
const EVENT: u32 = 32;

wasi! {
    args_get(Table { buf: 1, sizes: "args_sizes_get" }, TableBuffer);
    args_sizes_get(Result(4), Result(4));
    environ_get(Table { buf: 1, sizes: "environ_sizes_get" }, TableBuffer);
    environ_sizes_get(Result(4), Result(4));
    clock_res_get(I32, Result(8));
    clock_time_get(I32, I64, Result(8));
    fd_advise(I32, I64, I64, I32);
    fd_allocate(I32, I64, I64);
    fd_close(I32);
    fd_datasync(I32);
    fd_fdstat_get(I32, Result(FDSTAT));
    fd_fdstat_set_flags(I32, I32);
    fd_fdstat_set_rights(I32, I64, I64);
    fd_filestat_get(I32, Result(FILESTAT));
    fd_filestat_set_size(I32, I64);
    fd_filestat_set_times(I32, I64, I64, I32);
    fd_pread(I32, Iovecs { count: 2, done: 4 }, Len, I64, Result(4));
    fd_prestat_get(I32, Result(PRESTAT));
    fd_prestat_dir_name(I32, Out { len: 2, written: None, split: false, shorten: false }, Len);
    fd_pwrite(I32, Ciovecs { count: 2 }, Len, I64, Result(4));
    fd_read(I32, Iovecs { count: 2, done: 3 }, Len, Result(4));
    fd_readdir(I32, Out { len: 2, written: Some(4), split: false, shorten: true }, Len, I64, Result(4));
    fd_renumber(I32, I32);
    fd_seek(I32, I64, I32, Result(8));
    fd_sync(I32);
    fd_tell(I32, Result(8));
    fd_write(I32, Ciovecs { count: 2 }, Len, Result(4));
    path_create_directory(I32, In { len: 2 }, Len);
    path_filestat_get(I32, I32, In { len: 3 }, Len, Result(FILESTAT));
    path_filestat_set_times(I32, I32, In { len: 3 }, Len, I64, I64, I32);
    path_link(I32, I32, In { len: 3 }, Len, I32, In { len: 6 }, Len);
    path_open(I32, I32, In { len: 3 }, Len, I32, I64, I64, I32, Result(4));
    path_readlink(I32, In { len: 2 }, Len, Out { len: 4, written: Some(5), split: false, shorten: true }, Len, Result(4));
    path_remove_directory(I32, In { len: 2 }, Len);
    path_rename(I32, In { len: 2 }, Len, I32, In { len: 5 }, Len);
    path_symlink(In { len: 1 }, Len, I32, In { len: 4 }, Len);
    path_unlink_file(I32, In { len: 2 }, Len);
    poll_oneoff(RecordsIn { size: SUBSCRIPTION, count: 2 }, RecordsOut { size: EVENT, count: 2, done: 3 }, Len, Result(4));
    proc_exit(I32) -> never;
    sched_yield();
    random_get(Out { len: 1, written: None, split: true, shorten: false }, Len);
    sock_accept(I32, I32, Result(4));
    sock_recv(I32, Iovecs { count: 2, done: 4 }, Len, I32, Result(4), Result(2));
    sock_send(I32, Ciovecs { count: 2 }, Len, I32, Result(4));
    sock_shutdown(I32, I32);
}

/// The function named `name`.
pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// The adapter's C source, every function of the table (the linker drops
/// the ones memory K's code does not call). Compiled with
/// `-DMMCC_MEMORY=K`.
pub fn adapter_source() -> String {
    let mut c = String::new();
    c.push_str(PRELUDE.replace("SCRATCH_BYTES", &SCRATCH_BYTES.to_string()).as_str());
    // Every real import, declared first: some adapters call two of them.
    c.push('\n');
    for f in FUNCTIONS {
        c.push_str(&import_declaration(f));
    }
    for f in FUNCTIONS {
        c.push_str(&function_source(f));
    }
    c
}

fn c_type(p: &Param) -> &'static str {
    if *p == I64 {
        "int64_t"
    } else {
        "int32_t"
    }
}

/// The real import of a function, under wasi-libc's name for it (so that
/// the application's C library and every adapter share one import).
fn import_declaration(f: &Function) -> String {
    let types: Vec<&str> = f.params.iter().map(c_type).collect();
    let ret = if f.returns { "int32_t" } else { "_Noreturn void" };
    format!(
        "{ret} __imported_wasi_snapshot_preview1_{name}({types}) __attribute__((import_module(\"wasi_snapshot_preview1\"), import_name(\"{name}\")));\n",
        name = f.name,
        types = if types.is_empty() { "void".to_string() } else { types.join(", ") },
    )
}

/// The adapter of one function: its declaration, then its body.
fn function_source(f: &Function) -> String {
    let params: Vec<String> = f.params.iter().enumerate().map(|(i, p)| format!("{} a{i}", c_type(p))).collect();
    let ret = if f.returns { "int32_t" } else { "_Noreturn void" };
    let name = f.name;
    let mut s = format!(
        "\n{ret} __mmcc_adapter_{name}({params}) ADAPTER({name});\n\
         {ret} __mmcc_adapter_{name}({params}) {{\n",
        params = if params.is_empty() { "void".to_string() } else { params.join(", ") },
    );
    if !f.returns {
        // proc_exit: only values.
        let args: Vec<String> = (0..f.params.len()).map(|i| format!("a{i}")).collect();
        s.push_str(&format!("  __imported_wasi_snapshot_preview1_{name}({});\n}}\n", args.join(", ")));
        return s;
    }
    // p<i>: what the real import gets for raw parameter i.
    for i in 0..f.params.len() {
        s.push_str(&format!("  int{} p{i} = a{i};\n", if f.params[i] == I64 { "64_t" } else { "32_t" }));
    }
    let split = f.params.iter().enumerate().find(|(_, p)| matches!(p, Out { split: true, .. }));
    if let Some((i, Out { len, .. })) = split {
        // Filled in pieces (random_get): one buffer, no other pointer.
        s.push_str(&format!(
            "  while (p{len} > 0) {{\n\
             \x20   uint32_t n = (uint32_t)p{len} < SCRATCH ? (uint32_t)p{len} : SCRATCH;\n\
             \x20   int32_t e = __imported_wasi_snapshot_preview1_{name}(scratch_address(0), (int32_t)n);\n\
             \x20   if (e != 0) return e;\n\
             \x20   to_k((uint32_t)p{i}, (uint32_t)scratch_address(0), n);\n\
             \x20   p{i} += (int32_t)n;\n\
             \x20   p{len} -= (int32_t)n;\n\
             \x20 }}\n\
             \x20 return 0;\n}}\n"
        ));
        return s;
    }
    s.push_str("  struct scratch f = {0};\n");
    // Before the call: results first (they have fixed sizes), then copy in
    // and reserve space for what the host writes, shortening buffers to the
    // space that is left.
    for (i, p) in f.params.iter().enumerate() {
        if let Result(size) = *p {
            s.push_str(&format!("  p{i} = reserve(&f, {size}, 8);\n  if (p{i} < 0) return WASI_ENOMEM;\n"));
        }
    }
    for (i, p) in f.params.iter().enumerate() {
        match *p {
            I32 | I64 | Len | TableBuffer | Result(_) => {}
            In { len } => s.push_str(&format!(
                "  p{i} = bytes_in(&f, (uint32_t)a{i}, (uint32_t)a{len});\n  if (p{i} < 0) return WASI_ENAMETOOLONG;\n"
            )),
            Out { len, shorten, .. } => {
                if shorten {
                    s.push_str(&format!("  p{len} = (int32_t)shorten(&f, (uint32_t)a{len}, 1);\n"));
                }
                s.push_str(&format!(
                    "  p{i} = reserve(&f, (uint32_t)p{len}, 1);\n  if (p{i} < 0) return WASI_ENAMETOOLONG;\n"
                ));
            }
            Ciovecs { count } => s.push_str(&format!(
                "  p{i} = iovecs(&f, (uint32_t)a{i}, (uint32_t)a{count}, 1, &p{count});\n  if (p{i} < 0) return WASI_ENOMEM;\n"
            )),
            Iovecs { count, .. } => s.push_str(&format!(
                "  p{i} = iovecs(&f, (uint32_t)a{i}, (uint32_t)a{count}, 0, &p{count});\n  if (p{i} < 0) return WASI_ENOMEM;\n"
            )),
            RecordsIn { size, count } => s.push_str(&format!(
                "  p{i} = bytes_in(&f, (uint32_t)a{i}, (uint32_t)a{count} * {size}u);\n  if (p{i} < 0) return WASI_ENOMEM;\n"
            )),
            RecordsOut { size, count, .. } => s.push_str(&format!(
                "  p{i} = reserve(&f, (uint32_t)a{count} * {size}u, 8);\n  if (p{i} < 0) return WASI_ENOMEM;\n"
            )),
            Table { buf, sizes } => s.push_str(&format!(
                "  {{\n\
                 \x20   int32_t counts = reserve(&f, 8, 4);\n\
                 \x20   int32_t e = __imported_wasi_snapshot_preview1_{sizes}(counts, counts + 4);\n\
                 \x20   if (e != 0) return e;\n\
                 \x20   uint32_t n = scratch_u32(counts), bytes = scratch_u32(counts + 4);\n\
                 \x20   p{i} = reserve(&f, n * 4, 4);\n\
                 \x20   p{buf} = reserve(&f, bytes, 1);\n\
                 \x20   if (p{i} < 0 || p{buf} < 0) return WASI_ENOMEM;\n\
                 \x20   e = __imported_wasi_snapshot_preview1_{name}(p{i}, p{buf});\n\
                 \x20   if (e != 0) return e;\n\
                 \x20   to_k((uint32_t)a{buf}, (uint32_t)p{buf}, bytes);\n\
                 \x20   for (uint32_t j = 0; j < n; j++)\n\
                 \x20     k_u32((uint32_t)a{i} + 4 * j, (uint32_t)a{buf} + (scratch_u32((uint32_t)p{i} + 4 * j) - (uint32_t)p{buf}));\n\
                 \x20   return 0;\n\
                 \x20 }}\n"
            )),
        }
    }
    let args: Vec<String> = (0..f.params.len()).map(|i| format!("p{i}")).collect();
    s.push_str(&format!("  int32_t e = __imported_wasi_snapshot_preview1_{name}({});\n", args.join(", ")));
    s.push_str("  if (e != 0) return e;\n");
    // After the call: copy out what the host wrote.
    for (i, p) in f.params.iter().enumerate() {
        match *p {
            Out { len, written, .. } => {
                let n = match written {
                    Some(w) => format!("scratch_u32((uint32_t)p{w})"),
                    None => format!("(uint32_t)p{len}"),
                };
                s.push_str(&format!("  to_k((uint32_t)a{i}, (uint32_t)p{i}, {n});\n"));
            }
            Result(size) => s.push_str(&format!("  to_k((uint32_t)a{i}, (uint32_t)p{i}, {size});\n")),
            Iovecs { done, .. } => {
                s.push_str(&format!("  iovecs_out((uint32_t)a{i}, (uint32_t)p{i}, (uint32_t)p{}, scratch_u32((uint32_t)p{done}));\n", i + 1))
            }
            RecordsOut { size, done, .. } => {
                s.push_str(&format!("  to_k((uint32_t)a{i}, (uint32_t)p{i}, scratch_u32((uint32_t)p{done}) * {size}u);\n"))
            }
            _ => {}
        }
    }
    s.push_str("  return 0;\n}\n");
    s
}

/// The adapter's fixed part: scratch space and the copies between memory K
/// and the default memory.
const PRELUDE: &str = r#"/* memory K's WASI adapter, generated by mmcc (src/link/wasi.rs) and
 * compiled with -DMMCC_MEMORY=K. Default-memory code: it copies the
 * buffers of each WASI call between memory K and scratch space here, where
 * the host reads and writes them. */
#include <stdint.h>
#include <mmcc.h>

#define K MMCC_MEMORY
#define STRINGIFY2(x) #x
#define STRINGIFY(x) STRINGIFY2(x)
#define ADAPTER(name) __asm__("__mmcc_wasi" STRINGIFY(MMCC_MEMORY) "." #name)
#define SCRATCH SCRATCH_BYTESu
#define WASI_ENAMETOOLONG 37
#define WASI_ENOMEM 48

typedef __memory(K) uint8_t k_byte;

static uint8_t scratch_space[SCRATCH] __attribute__((aligned(16)));

/* The scratch space of one call, used from the start. */
struct scratch {
  uint32_t used;
};

static int32_t scratch_address(uint32_t offset) {
  return (int32_t)(uintptr_t)(scratch_space + offset);
}

static uint32_t scratch_u32(uint32_t address) {
  return *(const uint32_t *)(uintptr_t)address;
}

static void k_u32(uint32_t address, uint32_t value) {
  *(__memory(K) uint32_t *)(uintptr_t)address = value;
}

static uint32_t k_u32_at(uint32_t address) {
  return *(const __memory(K) uint32_t *)(uintptr_t)address;
}

/* Reserves n bytes aligned to align; the address, or -1. */
static int32_t reserve(struct scratch *f, uint32_t n, uint32_t align) {
  uint32_t at = (f->used + align - 1) & ~(align - 1);
  if (at > SCRATCH || n > SCRATCH - at)
    return -1;
  f->used = at + n;
  return scratch_address(at);
}

/* How many of n bytes fit (at least 1 if any do). */
static uint32_t shorten(struct scratch *f, uint32_t n, uint32_t align) {
  uint32_t at = (f->used + align - 1) & ~(align - 1);
  uint32_t room = at < SCRATCH ? SCRATCH - at : 0;
  return n < room ? n : room;
}

/* Copies n bytes at memory-K address k_address into the scratch space. */
static int32_t bytes_in(struct scratch *f, uint32_t k_address, uint32_t n) {
  int32_t at = reserve(f, n, 1);
  if (at >= 0 && n > 0)
    __builtin_memcpy((uint8_t *)(uintptr_t)at, (const k_byte *)(uintptr_t)k_address, n);
  return at;
}

/* Copies n bytes of the scratch space at address to memory-K address
 * k_address. */
static void to_k(uint32_t k_address, uint32_t address, uint32_t n) {
  if (n > 0)
    __builtin_memcpy((k_byte *)(uintptr_t)k_address, (const uint8_t *)(uintptr_t)address, n);
}

/* An iovec array of memory K as one in the scratch space: the buffers the
 * host reads are copied in (fill), the others reserved. The total is
 * shortened to what fits; *count becomes the number of entries passed. */
static int32_t iovecs(struct scratch *f, uint32_t k_array, uint32_t n, int fill, int32_t *count) {
  int32_t array = reserve(f, n * 8, 4);
  if (array < 0)
    return -1;
  uint32_t passed = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t buf = k_u32_at(k_array + 8 * i), len = k_u32_at(k_array + 8 * i + 4);
    uint32_t room = shorten(f, len, 1);
    if (room == 0 && len > 0)
      break;
    int32_t at = fill ? bytes_in(f, buf, room) : reserve(f, room, 1);
    ((uint32_t *)(uintptr_t)array)[2 * i] = (uint32_t)at;
    ((uint32_t *)(uintptr_t)array)[2 * i + 1] = room;
    passed++;
    if (room < len)
      break;
  }
  *count = (int32_t)passed;
  return array;
}

/* Copies the first done bytes of the buffers of a scratch iovec array back
 * into memory K's buffers. */
static void iovecs_out(uint32_t k_array, uint32_t array, uint32_t n, uint32_t done) {
  for (uint32_t i = 0; i < n && done > 0; i++) {
    uint32_t at = ((uint32_t *)(uintptr_t)array)[2 * i], len = ((uint32_t *)(uintptr_t)array)[2 * i + 1];
    uint32_t part = done < len ? done : len;
    to_k(k_u32_at(k_array + 8 * i), at, part);
    done -= part;
  }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        for f in FUNCTIONS {
            for (i, p) in f.params.iter().enumerate() {
                let refers = |j: usize, what: &str| {
                    assert!(j < f.params.len() && j != i, "{}: parameter {i} refers to {what} {j}", f.name);
                };
                match *p {
                    In { len } | Out { len, .. } => {
                        refers(len, "length");
                        assert_eq!(f.params[len], Len, "{}: parameter {len} is a length", f.name);
                    }
                    Ciovecs { count } | Iovecs { count, .. } | RecordsIn { count, .. } | RecordsOut { count, .. } => {
                        refers(count, "count");
                        assert!(matches!(f.params[count], Len), "{}: parameter {count} is a count", f.name);
                    }
                    Table { buf, sizes } => {
                        refers(buf, "buffer");
                        assert_eq!(f.params[buf], TableBuffer);
                        assert!(function(sizes).is_some(), "{sizes}");
                    }
                    _ => {}
                }
                if let Iovecs { done, .. } | RecordsOut { done, .. } | Out { written: Some(done), .. } = *p {
                    assert_eq!(f.params[done], Result(4), "{}: parameter {done} says how much was written", f.name);
                }
            }
        }
        assert_eq!(FUNCTIONS.len(), 45);
    }

    #[test]
    fn covers_every_wasi_import_of_wasi_libc() {
        // Debian's wasi-libc lists its imports in libc.imports.
        let Ok(list) = std::fs::read_to_string("/usr/lib/wasm32-wasi/libc.imports") else { return };
        for name in list.lines().filter_map(|l| l.trim().strip_prefix("__imported_wasi_snapshot_preview1_")) {
            assert!(function(name).is_some(), "the adapter table lacks `{name}`");
        }
    }
}
