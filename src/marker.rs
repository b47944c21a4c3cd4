//! The marker ABI: the one table that both sides of the memory-indexing
//! pipeline agree on.
//!
//! LLVM 19's WebAssembly backend cannot emit an instruction on a memory other
//! than memory 0. So the IR pass ([`crate::ir`]) replaces every operation on
//! memory N by a call to a *marker*: an external function whose name says
//! which instruction it stands for, on which memory, with which offset and
//! alignment. A marker's signature is exactly the instruction's stack
//! signature (a load `(i32) -> i32`, a store `(i32, i32) -> ()`, ...), so after
//! code generation the call can be replaced in place by the real instruction
//! without touching anything around it. The object writer ([`crate::object`])
//! does that replacement.
//!
//! A marker name looks like `__mmcc:i32.load8_u:m3:o16:a0:ti8`:
//!
//! | field | meaning |
//! |---|---|
//! | `__mmcc:` | prefix of every marker |
//! | `i32.load8_u` | the WebAssembly instruction, as in the text format |
//! | `m3` / `m@name` | memory key (number, or the name of a named memory); `memory.copy` has two, destination first |
//! | `o16` | constant offset folded into the `memarg` |
//! | `a0` | log2 of the alignment in the `memarg` |
//! | `l2` | lane index (`v128.load32_lane`, `v128.store16_lane`, ...) |
//! | `v` | volatile: the call has side effects, so LLVM keeps and orders it |
//! | `t...` | IR-level type variant (only to keep LLVM declarations distinct) |

use anyhow::{bail, Context, Result};
use std::fmt;

/// Prefix of every marker function name.
pub const MARKER_PREFIX: &str = "__mmcc:";

/// Largest memory number a program may use (memory index immediates are
/// LEB128, but engines limit memories to about 100; 255 keeps keys readable).
pub const MAX_MEMORY_NUMBER: u32 = 255;

/// Address spaces LLVM's WebAssembly backend reserves for reference types
/// (10 = externref, 20 = funcref); they can never name a memory.
pub const RESERVED_ADDRESS_SPACES: &[u32] = &[10, 20];

/// `__default_memory` (<mmcc.h>): the application's default memory, named
/// explicitly. It is memory 0, and stays memory 0 in code retargeted into a
/// library memory (where unqualified pointers mean memory K), so a library
/// can read its caller's buffer in place.
pub const DEFAULT_MEMORY_ADDRESS_SPACE: u32 = 256;

/// WebAssembly value types, as far as markers need them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
}

/// The immediates an instruction carries besides its opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Immediates {
    /// A `memarg`: alignment, memory index, offset. `natural` is log2 of the
    /// access width (the largest alignment the instruction allows).
    MemArg { natural: u8 },
    /// A `memarg` and a lane index (`v128.load32_lane`, `v128.store8_lane`).
    MemArgLane { natural: u8 },
    /// A single memory index (`memory.size`, `memory.grow`, `memory.fill`).
    Memory,
    /// Two memory indices, destination then source (`memory.copy`).
    TwoMemories,
}

/// The WebAssembly feature an instruction needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    Mvp,
    BulkMemory,
    Simd128,
    Atomics,
}

/// One row of the table: an instruction that can stand behind a marker.
#[derive(Debug, PartialEq, Eq)]
pub struct Op {
    /// Text-format name, also the name used in marker symbols.
    pub name: &'static str,
    /// Opcode bytes: the prefix byte (if any) and the (LEB128) opcode.
    pub opcode: &'static [u8],
    pub immediates: Immediates,
    pub params: &'static [ValType],
    pub results: &'static [ValType],
    pub feature: Feature,
}

use Feature::*;
use Immediates::*;
use ValType::*;

macro_rules! ops {
    ($( $name:literal [$($byte:literal),+] $imm:expr, ($($p:ident),*) -> ($($r:ident),*), $feat:ident; )*) => {
        /// Every instruction a marker can stand for.
        pub static OPS: &[Op] = &[ $( Op {
            name: $name,
            opcode: &[$($byte),+],
            immediates: $imm,
            params: &[$($p),*],
            results: &[$($r),*],
            feature: $feat,
        }, )* ];
    };
}

