//! Mutations of objects and modules. The byte-level ones (truncation, bit
//! flips, insertions, deletions) find framing bugs; the structure-aware
//! ones keep the file's framing intact and change one field that a reader
//! trusts (a section order, a LEB128 value, a relocation, a symbol, an
//! `mmcc.memories` entry, a marker name, a memory instruction), so the
//! input gets past the parser and into the code that uses the field.

use super::wasm::{self, Section};
use mmcc::object::linking::{LinkingSection, RelocSection, Symbol};
use mmcc::object::memories::MemoriesSection;

/// Deterministic pseudo-random numbers (xorshift64*), seeded through
/// splitmix64 so that neighbouring seeds give unrelated streams.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E3779B97F4A7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        Rng((z ^ (z >> 31)) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    /// 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, one_in: u64) -> bool {
        self.next() % one_in == 0
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// A number a reader may mishandle: a boundary, a neighbour of `near`,
    /// or anything.
    pub fn interesting(&mut self, near: u64) -> u64 {
        match self.below(8) {
            0 => 0,
            1 => near.wrapping_add(1),
            2 => near.wrapping_sub(1),
            3 => *self.pick(&[1, 127, 128, 255, 256, 16383, 16384, 65535, 65536]),
            4 => *self.pick(&[u32::MAX as u64, u32::MAX as u64 - 1, i32::MAX as u64, 1 << 31]),
            5 => near.wrapping_add(self.below(16) as u64 + 2),
            6 => self.next() % 64,
            _ => self.next() & u32::MAX as u64,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The input as it is (pristine corpus files and generated objects).
    None,
    Truncate,
    BitFlip,
    ByteSet,
    Insert,
    Delete,
    SectionSwap,
    SectionDuplicate,
    SectionDrop,
    SectionSize,
    Leb,
    Reloc,
    Symbol,
    Memories,
    MarkerName,
    Code,
    Splice,
}

pub const KINDS: &[Kind] = &[
    Kind::Truncate,
    Kind::BitFlip,
    Kind::ByteSet,
    Kind::Insert,
    Kind::Delete,
    Kind::SectionSwap,
    Kind::SectionDuplicate,
    Kind::SectionDrop,
    Kind::SectionSize,
    Kind::Leb,
    Kind::Reloc,
    Kind::Symbol,
    Kind::Memories,
    Kind::MarkerName,
    Kind::Code,
    Kind::Splice,
];

/// Applies `kind` once; None if the input has nothing it applies to (no
/// relocations to mutate, say), and the caller picks another.
pub fn apply(kind: Kind, rng: &mut Rng, bytes: &[u8], donor: &[u8]) -> Option<Vec<u8>> {
    match kind {
        Kind::None => Some(bytes.to_vec()),
        Kind::Truncate => (!bytes.is_empty()).then(|| bytes[..rng.below(bytes.len())].to_vec()),
        Kind::BitFlip => {
            let mut out = bytes.to_vec();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(out.len());
                *out.get_mut(at)? ^= 1 << rng.below(8);
            }
            Some(out)
        }
        Kind::ByteSet => {
            let mut out = bytes.to_vec();
            let at = rng.below(out.len());
            let any = rng.next() as u8;
            *out.get_mut(at)? = *rng.pick(&[0x00, 0xff, 0x7f, 0x80, 0x40, 0x01, 0x0b, 0x10, 0xfc, 0xfd, 0xfe, any]);
            Some(out)
        }
        Kind::Insert => {
            let at = rng.below(bytes.len() + 1);
            let inserted: Vec<u8> = match rng.below(3) {
                0 => vec![rng.next() as u8],
                1 => (0..1 + rng.below(16)).map(|_| rng.next() as u8).collect(),
                // A copy of nearby bytes, as a duplicated field would be.
                _ => {
                    let from = rng.below(bytes.len().max(1));
                    bytes.get(from..(from + 1 + rng.below(32)).min(bytes.len()))?.to_vec()
                }
            };
            Some(wasm::splice(bytes, at..at, &inserted))
        }
        Kind::Delete => {
            let at = rng.below(bytes.len());
            let longest = if rng.chance(2) { 2 } else { 64 };
            let len = (1 + rng.below(longest)).min(bytes.len() - at);
            Some(wasm::splice(bytes, at..at + len, &[]))
        }
        Kind::SectionSwap => {
            let s = wasm::sections(bytes).filter(|s| !s.is_empty())?;
            (s.len() >= 2).then_some(())?;
            let i = rng.below(s.len());
            let j = if rng.chance(2) && i + 1 < s.len() { i + 1 } else { rng.below(s.len()) };
            let (a, b) = (i.min(j), i.max(j));
            (a != b).then_some(())?;
            let mut out = bytes[..s[a].header].to_vec();
            out.extend_from_slice(&bytes[s[b].whole()]);
            out.extend_from_slice(&bytes[s[a].content.end..s[b].header]);
            out.extend_from_slice(&bytes[s[a].whole()]);
            out.extend_from_slice(&bytes[s[b].content.end..]);
            Some(out)
        }
        Kind::SectionDuplicate => {
            let s = wasm::sections(bytes).filter(|s| !s.is_empty())?;
            let copy = &s[rng.below(s.len())];
            let at = match rng.below(3) {
                0 => copy.content.end,
                1 => bytes.len(),
                _ => s[rng.below(s.len())].header,
            };
            Some(wasm::splice(bytes, at..at, &bytes[copy.whole()]))
        }
        Kind::SectionDrop => {
            let s = wasm::sections(bytes).filter(|s| !s.is_empty())?;
            let drop = &s[rng.below(s.len())];
            Some(wasm::splice(bytes, drop.whole(), &[]))
        }
        Kind::SectionSize => {
            let s = wasm::sections(bytes).filter(|s| !s.is_empty())?;
            let section = &s[rng.below(s.len())];
            let (size, len) = wasm::read_leb(bytes, section.header + 1)?;
            let mut field = Vec::new();
            let new = rng.interesting(size);
            if rng.chance(2) {
                wasm::write_padded_leb(&mut field, new & ((1 << (7 * len)) - 1), len);
            } else {
                wasm::write_leb(&mut field, new);
            }
            Some(wasm::splice(bytes, section.header + 1..section.header + 1 + len, &field))
        }
        Kind::Leb => leb_field(rng, bytes),
        Kind::Reloc => reloc(rng, bytes),
        Kind::Symbol => symbol(rng, bytes),
        Kind::Memories => memories(rng, bytes),
        Kind::MarkerName => marker_name(rng, bytes),
        Kind::Code => code(rng, bytes),
        Kind::Splice => {
            // A section of another input, in place of one of ours or added.
            let ours = wasm::sections(bytes).filter(|s| !s.is_empty())?;
            let theirs = wasm::sections(donor).filter(|s| !s.is_empty())?;
            let section = &theirs[rng.below(theirs.len())];
            let added = &donor[section.whole()];
            match ours.iter().position(|s| s.id == section.id && wasm::custom_name(bytes, s) == wasm::custom_name(donor, section)) {
                Some(i) if rng.chance(2) => Some(wasm::splice(bytes, ours[i].whole(), added)),
                _ => {
                    let at = ours.get(rng.below(ours.len() + 1)).map(|s| s.header).unwrap_or(bytes.len());
                    Some(wasm::splice(bytes, at..at, added))
                }
            }
        }
    }
}

