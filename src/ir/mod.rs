//! The memory-indexing pass: after LLVM's optimizer, every operation on a
//! memory other than the default one becomes a call to a marker
//! ([`crate::marker`]) that the object writer later turns into the real
//! memory-indexed instruction.
//!
//! Contract:
//! - Input: an optimized (or -O0) wasm32 module from clang, where a pointer's
//!   LLVM address space N is the memory it points into (0 = default memory).
//! - Output: a module with no load, store, memory intrinsic or
//!   memory.size/grow on a memory other than 0; only calls to markers. The
//!   marker's address operand is the pointer as an i32, with constant
//!   offsets of inbounds GEPs folded into the marker (the `memarg` offset),
//!   and narrow loads/stores fused with their extensions/truncations, so the
//!   final code is the instructions clang emits for memory 0, with a memory
//!   index.
//! - Everything touching memory N that the pass does not handle is a
//!   [`Diagnostic`] with the source location, never a silent memory-0 access.

mod address;
pub mod alias;
pub mod codegen;
pub mod declarations;
pub mod globals;
mod llvm;
mod lower;
pub mod wasm_memory;

use std::fmt;

/// WebAssembly features the module is compiled with (from the driver's
/// flags); instructions needing a missing feature are diagnosed.
#[derive(Clone, Copy, Debug, Default)]
pub struct Features {
    pub bulk_memory: bool,
    pub simd128: bool,
    pub atomics: bool,
    /// The code is compiled into library memory K (`--in-memory=K`): the
    /// application's default memory (`__default_memory`) is then another
    /// memory than the one unqualified pointers point into.
    pub library_memory: Option<u32>,
}

/// An error in the user's program, located where the debug info allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// (file, line, column) from the instruction's debug location.
    pub location: Option<(String, u32, u32)>,
    /// The function it happened in, for errors without a location.
    pub function: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some((file, line, col)) if *line > 0 => write!(f, "{file}:{line}:{col}: error: {}", self.message),
            _ if !self.function.is_empty() => write!(f, "error: in function `{}`: {}", self.function, self.message),
            _ => write!(f, "error: {}", self.message),
        }
    }
}

/// What the pass did, for `-v`.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Number of markers emitted (one per memory-indexed instruction).
    pub markers: usize,
    /// The named memories of the module's `wasm_memory` arrays.
    pub arrays: Vec<wasm_memory::NamedMemory>,
    /// Numbered memories declared in the source (`__memory_declare`).
    pub declarations: std::collections::BTreeMap<u32, declarations::MemoryDeclaration>,
}

pub use lower::lower_module;