ops! {
    // Plain loads and stores.
    "i32.load"      [0x28] MemArg { natural: 2 }, (I32) -> (I32), Mvp;
    "i64.load"      [0x29] MemArg { natural: 3 }, (I32) -> (I64), Mvp;
    "f32.load"      [0x2a] MemArg { natural: 2 }, (I32) -> (F32), Mvp;
    "f64.load"      [0x2b] MemArg { natural: 3 }, (I32) -> (F64), Mvp;
    "i32.load8_s"   [0x2c] MemArg { natural: 0 }, (I32) -> (I32), Mvp;
    "i32.load8_u"   [0x2d] MemArg { natural: 0 }, (I32) -> (I32), Mvp;
    "i32.load16_s"  [0x2e] MemArg { natural: 1 }, (I32) -> (I32), Mvp;
    "i32.load16_u"  [0x2f] MemArg { natural: 1 }, (I32) -> (I32), Mvp;
    "i64.load8_s"   [0x30] MemArg { natural: 0 }, (I32) -> (I64), Mvp;
    "i64.load8_u"   [0x31] MemArg { natural: 0 }, (I32) -> (I64), Mvp;
    "i64.load16_s"  [0x32] MemArg { natural: 1 }, (I32) -> (I64), Mvp;
    "i64.load16_u"  [0x33] MemArg { natural: 1 }, (I32) -> (I64), Mvp;
    "i64.load32_s"  [0x34] MemArg { natural: 2 }, (I32) -> (I64), Mvp;
    "i64.load32_u"  [0x35] MemArg { natural: 2 }, (I32) -> (I64), Mvp;
    "i32.store"     [0x36] MemArg { natural: 2 }, (I32, I32) -> (), Mvp;
    "i64.store"     [0x37] MemArg { natural: 3 }, (I32, I64) -> (), Mvp;
    "f32.store"     [0x38] MemArg { natural: 2 }, (I32, F32) -> (), Mvp;
    "f64.store"     [0x39] MemArg { natural: 3 }, (I32, F64) -> (), Mvp;
    "i32.store8"    [0x3a] MemArg { natural: 0 }, (I32, I32) -> (), Mvp;
    "i32.store16"   [0x3b] MemArg { natural: 1 }, (I32, I32) -> (), Mvp;
    "i64.store8"    [0x3c] MemArg { natural: 0 }, (I32, I64) -> (), Mvp;
    "i64.store16"   [0x3d] MemArg { natural: 1 }, (I32, I64) -> (), Mvp;
    "i64.store32"   [0x3e] MemArg { natural: 2 }, (I32, I64) -> (), Mvp;
    // Memory size and growth.
    "memory.size"   [0x3f] Memory, () -> (I32), Mvp;
    "memory.grow"   [0x40] Memory, (I32) -> (I32), Mvp;
    // Bulk memory.
    "memory.copy"   [0xfc, 0x0a] TwoMemories, (I32, I32, I32) -> (), BulkMemory;
    "memory.fill"   [0xfc, 0x0b] Memory, (I32, I32, I32) -> (), BulkMemory;
    // SIMD.
    "v128.load"     [0xfd, 0x00] MemArg { natural: 4 }, (I32) -> (V128), Simd128;
    "v128.store"    [0xfd, 0x0b] MemArg { natural: 4 }, (I32, V128) -> (), Simd128;
    "v128.load8x8_s"   [0xfd, 0x01] MemArg { natural: 3 }, (I32) -> (V128), Simd128;
    "v128.load8x8_u"   [0xfd, 0x02] MemArg { natural: 3 }, (I32) -> (V128), Simd128;
    "v128.load16x4_s"  [0xfd, 0x03] MemArg { natural: 3 }, (I32) -> (V128), Simd128;
    "v128.load16x4_u"  [0xfd, 0x04] MemArg { natural: 3 }, (I32) -> (V128), Simd128;
    "v128.load32x2_s"  [0xfd, 0x05] MemArg { natural: 3 }, (I32) -> (V128), Simd128;
    "v128.load32x2_u"  [0xfd, 0x06] MemArg { natural: 3 }, (I32) -> (V128), Simd128;
    "v128.load8_splat"  [0xfd, 0x07] MemArg { natural: 0 }, (I32) -> (V128), Simd128;
    "v128.load16_splat" [0xfd, 0x08] MemArg { natural: 1 }, (I32) -> (V128), Simd128;
    "v128.load32_splat" [0xfd, 0x09] MemArg { natural: 2 }, (I32) -> (V128), Simd128;
    "v128.load64_splat" [0xfd, 0x0a] MemArg { natural: 3 }, (I32) -> (V128), Simd128;
    "v128.load8_lane"   [0xfd, 0x54] MemArgLane { natural: 0 }, (I32, V128) -> (V128), Simd128;
    "v128.load16_lane"  [0xfd, 0x55] MemArgLane { natural: 1 }, (I32, V128) -> (V128), Simd128;
    "v128.load32_lane"  [0xfd, 0x56] MemArgLane { natural: 2 }, (I32, V128) -> (V128), Simd128;
    "v128.load64_lane"  [0xfd, 0x57] MemArgLane { natural: 3 }, (I32, V128) -> (V128), Simd128;
    "v128.store8_lane"  [0xfd, 0x58] MemArgLane { natural: 0 }, (I32, V128) -> (), Simd128;
    "v128.store16_lane" [0xfd, 0x59] MemArgLane { natural: 1 }, (I32, V128) -> (), Simd128;
    "v128.store32_lane" [0xfd, 0x5a] MemArgLane { natural: 2 }, (I32, V128) -> (), Simd128;
    "v128.store64_lane" [0xfd, 0x5b] MemArgLane { natural: 3 }, (I32, V128) -> (), Simd128;
    "v128.load32_zero"  [0xfd, 0x5c] MemArg { natural: 2 }, (I32) -> (V128), Simd128;
    "v128.load64_zero"  [0xfd, 0x5d] MemArg { natural: 3 }, (I32) -> (V128), Simd128;
    // Atomics: wait/notify, loads, stores.
    "memory.atomic.notify" [0xfe, 0x00] MemArg { natural: 2 }, (I32, I32) -> (I32), Atomics;
    "memory.atomic.wait32" [0xfe, 0x01] MemArg { natural: 2 }, (I32, I32, I64) -> (I32), Atomics;
    "memory.atomic.wait64" [0xfe, 0x02] MemArg { natural: 3 }, (I32, I64, I64) -> (I32), Atomics;
    "i32.atomic.load"      [0xfe, 0x10] MemArg { natural: 2 }, (I32) -> (I32), Atomics;
    "i64.atomic.load"      [0xfe, 0x11] MemArg { natural: 3 }, (I32) -> (I64), Atomics;
    "i32.atomic.load8_u"   [0xfe, 0x12] MemArg { natural: 0 }, (I32) -> (I32), Atomics;
    "i32.atomic.load16_u"  [0xfe, 0x13] MemArg { natural: 1 }, (I32) -> (I32), Atomics;
    "i64.atomic.load8_u"   [0xfe, 0x14] MemArg { natural: 0 }, (I32) -> (I64), Atomics;
    "i64.atomic.load16_u"  [0xfe, 0x15] MemArg { natural: 1 }, (I32) -> (I64), Atomics;
    "i64.atomic.load32_u"  [0xfe, 0x16] MemArg { natural: 2 }, (I32) -> (I64), Atomics;
    "i32.atomic.store"     [0xfe, 0x17] MemArg { natural: 2 }, (I32, I32) -> (), Atomics;
    "i64.atomic.store"     [0xfe, 0x18] MemArg { natural: 3 }, (I32, I64) -> (), Atomics;
    "i32.atomic.store8"    [0xfe, 0x19] MemArg { natural: 0 }, (I32, I32) -> (), Atomics;
    "i32.atomic.store16"   [0xfe, 0x1a] MemArg { natural: 1 }, (I32, I32) -> (), Atomics;
    "i64.atomic.store8"    [0xfe, 0x1b] MemArg { natural: 0 }, (I32, I64) -> (), Atomics;
    "i64.atomic.store16"   [0xfe, 0x1c] MemArg { natural: 1 }, (I32, I64) -> (), Atomics;
    "i64.atomic.store32"   [0xfe, 0x1d] MemArg { natural: 2 }, (I32, I64) -> (), Atomics;
}