/// Some LEB128 field inside a section's contents changes value (in its own
/// length, padded, or in the fewest bytes). Positions are tried until one
/// holds a LEB128 (most bytes start one).
fn leb_field(rng: &mut Rng, bytes: &[u8]) -> Option<Vec<u8>> {
    let s = wasm::sections(bytes).filter(|s| !s.is_empty())?;
    let section = &s[rng.below(s.len())];
    (!section.content.is_empty()).then_some(())?;
    // A section's first field is a count (or a custom section's name length).
    let at = if rng.chance(3) { section.content.start } else { section.content.start + rng.below(section.content.len()) };
    let (value, len) = wasm::read_leb(bytes, at)?;
    (at + len <= section.content.end).then_some(())?;
    let new = rng.interesting(value);
    let mut field = Vec::new();
    if rng.chance(2) && len <= 9 {
        wasm::write_padded_leb(&mut field, new & ((1u64 << (7 * len)) - 1), len);
    } else if rng.chance(2) {
        wasm::write_padded_leb(&mut field, new & 0xffff_ffff, 5);
    } else {
        wasm::write_leb(&mut field, new);
    }
    Some(wasm::splice(bytes, at..at + len, &field))
}

fn replace_custom(bytes: &[u8], section: &Section, name: &str, payload: &[u8]) -> Vec<u8> {
    wasm::splice(bytes, section.whole(), &wasm::custom_bytes(name, payload))
}

