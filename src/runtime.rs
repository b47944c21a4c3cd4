//! The per-memory runtime's naming ABI, shared by the IR pass (which
//! renames calls) and the link step (which finds the memories that need a
//! runtime and compiles it for them).
//!
//! `<mmcc.h>` declares `__mmcc_rt_<fn>(memory, ...)`; `mm_malloc(2, n)`
//! expands to `__mmcc_rt_malloc(2, n)`. The IR pass turns that into a call
//! of `__mmcc_m2_malloc(n)`, which `runtime/memory/*.c` define when compiled
//! with `-DMMCC_MEMORY=2` (see `runtime/memory/runtime.h`).

/// Prefix of the header's memory-generic entry points.
pub const GENERIC_PREFIX: &str = "__mmcc_rt_";

/// The one entry point that is an instruction, not a function:
/// `__mmcc_rt_copy(dst_memory, dst, src_memory, src, n)` is `memory.copy`.
pub const COPY: &str = "copy";

/// The sources compiled for each memory, relative to the toolchain root.
pub const SOURCES: &[&str] = &["runtime/memory/heap.c", "runtime/memory/string.c"];

/// `__mmcc_m<memory>_<function>`.
pub fn symbol(memory: u32, function: &str) -> String {
    format!("__mmcc_m{memory}_{function}")
}

/// The memory a per-memory runtime symbol belongs to:
/// `__mmcc_m2_malloc` -> 2.
pub fn memory_of_symbol(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("__mmcc_m")?;
    let digits = rest.find('_')?;
    if digits == 0 {
        return None;
    }
    rest[..digits].parse().ok()
}

/// Names of a library memory (`--in-memory=K`): retargeted code and the
/// link step agree on them through these functions.
///
/// Every global symbol of code retargeted into memory K is renamed
/// `__mmcc_inK.<name>`, so memory K's own C library never meets the
/// application's; the symbols that the library's own objects define are
/// also visible under their own names (its API).
pub mod library {
    /// Prefix of the symbols of code retargeted into `memory`.
    pub fn prefix(memory: u32) -> String {
        format!("__mmcc_in{memory}.")
    }

    /// `name` as code retargeted into `memory` calls it.
    pub fn symbol(memory: u32, name: &str) -> String {
        format!("{}{name}", prefix(memory))
    }

    /// The memory and the original name of a retargeted symbol.
    pub fn parse_symbol(name: &str) -> Option<(u32, &str)> {
        let rest = name.strip_prefix("__mmcc_in")?;
        let (digits, original) = rest.split_once('.')?;
        Some((digits.parse().ok()?, original))
    }

    /// Memory K's C stack pointer, a mutable i32 global the linker defines
    /// (the counterpart of `__stack_pointer`).
    pub fn stack_pointer(memory: u32) -> String {
        format!("__mmcc_stack_pointer_{memory}")
    }

    /// The end of memory K's initial size, in bytes (`__heap_end`).
    pub fn heap_end(memory: u32) -> String {
        format!("__mmcc_heap_end_{memory}")
    }

    /// The end of memory K's static data (`__heap_base`).
    pub fn heap_base(memory: u32) -> String {
        format!("{}{memory}", crate::finalize::HEAP_BASE_PREFIX)
    }

    /// Import module of WASI preview 1, which retargeted code reaches
    /// through memory K's adapter.
    pub const WASI_MODULES: &[&str] = &["wasi_snapshot_preview1", "wasi_unstable"];

    /// The adapter function through which memory K calls WASI's `function`.
    pub fn wasi_function(memory: u32, function: &str) -> String {
        format!("__mmcc_wasi{memory}.{function}")
    }

    /// The WASI function an adapter symbol stands for.
    pub fn parse_wasi_function(name: &str) -> Option<(u32, &str)> {
        let rest = name.strip_prefix("__mmcc_wasi")?;
        let (digits, function) = rest.split_once('.')?;
        Some((digits.parse().ok()?, function))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_round_trip() {
        assert_eq!(symbol(2, "malloc"), "__mmcc_m2_malloc");
        assert_eq!(memory_of_symbol("__mmcc_m2_malloc"), Some(2));
        assert_eq!(memory_of_symbol("__mmcc_m17_aligned_alloc"), Some(17));
        assert_eq!(memory_of_symbol("__mmcc_memory_atomic_wait32"), None);
        assert_eq!(memory_of_symbol("__mmcc_m_x"), None);
    }

    #[test]
    fn library_symbols_round_trip() {
        assert_eq!(library::symbol(3, "deflate"), "__mmcc_in3.deflate");
        assert_eq!(library::parse_symbol("__mmcc_in3.deflate"), Some((3, "deflate")));
        assert_eq!(library::parse_symbol("__mmcc_in3deflate"), None);
        assert_eq!(library::parse_wasi_function(&library::wasi_function(4, "fd_write")), Some((4, "fd_write")));
        assert_eq!(memory_of_symbol(&library::stack_pointer(3)), None);
    }
}