/// Read-modify-write atomics come in seven widths per operation; they are
/// generated rather than listed (opcode = base + width index).
pub const RMW_OPS: &[(&str, u8)] = &[
    ("add", 0x1e),
    ("sub", 0x25),
    ("and", 0x2c),
    ("or", 0x33),
    ("xor", 0x3a),
    ("xchg", 0x41),
    ("cmpxchg", 0x48),
];

/// The seven widths of a read-modify-write atomic, in opcode order:
/// (name infix, value type, log2 of the access width).
pub const RMW_WIDTHS: &[(&str, ValType, u8)] = &[
    ("i32.atomic.rmw", I32, 2),
    ("i64.atomic.rmw", I64, 3),
    ("i32.atomic.rmw8", I32, 0),
    ("i32.atomic.rmw16", I32, 1),
    ("i64.atomic.rmw8", I64, 0),
    ("i64.atomic.rmw16", I64, 1),
    ("i64.atomic.rmw32", I64, 2),
];

/// Looks an instruction up by its text-format name.
pub fn op(name: &str) -> Option<&'static Op> {
    if let Some(op) = OPS.iter().find(|op| op.name == name) {
        return Some(op);
    }
    rmw_op(name)
}

/// The read-modify-write atomics, built once from [`RMW_OPS`] x [`RMW_WIDTHS`].
fn rmw_op(name: &str) -> Option<&'static Op> {
    use std::sync::OnceLock;
    static RMW: OnceLock<Vec<Op>> = OnceLock::new();
    let table = RMW.get_or_init(|| {
        let mut v = Vec::new();
        for &(op, base) in RMW_OPS {
            for (i, &(prefix, ty, natural)) in RMW_WIDTHS.iter().enumerate() {
                let narrow = !matches!(prefix, "i32.atomic.rmw" | "i64.atomic.rmw");
                let name = if narrow { format!("{prefix}.{op}_u") } else { format!("{prefix}.{op}") };
                let opcode = base + i as u8;
                let (params, results): (&'static [ValType], &'static [ValType]) = match (op, ty) {
                    ("cmpxchg", I32) => (&[I32, I32, I32], &[I32]),
                    ("cmpxchg", _) => (&[I32, I64, I64], &[I64]),
                    (_, I32) => (&[I32, I32], &[I32]),
                    _ => (&[I32, I64], &[I64]),
                };
                v.push(Op {
                    name: Box::leak(name.into_boxed_str()),
                    opcode: Box::leak(vec![0xfe, opcode].into_boxed_slice()),
                    immediates: MemArg { natural },
                    params,
                    results,
                    feature: Atomics,
                });
            }
        }
        v
    });
    table.iter().find(|op| op.name == name)
}