const RELOC_TYPES: u8 = 27;

/// One relocation changes: its type, offset, symbol or addend, or it is
/// duplicated, dropped, or moved out of order.
fn reloc(rng: &mut Rng, bytes: &[u8]) -> Option<Vec<u8>> {
    let s = wasm::sections(bytes).filter(|s| !s.is_empty())?;
    let relocs: Vec<(&Section, String, usize)> = s
        .iter()
        .filter_map(|sec| {
            let (name, payload) = wasm::custom_name(bytes, sec)?;
            name.starts_with("reloc.").then_some((sec, name, payload))
        })
        .collect();
    (!relocs.is_empty()).then_some(())?;
    let (section, name, payload) = rng.pick(&relocs);
    let mut parsed = RelocSection::parse(&bytes[*payload..section.content.end], *payload).ok()?;
    let n = parsed.entries.len();
    if n == 0 || rng.chance(12) {
        parsed.target_section = rng.interesting(parsed.target_section as u64) as u32;
        return Some(replace_custom(bytes, section, name, &parsed.encode()));
    }
    let i = rng.below(n);
    let e = &mut parsed.entries[i];
    match rng.below(9) {
        0 => {
            // Another type: its addend field appears or disappears.
            let ty = rng.below(RELOC_TYPES as usize) as u8;
            e.ty = wasmparser::RelocationType::try_from(ty).ok()?;
            if e.ty.addend_kind() == wasmparser::RelocAddendKind::None {
                e.addend = 0;
            }
        }
        1 | 2 => e.offset = rng.interesting(e.offset as u64) as u32,
        3 | 4 => e.index = rng.interesting(e.index as u64) as u32,
        5 => {
            if e.ty.addend_kind() == wasmparser::RelocAddendKind::None {
                return None;
            }
            e.addend = match rng.below(3) {
                0 => -(rng.below(1 << 20) as i64),
                1 => rng.interesting(e.addend as u64) as i64,
                _ => i64::MAX - rng.below(4) as i64,
            };
        }
        6 => {
            let copy = *e;
            parsed.entries.insert(rng.below(n + 1), copy);
        }
        7 => {
            parsed.entries.remove(i);
        }
        _ => {
            let j = rng.below(n);
            parsed.entries.swap(i, j);
        }
    }
    Some(replace_custom(bytes, section, name, &parsed.encode()))
}

