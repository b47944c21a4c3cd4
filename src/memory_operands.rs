//! Which memories a WebAssembly instruction names. `mmtool inspect` counts
//! instructions per memory with it, and finalize finds the instructions
//! whose memory index changes (every other instruction is copied as bytes).

use wasmparser::{VisitOperator, VisitSimdOperator};

/// Visits one operator and records the memory indices it names.
#[derive(Debug, Default)]
pub struct MemoryOperands {
    /// The memories of the last visited operator(s); the caller clears it.
    pub memories: Vec<u32>,
}

/// Every operator argument that names a memory is called `memarg`, `mem`,
/// `dst_mem` or `src_mem` in wasmparser's operator table.
macro_rules! record_memory_argument {
    ($this:ident, memarg, $v:ident) => {
        if let wasmparser::MemArgTarget::Memory(m) = $v.target { $this.memories.push(m) }
    };
    ($this:ident, mem, $v:ident) => { $this.memories.push($v) };
    ($this:ident, dst_mem, $v:ident) => { $this.memories.push($v) };
    ($this:ident, src_mem, $v:ident) => { $this.memories.push($v) };
    ($this:ident, $other:ident, $v:ident) => { let _ = $v; };
}

macro_rules! define_recording_visitor {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) {
                $($( record_memory_argument!(self, $arg, $arg); )*)?
            }
        )*
    };
}

impl<'a> VisitOperator<'a> for MemoryOperands {
    type Output = ();
    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }
    wasmparser::for_each_visit_operator!(define_recording_visitor);
}

impl<'a> VisitSimdOperator<'a> for MemoryOperands {
    wasmparser::for_each_visit_simd_operator!(define_recording_visitor);
}