/// How a program names a memory.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MemoryKey {
    /// `address_space(N)`; 0 is the default memory.
    Numbered(u32),
    /// A named memory (a `wasm_memory` array).
    Named(String),
    /// The application's default memory named explicitly
    /// ([`DEFAULT_MEMORY_ADDRESS_SPACE`]): memory 0, written with an
    /// explicit 5-byte memory index 0 so that retargeting leaves it alone.
    Application,
}

impl fmt::Display for MemoryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemoryKey::Numbered(n) => write!(f, "{n}"),
            MemoryKey::Named(name) => write!(f, "@{name}"),
            MemoryKey::Application => f.write_str("app"),
        }
    }
}

impl MemoryKey {
    fn parse(s: &str) -> Result<MemoryKey> {
        if s == "app" {
            return Ok(MemoryKey::Application);
        }
        if let Some(name) = s.strip_prefix('@') {
            if name.is_empty() {
                bail!("empty memory name");
            }
            return Ok(MemoryKey::Named(name.to_string()));
        }
        Ok(MemoryKey::Numbered(s.parse().with_context(|| format!("bad memory number `{s}`"))?))
    }
}

/// A decoded marker: one memory-indexed instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub op: &'static Op,
    /// One memory, or two for `memory.copy` (destination, source).
    pub memories: Vec<MemoryKey>,
    /// Offset folded into the `memarg` (0 for instructions without one).
    pub offset: u64,
    /// log2 of the `memarg` alignment.
    pub align: u8,
    /// Lane index of a lane load or store.
    pub lane: u8,
    pub volatile: bool,
    /// Distinguishes LLVM declarations of the same instruction with
    /// different IR types; ignored by the object writer.
    pub type_tag: Option<String>,
}

impl Marker {
    pub fn new(op: &'static Op, memories: Vec<MemoryKey>) -> Marker {
        let align = match op.immediates {
            MemArg { natural } | MemArgLane { natural } => natural,
            _ => 0,
        };
        Marker { op, memories, offset: 0, align, lane: 0, volatile: false, type_tag: None }
    }