/// One entry of the `linking` section changes: a symbol's kind, flags,
/// index, name or data placement; a segment's name, alignment or flags
/// (segment names say which memory a segment goes to); an init function;
/// a COMDAT member.
fn symbol(rng: &mut Rng, bytes: &[u8]) -> Option<Vec<u8>> {
    let (section, payload) = wasm::find_custom(bytes, "linking")?;
    let mut linking = LinkingSection::parse(&bytes[payload..section.content.end], payload).ok()?;
    match rng.below(10) {
        0..=5 => {
            let symbols = linking.symbols.as_mut()?;
            (!symbols.is_empty()).then_some(())?;
            let i = rng.below(symbols.len());
            let s = &mut symbols[i];
            match s {
                Symbol::Indexed { kind, flags, index, name } => match rng.below(5) {
                    0 => *kind = *rng.pick(&[0, 2, 4, 5]),
                    1 => *flags ^= 1 << rng.below(8),
                    2 | 3 => *index = rng.interesting(*index as u64) as u32,
                    _ => *name = Some(rng.pick(&["main", "__mmcc:i32.load:m2:o0:a2", "__stack_pointer", "", "x"]).to_string()),
                },
                Symbol::Data { flags, name, definition } => match rng.below(5) {
                    0 => *flags ^= 1 << rng.below(8),
                    1 => *definition = None,
                    2 => *name = rng.pick(&["__heap_base", "__mmcc_heap_base_2", "", "x"]).to_string(),
                    _ => {
                        let (segment, offset, size) = definition.get_or_insert((0, 0, 4));
                        match rng.below(3) {
                            0 => *segment = rng.interesting(*segment as u64) as u32,
                            1 => *offset = rng.interesting(*offset as u64) as u32,
                            _ => *size = rng.interesting(*size as u64) as u32,
                        }
                    }
                },
                Symbol::Section { flags, section } => match rng.below(2) {
                    0 => *flags ^= 1 << rng.below(8),
                    _ => *section = rng.interesting(*section as u64) as u32,
                },
            }
            if rng.chance(8) {
                // A symbol appears twice, or one goes.
                let copy = symbols[rng.below(symbols.len())].clone();
                if rng.chance(2) {
                    symbols.push(copy);
                } else {
                    symbols.remove(rng.below(symbols.len()));
                }
            }
        }
        6 | 7 => {
            let segments = linking.segments.as_mut()?;
            (!segments.is_empty()).then_some(())?;
            let i = rng.below(segments.len());
            let s = &mut segments[i];
            match rng.below(4) {
                0 => {
                    let memory = rng.pick(&["2", "3", "0", "255", "256", "99999999999", "@arr", "@", "app"]).to_string();
                    let size = rng.interesting(s.name.len() as u64);
                    s.name = match rng.below(4) {
                        0 => format!(".mmcc.m{memory}.data.x"),
                        1 => format!(".mmcc.m{memory}.bss.{size}.x"),
                        2 => format!(".mmcc.m{memory}.rodata.x"),
                        _ => format!(".mmcc.m{memory}.bss.x"),
                    };
                }
                1 => s.alignment = rng.interesting(s.alignment as u64) as u32,
                2 => s.flags ^= 1 << rng.below(4),
                _ => s.name = rng.pick(&[".bss.x", ".data", ".tdata.x", ".rodata.str", ""]).to_string(),
            }
        }
        8 => {
            let init = linking.init_funcs.get_or_insert_with(Vec::new);
            if init.is_empty() || rng.chance(3) {
                init.push((rng.interesting(65535) as u32, rng.below(64) as u32));
            } else {
                let i = rng.below(init.len());
                init[i].1 = rng.interesting(init[i].1 as u64) as u32;
            }
        }
        _ => {
            let comdats = linking.comdats.get_or_insert_with(Vec::new);
            if comdats.is_empty() || rng.chance(3) {
                comdats.push(mmcc::object::linking::Comdat {
                    name: "c".into(),
                    flags: 0,
                    members: vec![(rng.below(6) as u8, rng.interesting(3) as u32)],
                });
            } else {
                let c = rng.below(comdats.len());
                let comdat = &mut comdats[c];
                if comdat.members.is_empty() {
                    comdat.members.push((1, 0));
                }
                let m = rng.below(comdat.members.len());
                comdat.members[m].1 = rng.interesting(comdat.members[m].1 as u64) as u32;
                if rng.chance(2) {
                    comdat.members[m].0 = rng.below(7) as u8;
                }
            }
        }
    }
    Some(replace_custom(bytes, &section, "linking", &linking.encode()))
}

