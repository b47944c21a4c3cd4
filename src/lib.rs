//! mmcc: a C/C++ toolchain for WebAssembly multi-memory.
//!
//! The pipeline, one module per stage (a C program goes top to bottom):
//!
//! 1. [`driver`]: clang-compatible flags; runs clang-19 with the mmcc plugin
//!    to get optimized LLVM bitcode.
//! 2. [`ir`]: the memory-indexing pass (memory-N operations become markers)
//!    and LLVM code generation to a wasm object.
//! 3. [`object`]: the object writer (markers become memory-indexed
//!    instructions; a multi-memory object file).
//! 4. [`link`]: the patched wasm-ld lays out every memory; [`finalize`]
//!    moves memories the host provides into the import section.
//! 5. [`inspect`] and [`run`]: look at and run the result; [`lowering`]
//!    turns it into a single-memory module for engines without
//!    multi-memory.
//!
//! [`marker`] is the table both the IR pass and the object writer use;
//! [`runtime`] names the per-memory runtime (heap, string functions) that
//! the IR pass calls and the link step compiles for each memory.

pub mod driver;
pub mod finalize;
pub mod inspect;
pub mod ir;
pub mod link;
pub mod lowering;
pub mod marker;
pub mod memory_operands;
pub mod object;
pub mod run;
pub mod runtime;
pub mod toolchain;