    /// The marker's function name.
    pub fn symbol_name(&self) -> String {
        let mut s = format!("{MARKER_PREFIX}{}", self.op.name);
        for m in &self.memories {
            s.push_str(&format!(":m{m}"));
        }
        if let MemArg { .. } | MemArgLane { .. } = self.op.immediates {
            s.push_str(&format!(":o{}:a{}", self.offset, self.align));
        }
        if let MemArgLane { .. } = self.op.immediates {
            s.push_str(&format!(":l{}", self.lane));
        }
        if self.volatile {
            s.push_str(":v");
        }
        if let Some(t) = &self.type_tag {
            s.push_str(&format!(":t{t}"));
        }
        s
    }

    /// Decodes a marker name; `Ok(None)` if `name` is not a marker at all.
    pub fn parse(name: &str) -> Result<Option<Marker>> {
        let Some(rest) = name.strip_prefix(MARKER_PREFIX) else { return Ok(None) };
        let mut fields = rest.split(':');
        let op_name = fields.next().unwrap_or_default();
        let op = op(op_name).with_context(|| format!("unknown instruction `{op_name}` in marker `{name}`"))?;
        let mut marker = Marker::new(op, Vec::new());
        for field in fields {
            let (tag, value) = field.split_at(field.len().min(1));
            match tag {
                "m" => marker.memories.push(MemoryKey::parse(value).with_context(|| format!("in marker `{name}`"))?),
                "o" => marker.offset = value.parse().with_context(|| format!("bad offset in marker `{name}`"))?,
                "a" => marker.align = value.parse().with_context(|| format!("bad alignment in marker `{name}`"))?,
                "l" => marker.lane = value.parse().with_context(|| format!("bad lane in marker `{name}`"))?,
                "v" if value.is_empty() => marker.volatile = true,
                "t" => marker.type_tag = Some(value.to_string()),
                _ => bail!("unknown field `{field}` in marker `{name}`"),
            }
        }
        let wanted = if op.immediates == TwoMemories { 2 } else { 1 };
        if marker.memories.len() != wanted {
            bail!("marker `{name}` names {} memories, `{}` needs {wanted}", marker.memories.len(), op.name);
        }
        if let MemArg { natural } | MemArgLane { natural } = op.immediates {
            if marker.align > natural {
                bail!("marker `{name}`: alignment 2^{} exceeds the natural alignment of `{}`", marker.align, op.name);
            }
            if marker.offset > u32::MAX as u64 {
                bail!("marker `{name}`: offset does not fit a 32-bit memory");
            }
        }
        if let MemArgLane { natural } = op.immediates {
            if marker.lane as u32 >= 16 >> natural {
                bail!("marker `{name}`: lane {} does not exist for `{}`", marker.lane, op.name);
            }
        }
        Ok(Some(marker))
    }

    /// Encodes the instruction. Every memory index is written as a 5-byte
    /// padded LEB128 (so the linker can rewrite it in place); for each one,
    /// `(position in out, memory key)` is pushed to `memory_indices`.
    /// `object_index` gives the object memory index of a key.
    ///
    /// The default memory's index (the `0` of `memory.copy 2 0`) is one
    /// byte, as LLVM writes it: a 5-byte index 0 means the application's
    /// memory named explicitly ([`MemoryKey::Application`]), which
    /// retargeting into a library memory leaves alone, while an ordinary
    /// index 0 moves into the library memory with the rest of the code.
    pub fn encode(
        &self,
        object_index: impl Fn(&MemoryKey) -> u32,
        out: &mut Vec<u8>,
        memory_indices: &mut Vec<(usize, MemoryKey)>,
    ) {
        out.extend_from_slice(self.op.opcode);
        let mut memory = |out: &mut Vec<u8>, key: &MemoryKey| {
            if *key == MemoryKey::Numbered(0) {
                out.push(0);
                return;
            }
            memory_indices.push((out.len(), key.clone()));
            write_padded_u32(out, object_index(key));
        };
        match self.op.immediates {
            MemArg { .. } | MemArgLane { .. } => {
                // Bit 6 of the alignment field says "a memory index follows".
                write_u32(out, self.align as u32 | 0x40);
                memory(out, &self.memories[0]);
                write_u64(out, self.offset);
                if let MemArgLane { .. } = self.op.immediates {
                    out.push(self.lane);
                }
            }
            Memory => memory(out, &self.memories[0]),
            TwoMemories => {
                memory(out, &self.memories[0]);
                memory(out, &self.memories[1]);
            }
        }
    }
}

