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
}