/// One entry of `mmcc.memories` changes: a memory's index, key or limits,
/// a memory relocation's offset or index, a zero fill's segment or size.
/// Inputs without the section get one.
fn memories(rng: &mut Rng, bytes: &[u8]) -> Option<Vec<u8>> {
    use mmcc::marker::MemoryKey;
    use mmcc::object::memories::{MemoryReloc, ObjectMemory, ZeroFill};
    let found = wasm::find_custom(bytes, mmcc::object::memories::SECTION_NAME);
    let mut m = match &found {
        Some((s, payload)) => MemoriesSection::decode(&bytes[*payload..s.content.end]).ok()?,
        None => MemoriesSection::default(),
    };
    match rng.below(8) {
        0 | 1 if !m.memories.is_empty() => {
            let i = rng.below(m.memories.len());
            let mem = &mut m.memories[i];
            match rng.below(5) {
                0 => mem.index = rng.interesting(mem.index as u64) as u32,
                1 => mem.key = MemoryKey::Numbered(rng.interesting(2) as u32),
                2 => mem.key = MemoryKey::Named(rng.pick(&["arr", "x", ""]).to_string()),
                3 => {
                    mem.declaration.min_pages = Some(rng.interesting(1));
                    mem.declaration.max_pages = rng.chance(2).then(|| rng.interesting(1));
                    mem.declaration.shared = rng.chance(2);
                }
                _ => mem.declaration.import = Some(("env".into(), "m".into())),
            }
        }
        2 | 3 if !m.relocs.is_empty() => {
            let i = rng.below(m.relocs.len());
            let r = &mut m.relocs[i];
            if rng.chance(2) {
                r.offset = rng.interesting(r.offset as u64) as u32;
            } else {
                r.index = rng.interesting(r.index as u64) as u32;
            }
        }
        4 if !m.zero_fills.is_empty() => {
            let i = rng.below(m.zero_fills.len());
            let z = &mut m.zero_fills[i];
            if rng.chance(2) {
                z.segment = rng.interesting(z.segment as u64) as u32;
            } else {
                z.size = rng.interesting(z.size);
            }
        }
        5 => m.relocs.push(MemoryReloc { offset: rng.interesting(64) as u32, index: rng.interesting(1) as u32 }),
        6 => m.zero_fills.push(ZeroFill { segment: rng.below(8) as u32, size: rng.interesting(64) }),
        _ => m.memories.push(ObjectMemory {
            index: rng.interesting(1) as u32,
            key: MemoryKey::Numbered(rng.interesting(3) as u32),
            declaration: Default::default(),
            array: None,
        }),
    }
    let payload = m.encode();
    Some(match found {
        Some((s, _)) => replace_custom(bytes, &s, mmcc::object::memories::SECTION_NAME, &payload),
        None => {
            let mut out = bytes.to_vec();
            out.extend_from_slice(&wasm::custom_bytes(mmcc::object::memories::SECTION_NAME, &payload));
            out
        }
    })
}

/// A field of a marker import's name changes in place (same length, so
/// the import section stays well-formed): the instruction, a memory, the
/// offset, alignment or lane digits.
fn marker_name(rng: &mut Rng, bytes: &[u8]) -> Option<Vec<u8>> {
    let prefix = mmcc::marker::MARKER_PREFIX.as_bytes();
    let starts: Vec<usize> = bytes.windows(prefix.len()).enumerate().filter(|(_, w)| *w == prefix).map(|(i, _)| i).collect();
    (!starts.is_empty()).then_some(())?;
    let start = *rng.pick(&starts) + prefix.len();
    // The name runs to the first byte that is not printable.
    let end = (start..bytes.len()).find(|&i| !(0x21..0x7f).contains(&bytes[i])).unwrap_or(bytes.len());
    (end > start).then_some(())?;
    let mut out = bytes.to_vec();
    let name = &mut out[start..end];
    match rng.below(4) {
        0 => {
            // A digit becomes another digit.
            let digits: Vec<usize> = (0..name.len()).filter(|&i| name[i].is_ascii_digit()).collect();
            if digits.is_empty() {
                return None;
            }
            let i = *rng.pick(&digits);
            name[i] = b'0' + rng.below(10) as u8;
        }
        1 => {
            // A type or a width becomes another one of the same length.
            let swaps: &[(&[u8], &[u8])] =
                &[(b"i32", b"i64"), (b"i64", b"f64"), (b"f32", b"i32"), (b"load", b"stor"), (b"8_u", b"8_s"), (b"16", b"32"), (b"32", b"64"), (b":m", b":o"), (b":a", b":l")];
            let (from, to) = rng.pick(swaps);
            let at = name.windows(from.len()).position(|w| w == *from)?;
            name[at..at + to.len()].copy_from_slice(to);
        }
        2 => {
            // A field separator goes or appears.
            let at = rng.below(name.len());
            name[at] = if name[at] == b':' { b'x' } else { b':' };
        }
        _ => {
            let at = rng.below(name.len());
            name[at] = *rng.pick(b"0123456789:moalvt@._app");
        }
    }
    Some(out)
}

