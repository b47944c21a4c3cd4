//! Single-memory lowering: a multi-memory module becomes a module with one
//! memory that keeps what multi-memory guarantees (docs/lowering.md).
//!
//! Every original memory gets a *slot* of the one memory, a fixed range of
//! pages reserved for it from its maximum (or a documented default). One
//! memory, the *top* one, takes the last slot: the engine's own bounds check
//! of the single memory is then exactly its bounds check, and its accesses
//! only add the slot's base to their static offset. Every other memory's
//! accesses check `address + offset + width` against that memory's current
//! size before they run, and trap with the engine's own out-of-bounds trap
//! (an access no 32-bit memory can satisfy) when it does not fit. A lower
//! memory's slot is part of the single memory from the start, so growing it
//! only raises its size: nothing is copied, and its own maximum is the
//! slot's end.
//!
//! The memory WASI reads (memory 0, when the module imports WASI) keeps
//! address 0, because the host reads the addresses the program passes
//! straight from the exported memory.
//!
//! What cannot be lowered faithfully (64-bit or custom-page-size memories,
//! an imported shared memory, data for an imported memory, slots that do not
//! fit in 4 GiB) is an error that names the memory and says why.
//!
//! The pipeline: [`scan`] reads what the rewrite needs, [`layout`] places
//! the slots, [`module`] writes the new sections (with [`code`] for the
//! function bodies, and [`loops`] to prove loops' accesses in bounds once
//! at loop entry), and [`glue`] writes the ES module that gives a
//! JavaScript host each original memory as its own view.

mod code;
pub mod glue;
mod layout;
mod loops;
mod module;
mod scan;

use anyhow::Result;
use std::collections::BTreeMap;

pub use layout::{Layout, Slot};

/// Pages of 64 KiB.
pub const PAGE: u64 = 65536;
/// The pages a 32-bit memory can have.
pub const MAX_PAGES: u64 = 65536;
/// The slot a memory without a declared maximum gets, unless it is the top
/// memory (which gets what is left) or `--slot` says otherwise: 64 MiB.
pub const DEFAULT_SLOT_PAGES: u64 = 1024;
/// The guard region the lowering assumes the engine keeps after a 32-bit
/// memory's 4 GiB: an access whose static offset plus width fits in it
/// needs no bounds check of the engine's own, so a slot's base costs
/// nothing in the offset. V8 reserves that much for every 32-bit memory;
/// wasmtime's default is 32 MiB, and `mmtool run` sets 4 GiB + 32 MiB
/// (`crate::run::GUARD_BYTES`). `--engine-guard` says otherwise.
pub const DEFAULT_ENGINE_GUARD: u64 = 1 << 32;
/// The custom section that describes the layout to hosts (JSON).
pub const LAYOUT_SECTION: &str = "mmcc.single-memory";

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Slot sizes in pages for memories without a declared maximum, by
    /// original memory index.
    pub slots: BTreeMap<u32, u64>,
    /// The slot of a memory without a maximum that no `slots` entry names.
    pub default_slot_pages: Option<u64>,
    /// The memory to give the top slot, instead of the most used one
    /// (`--top=INDEX`; the tests try every choice).
    pub top: Option<u32>,
    /// The engine's guard region in bytes ([`DEFAULT_ENGINE_GUARD`] if
    /// `None`): where a slot's base lies beyond it, an access that a loop
    /// pre-check proves adds the base to its address instead.
    pub engine_guard: Option<u64>,
}

pub struct Lowered {
    pub wasm: Vec<u8>,
    pub layout: Layout,
    /// Things the lowering dropped that the user should know about.
    pub warnings: Vec<String>,
}

/// Lowers `bytes`, a module with any number of memories, to a module with
/// one. A module with at most one memory comes back unchanged.
pub fn lower(bytes: &[u8], options: &Options) -> Result<Lowered> {
    let info = scan::scan(bytes)?;
    let layout = layout::place(&info, options)?;
    if info.memories.len() <= 1 {
        return Ok(Lowered { wasm: bytes.to_vec(), layout, warnings: Vec::new() });
    }
    let guard = options.engine_guard.unwrap_or(DEFAULT_ENGINE_GUARD);
    let (wasm, warnings) = module::rewrite(bytes, &info, &layout, guard)?;
    Ok(Lowered { wasm, layout, warnings })
}

/// The layout JSON a lowered module carries (`"null"` for a module the
/// lowering left alone, which has one memory or none).
pub fn layout_of(wasm: &[u8]) -> Result<String> {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::CustomSection(c) = payload? {
            if c.name() == LAYOUT_SECTION {
                return Ok(String::from_utf8_lossy(c.data()).into_owned());
            }
        }
    }
    Ok("null".into())
}
