//! Which memories a WebAssembly instruction names, and where its memory
//! immediates are. `mmtool inspect` counts instructions per memory with it,
//! finalize finds the instructions whose memory index changes or is longer
//! than it needs to be (every other instruction is copied as bytes), and
//! retargeting finds every default-memory instruction.

use anyhow::{bail, Result};
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

/// A memory immediate of one instruction.
#[derive(Debug, PartialEq, Eq)]
pub enum Immediate {
    /// A `memarg` without a memory index (memory 0): its alignment field.
    ImplicitMemory { align_at: usize, align_len: usize, align: u32 },
    /// An explicit memory index (in a `memarg`, or of `memory.size`,
    /// `memory.grow`, `memory.copy`, `memory.fill`, `memory.init`).
    Index { at: usize, len: usize, value: u32 },
}

/// The memory immediates of one instruction (`bytes`, at absolute position
/// `base`) that names a memory.
pub fn immediates(bytes: &[u8], base: usize) -> Result<Vec<Immediate>> {
    let mut r = wasmparser::BinaryReader::new(bytes, 0);
    let leb = |r: &mut wasmparser::BinaryReader| -> Result<(usize, usize, u32)> {
        let at = r.original_position() as usize;
        let value = r.read_var_u32()?;
        Ok((base + at, r.original_position() as usize - at, value))
    };
    let opcode = r.read_u8()?;
    let memarg = |r: &mut wasmparser::BinaryReader| -> Result<Vec<Immediate>> {
        let (align_at, align_len, align) = leb(r)?;
        if align & 0x40 == 0 {
            return Ok(vec![Immediate::ImplicitMemory { align_at, align_len, align }]);
        }
        let (at, len, value) = leb(r)?;
        Ok(vec![Immediate::Index { at, len, value }])
    };
    match opcode {
        0x28..=0x3e => memarg(&mut r),
        0x3f | 0x40 => {
            let (at, len, value) = leb(&mut r)?;
            Ok(vec![Immediate::Index { at, len, value }])
        }
        0xfd | 0xfe => {
            r.read_var_u32()?;
            memarg(&mut r)
        }
        0xfc => {
            let sub = r.read_var_u32()?;
            let count = match sub {
                8 => {
                    r.read_var_u32()?; // the data segment
                    1
                }
                10 => 2,
                11 => 1,
                other => bail!("unsupported memory instruction 0xfc {other}"),
            };
            let mut out = Vec::new();
            for _ in 0..count {
                let (at, len, value) = leb(&mut r)?;
                out.push(Immediate::Index { at, len, value });
            }
            Ok(out)
        }
        other => bail!("unsupported memory instruction with opcode {other:#x}"),
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memarg_immediates() {
        // i32.load align=2 offset=16
        assert_eq!(immediates(&[0x28, 0x02, 0x10], 100).unwrap(), vec![Immediate::ImplicitMemory { align_at: 101, align_len: 1, align: 2 }]);
        // i32.load with memory index 1 (5 bytes)
        assert_eq!(
            immediates(&[0x28, 0x42, 0x81, 0x80, 0x80, 0x80, 0x00, 0x00], 0).unwrap(),
            vec![Immediate::Index { at: 2, len: 5, value: 1 }]
        );
        // memory.copy 0 0
        assert_eq!(
            immediates(&[0xfc, 0x0a, 0x00, 0x00], 0).unwrap(),
            vec![Immediate::Index { at: 2, len: 1, value: 0 }, Immediate::Index { at: 3, len: 1, value: 0 }]
        );
        // v128.load (0xfd 0x00) align=4
        assert_eq!(immediates(&[0xfd, 0x00, 0x04, 0x00], 0).unwrap(), vec![Immediate::ImplicitMemory { align_at: 2, align_len: 1, align: 4 }]);
        assert!(immediates(&[0x41, 0x00], 0).is_err());
    }
}
