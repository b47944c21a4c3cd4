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


/// One instruction of a function body, as [`Instructions`] yields it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// Its bytes: `start..end` of the body.
    pub start: usize,
    pub end: usize,
    /// Whether it names a memory (a `memarg`, `memory.*`), so that
    /// [`immediates`] applies to it.
    pub names_memory: bool,
}

/// The instructions of a function body's code (after its locals), in
/// order, found without decoding their operands where the opcode tells
/// their layout (the one-byte opcodes, nearly all of any program's code);
/// other instructions are decoded by wasmparser. Finalize walks every
/// instruction of a module with it.
pub struct Instructions<'a> {
    reader: wasmparser::BinaryReader<'a>,
    bytes: &'a [u8],
    base: u64,
    operands: MemoryOperands,
}

impl<'a> Instructions<'a> {
    /// `bytes[start..]` is the code of a body (the last byte its final
    /// `end`); `base` is the absolute offset of `bytes[0]`.
    pub fn new(bytes: &'a [u8], start: usize, base: u64) -> Instructions<'a> {
        let reader = wasmparser::BinaryReader::new(&bytes[start..], base + start as u64);
        Instructions { reader, bytes, base, operands: MemoryOperands::default() }
    }

    /// The next instruction, or None at the end of the body.
    pub fn next_instruction(&mut self) -> Result<Option<Instruction>, wasmparser::BinaryReaderError> {
        let r = &mut self.reader;
        if r.eof() {
            return Ok(None);
        }
        let start = (r.original_position() - self.base) as usize;
        let opcode = r.read_u8()?;
        let mut names_memory = false;
        match opcode {
            0x00 | 0x01 | 0x05 | 0x0b | 0x0f | 0x1a | 0x1b | 0x45..=0xc4 | 0xd1 => {}
            // A block type: empty, a value type or a type index, all one
            // signed LEB (GC reference types, 0x63/0x64, go to wasmparser).
            0x02..=0x04 if !matches!(self.bytes.get(start + 1), Some(0x63 | 0x64)) => {
                r.read_var_s33()?;
            }
            0x0c | 0x0d | 0x10 | 0x20..=0x26 | 0xd2 | 0x3f | 0x40 => {
                names_memory = matches!(opcode, 0x3f | 0x40);
                r.read_var_u32()?;
            }
            0x11 => {
                r.read_var_u32()?;
                r.read_var_u32()?;
            }
            0x0e => {
                let count = r.read_var_u32()?;
                for _ in 0..=count {
                    r.read_var_u32()?;
                }
            }
            0x28..=0x3e => {
                names_memory = true;
                if r.read_var_u32()? & 0x40 != 0 {
                    r.read_var_u32()?;
                }
                r.read_var_u64()?;
            }
            0x41 => {
                r.read_var_i32()?;
            }
            0x42 => {
                r.read_var_i64()?;
            }
            0x43 => {
                r.read_bytes(4)?;
            }
            0x44 => {
                r.read_bytes(8)?;
            }
            _ => {
                // Prefixed and rarer instructions: wasmparser decodes one.
                let one = wasmparser::BinaryReader::new(&self.bytes[start..], self.base + start as u64);
                let mut operators = wasmparser::OperatorsReader::new(one);
                self.operands.memories.clear();
                operators.visit_operator(&mut self.operands)?;
                names_memory = !self.operands.memories.is_empty();
                let end = (operators.original_position() - self.base) as usize;
                self.reader = wasmparser::BinaryReader::new(&self.bytes[end..], self.base + end as u64);
            }
        }
        let end = (self.reader.original_position() - self.base) as usize;
        Ok(Some(Instruction { start, end, names_memory }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scanner_finds_every_instruction_wasmparser_finds() {
        let module = wat::parse_str(
            r#"(module (memory 1) (memory $m 1) (table 1 funcref) (type $t (func (param i32) (result i32)))
               (func $f (param i32) (result i32) (local i64 f32 f64 v128)
                 block (result i32) loop i32.const 1 br_if 1 end i32.const -5 end drop
                 local.get 0 if (result i32) i32.const 1 else i32.const 2 end
                 local.get 0 br_table 0 0 0 drop
                 i64.const 0x7fffffffffff local.set 1 f32.const 1.5 local.set 2 f64.const 2.5 local.set 3
                 local.get 0 i32.load offset=16 local.get 0 i32.load $m offset=8 i32.add
                 local.get 0 v128.load offset=3 local.set 4 local.get 0 i32.const 7 i32.store8 $m
                 memory.size memory.size $m i32.add i32.add
                 local.get 0 local.get 0 i32.const 4 memory.copy $m 0
                 local.get 0 i32.const 0 call_indirect (type $t) drop
                 local.get 0 call $f drop ref.null func drop
                 local.get 0 i32.const 1 i32.atomic.rmw.add drop
                 i32.const 0))"#,
        )
        .unwrap();
        for payload in wasmparser::Parser::new(0).parse_all(&module) {
            if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
                let bytes = &module[body.range().start as usize..body.range().end as usize];
                let base = body.range().start as u64;
                let mut reader = body.get_operators_reader().unwrap();
                let code_start = (reader.original_position() - base) as usize;
                let mut scanner = Instructions::new(bytes, code_start, base);
                let mut expected = Vec::new();
                while !reader.eof() {
                    let start = (reader.original_position() - base) as usize;
                    let mut operands = MemoryOperands::default();
                    reader.visit_operator(&mut operands).unwrap();
                    expected.push(Instruction { start, end: (reader.original_position() - base) as usize, names_memory: !operands.memories.is_empty() });
                }
                let mut found = Vec::new();
                while let Some(i) = scanner.next_instruction().unwrap() {
                    found.push(i);
                }
                assert_eq!(found, expected);
            }
        }
    }

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