/// One memory instruction of a function body changes: its alignment field
/// (including bit 6, "a memory index follows"), its memory index (value
/// and encoded length), its offset, or its opcode. The body and section
/// sizes are written again, so the code section stays well-framed and the
/// readers get to the instruction.
fn code(rng: &mut Rng, bytes: &[u8]) -> Option<Vec<u8>> {
    let s = wasm::sections(bytes).filter(|s| !s.is_empty())?;
    let code = s.iter().find(|s| s.id == 10)?;
    let bodies = wasm::bodies(bytes, code)?;
    (!bodies.is_empty()).then_some(())?;
    let index = rng.below(bodies.len());
    let (_, range) = bodies[index].clone();
    let body = &bytes[range.clone()];
    // Instruction offsets, from wasmparser's decoding of the body.
    let func = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(body, 0));
    let mut ops = func.get_operators_reader().ok()?;
    let mut memory_ops = Vec::new();
    let mut all = Vec::new();
    while !ops.eof() {
        let at = ops.original_position() as usize;
        let op = ops.read().ok()?;
        all.push(at);
        let names_memory = matches!(body[at], 0x28..=0x40)
            || (matches!(body[at], 0xfc) && matches!(body.get(at + 1), Some(8..=11)))
            || matches!(body[at], 0xfd | 0xfe) && format!("{op:?}").contains("memarg");
        if names_memory {
            memory_ops.push(at);
        }
    }
    (!all.is_empty()).then_some(())?;
    let mut new_body = body.to_vec();
    if memory_ops.is_empty() || rng.chance(6) {
        // A memory instruction where there was none (at an instruction
        // boundary, consuming and producing nothing different from a pair
        // of `memory.size; drop`), or naming memory 1 or 7.
        let at = *rng.pick(&all);
        let memory = *rng.pick(&[0u8, 1, 2, 7]);
        let inserted: Vec<u8> = match rng.below(3) {
            0 => vec![0x3f, memory, 0x1a],
            1 => vec![0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0a, memory, 0],
            _ => vec![0x41, 0, 0x28, 0x42, memory, 0, 0x1a],
        };
        new_body.splice(at..at, inserted);
        return wasm::replace_body(bytes, code, index, &new_body);
    }
    let at = *rng.pick(&memory_ops);
    let opcode_len = if body[at] >= 0xfc { 1 + wasm::read_leb(body, at + 1)?.1 } else { 1 };
    let imm = at + opcode_len;
    if matches!(body[at], 0x3f | 0x40) || body[at] == 0xfc {
        // memory.size/grow/copy/fill/init: a memory index.
        let field = if body[at] == 0xfc && body.get(at + 1) == Some(&8) { imm + wasm::read_leb(body, imm)?.1 } else { imm };
        let (value, len) = wasm::read_leb(body, field)?;
        let mut new = Vec::new();
        let near = rng.interesting(value);
        let value = *rng.pick(&[0, 1, 2, 3, 127, 128, near]);
        if rng.chance(2) {
            wasm::write_padded_leb(&mut new, value & 0xffff_ffff, 5);
        } else {
            wasm::write_leb(&mut new, value);
        }
        new_body.splice(field..field + len, new);
    } else {
        let (align, align_len) = wasm::read_leb(body, imm)?;
        match rng.below(5) {
            0 => {
                // Bit 6: an index appears (or the existing one's flag goes).
                let mut new = Vec::new();
                wasm::write_leb(&mut new, align ^ 0x40);
                if align & 0x40 == 0 {
                    wasm::write_padded_leb(&mut new, *rng.pick(&[0, 1, 2, 9]), if rng.chance(2) { 5 } else { 1 });
                }
                new_body.splice(imm..imm + align_len, new);
            }
            1 => {
                let mut new = Vec::new();
                wasm::write_leb(&mut new, (align & 0x40) | rng.below(8) as u64);
                new_body.splice(imm..imm + align_len, new);
            }
            2 if align & 0x40 != 0 => {
                let field = imm + align_len;
                let (value, len) = wasm::read_leb(body, field)?;
                let mut new = Vec::new();
                let near = rng.interesting(value) & 0xffff_ffff;
                let value = *rng.pick(&[0, 1, 2, 3, 200, near]);
                wasm::write_padded_leb(&mut new, value, len.clamp(1, 5));
                new_body.splice(field..field + len, new);
            }
            3 => {
                let field = imm + align_len + if align & 0x40 != 0 { wasm::read_leb(body, imm + align_len)?.1 } else { 0 };
                let (value, len) = wasm::read_leb(body, field)?;
                new_body.splice(field..field + len, wasm::leb(rng.interesting(value) | if rng.chance(4) { 1 << 33 } else { 0 }));
            }
            _ => {
                if body[at] < 0xfc {
                    new_body[at] = 0x28 + rng.below(0x17) as u8;
                } else {
                    return None;
                }
            }
        }
    }
    wasm::replace_body(bytes, code, index, &new_body)
}