/// Appends an unsigned LEB128.
pub fn write_u64(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

pub fn write_u32(out: &mut Vec<u8>, v: u32) {
    write_u64(out, v as u64)
}

/// Appends a 5-byte padded unsigned LEB128 (the relocatable form).
pub fn write_padded_u32(out: &mut Vec<u8>, v: u32) {
    for i in 0..5 {
        let byte = ((v >> (7 * i)) & 0x7f) as u8;
        out.push(if i < 4 { byte | 0x80 } else { byte });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let mut m = Marker::new(op("i32.load8_u").unwrap(), vec![MemoryKey::Numbered(3)]);
        m.offset = 16;
        m.type_tag = Some("i8".into());
        assert_eq!(m.symbol_name(), "__mmcc:i32.load8_u:m3:o16:a0:ti8");
        assert_eq!(Marker::parse(&m.symbol_name()).unwrap().unwrap(), m);

        let copy = Marker::new(op("memory.copy").unwrap(), vec![MemoryKey::Numbered(2), MemoryKey::Named("heap".into())]);
        assert_eq!(copy.symbol_name(), "__mmcc:memory.copy:m2:m@heap");
        assert_eq!(Marker::parse(&copy.symbol_name()).unwrap().unwrap(), copy);
        assert!(Marker::parse("memcpy").unwrap().is_none());
        let app = Marker::new(op("i32.load").unwrap(), vec![MemoryKey::Application]);
        assert_eq!(app.symbol_name(), "__mmcc:i32.load:mapp:o0:a2");
        assert_eq!(Marker::parse(&app.symbol_name()).unwrap().unwrap(), app);
    }

    #[test]
    fn bad_names_are_errors() {
        assert!(Marker::parse("__mmcc:i32.frobnicate:m1").is_err());
        assert!(Marker::parse("__mmcc:i32.load:m1:o0:a3").is_err(), "over-aligned");
        assert!(Marker::parse("__mmcc:memory.copy:m1").is_err(), "one memory for copy");
        assert!(Marker::parse("__mmcc:i32.load:mx:o0:a2").is_err());
    }

    #[test]
    fn encodes_memarg_with_padded_memory_index() {
        let mut m = Marker::new(op("i32.load").unwrap(), vec![MemoryKey::Numbered(3)]);
        m.offset = 200;
        let (mut out, mut idx) = (Vec::new(), Vec::new());
        m.encode(|_| 1, &mut out, &mut idx);
        assert_eq!(out, [0x28, 0x42, 0x81, 0x80, 0x80, 0x80, 0x00, 0xc8, 0x01]);
        assert_eq!(idx, vec![(2, MemoryKey::Numbered(3))]);
        // memory.copy from the default memory: its index is one byte; the
        // application's memory named explicitly is five.
        let copy = Marker::new(op("memory.copy").unwrap(), vec![MemoryKey::Numbered(2), MemoryKey::Numbered(0)]);
        let (mut out, mut idx) = (Vec::new(), Vec::new());
        copy.encode(|_| 1, &mut out, &mut idx);
        assert_eq!(out, [0xfc, 0x0a, 0x81, 0x80, 0x80, 0x80, 0x00, 0x00]);
        let copy = Marker::new(op("memory.copy").unwrap(), vec![MemoryKey::Numbered(2), MemoryKey::Application]);
        let (mut out, mut idx) = (Vec::new(), Vec::new());
        copy.encode(|k| if *k == MemoryKey::Application { 0 } else { 1 }, &mut out, &mut idx);
        assert_eq!(out, [0xfc, 0x0a, 0x81, 0x80, 0x80, 0x80, 0x00, 0x80, 0x80, 0x80, 0x80, 0x00]);
    }

    #[test]
    fn rmw_table_matches_the_spec() {
        assert_eq!(op("i32.atomic.rmw.add").unwrap().opcode, &[0xfe, 0x1e]);
        assert_eq!(op("i64.atomic.rmw32.cmpxchg_u").unwrap().opcode, &[0xfe, 0x4e]);
        assert_eq!(op("i32.atomic.rmw8.xchg_u").unwrap().opcode, &[0xfe, 0x43]);
        assert_eq!(op("i64.atomic.rmw.cmpxchg").unwrap().params, &[ValType::I32, ValType::I64, ValType::I64]);
    }
}
