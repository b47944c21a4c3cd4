//! Generated LLVM-like objects: a function that calls random markers (any
//! instruction of mmcc's table, any memories, offsets, alignments, lanes),
//! each call with its function-index relocation, beside ordinary calls and
//! memory-N data segments, in the layout LLVM writes. Each one is a valid
//! module and a well-formed object, so the object writer must either
//! reject its markers or write a valid multi-memory object: this reaches
//! every row of the instruction table, which compiled programs do not.

use super::mutate::Rng;
use mmcc::marker::{Immediates, Marker, MemoryKey, ValType, OPS};
use mmcc::object::linking::{LinkingSection, RelocSection, SegmentInfo, Symbol};
use wasm_encoder::{CustomSection, EntityType, FunctionSection, ImportSection, MemoryType, Module, RawSection, TypeSection};
use wasmparser::{RelocationEntry, RelocationType};

fn val(t: ValType) -> wasm_encoder::ValType {
    match t {
        ValType::I32 => wasm_encoder::ValType::I32,
        ValType::I64 => wasm_encoder::ValType::I64,
        ValType::F32 => wasm_encoder::ValType::F32,
        ValType::F64 => wasm_encoder::ValType::F64,
        ValType::V128 => wasm_encoder::ValType::V128,
    }
}

/// A constant of type `t`, to feed a marker's operand.
fn constant(t: ValType, out: &mut Vec<u8>) {
    match t {
        ValType::I32 => out.extend_from_slice(&[0x41, 0x00]),
        ValType::I64 => out.extend_from_slice(&[0x42, 0x00]),
        ValType::F32 => out.extend_from_slice(&[0x43, 0, 0, 0, 0]),
        ValType::F64 => out.extend_from_slice(&[0x44, 0, 0, 0, 0, 0, 0, 0, 0]),
        ValType::V128 => {
            out.extend_from_slice(&[0xfd, 0x0c]);
            out.extend_from_slice(&[0; 16]);
        }
    }
}

fn key(rng: &mut Rng) -> MemoryKey {
    match rng.below(8) {
        0 => MemoryKey::Numbered(0),
        1 => MemoryKey::Application,
        2 => MemoryKey::Named(rng.pick(&["arr", "table~1f2e"]).to_string()),
        3 => MemoryKey::Numbered(*rng.pick(&[9, 200, 255])),
        _ => MemoryKey::Numbered(1 + rng.below(4) as u32),
    }
}

/// A random marker; mostly one LLVM could have written, sometimes with an
/// alignment or lane out of range (which the writer must refuse).
fn marker(rng: &mut Rng) -> Marker {
    let op = rng.pick(OPS);
    let memories = match op.immediates {
        Immediates::TwoMemories => vec![key(rng), key(rng)],
        _ => vec![key(rng)],
    };
    let mut m = Marker::new(op, memories);
    if let Immediates::MemArg { natural } | Immediates::MemArgLane { natural } = op.immediates {
        m.offset = match rng.below(4) {
            0 => 0,
            1 => rng.below(4096) as u64,
            2 => u32::MAX as u64 - rng.below(2) as u64,
            _ => rng.next() & 0xffff_ffff,
        };
        m.align = if rng.chance(16) { natural + 1 } else { rng.below(natural as usize + 1) as u8 };
        if let Immediates::MemArgLane { natural } = op.immediates {
            let lanes = 16 >> natural;
            m.lane = if rng.chance(16) { lanes as u8 } else { rng.below(lanes) as u8 };
        }
    }
    m.volatile = rng.chance(4);
    if rng.chance(4) {
        m.type_tag = Some(format!("v{}", rng.below(4)));
    }
    m
}

/// One generated object.
pub fn object(rng: &mut Rng) -> Vec<u8> {
    let markers: Vec<Marker> = (0..1 + rng.below(8)).map(|_| marker(rng)).collect();

    let mut types = TypeSection::new();
    types.ty().function([], []); // type 0: the defined functions
    let mut imports = ImportSection::new();
    imports.import("env", "__linear_memory", EntityType::Memory(MemoryType { minimum: 0, maximum: None, memory64: false, shared: false, page_size_log2: None }));
    for (i, m) in markers.iter().enumerate() {
        types.ty().function(m.op.params.iter().map(|t| val(*t)), m.op.results.iter().map(|t| val(*t)));
        imports.import("env", &m.symbol_name(), EntityType::Function(1 + i as u32));
    }
    let imported = markers.len() as u32;
    let mut functions = FunctionSection::new();
    functions.function(0);
    functions.function(0);

    // Symbols: the marker imports (undefined, named by their import), then
    // the two defined functions, then data.
    let mut symbols: Vec<Symbol> =
        (0..imported).map(|i| Symbol::Indexed { kind: 0, flags: 0x10, index: i, name: None }).collect();
    let f_symbol = symbols.len() as u32;
    symbols.push(Symbol::Indexed { kind: 0, flags: 0, index: imported, name: Some("f".into()) });
    symbols.push(Symbol::Indexed { kind: 0, flags: 0x04, index: imported + 1, name: Some("g".into()) });

    // Body of f: each marker called on constants, its results dropped, with
    // a memory-0 load and a call of g in between.
    let mut body = vec![0x00]; // no locals
    let mut relocs = Vec::new(); // (offset in body, symbol)
    for (i, m) in markers.iter().enumerate() {
        if rng.chance(3) {
            body.extend_from_slice(&[0x41, 0x00, 0x28, 0x02, 0x00, 0x1a]); // i32.load; drop
        }
        if rng.chance(3) {
            body.push(0x10);
            relocs.push((body.len(), f_symbol + 1));
            super::wasm::write_padded_leb(&mut body, (imported + 1) as u64, 5);
        }
        for p in m.op.params {
            constant(*p, &mut body);
        }
        body.push(0x10);
        relocs.push((body.len(), i as u32));
        super::wasm::write_padded_leb(&mut body, i as u64, 5);
        body.extend(std::iter::repeat_n(0x1a, m.op.results.len()));
    }
    body.push(0x0b);
    let g_body = [0x00, 0x0b];
    let mut code = super::wasm::leb(2);
    super::wasm::write_leb(&mut code, body.len() as u64);
    let body_start = code.len();
    code.extend_from_slice(&body);
    super::wasm::write_leb(&mut code, g_body.len() as u64);
    code.extend_from_slice(&g_body);

    // Data: an ordinary segment, and memory-N ones named as the IR pass
    // names them (initialized, and zero-initialized with a placeholder).
    let mut segments = Vec::new();
    let mut data = Vec::new();
    let segment_count = rng.below(4);
    for s in 0..segment_count {
        let (name, bytes): (String, Vec<u8>) = match rng.below(4) {
            0 => (format!(".data.d{s}"), vec![1, 2, 3, 4]),
            1 => (format!(".mmcc.m{}.data.d{s}", 1 + rng.below(3)), vec![5, 6, 7, 8]),
            2 => (format!(".mmcc.m@arr.data.d{s}"), vec![9; 8]),
            _ => (format!(".mmcc.m{}.bss.{}.d{s}", 1 + rng.below(3), 1 + rng.below(1 << 20)), vec![0]),
        };
        data.push(0x00); // active, memory 0, i32.const offset
        data.extend_from_slice(&[0x41]);
        super::wasm::write_leb(&mut data, (s * 16) as u64);
        data.push(0x0b);
        super::wasm::write_leb(&mut data, bytes.len() as u64);
        data.extend_from_slice(&bytes);
        symbols.push(Symbol::Data { flags: 0, name: format!("d{s}"), definition: Some((s as u32, 0, bytes.len() as u32)) });
        segments.push(SegmentInfo { name, alignment: 2, flags: 0 });
    }

    let mut module = Module::new();
    module.section(&types).section(&imports).section(&functions);
    // Sections are numbered in file order, custom ones included.
    let mut section_count = 3;
    if segment_count > 0 {
        module.section(&wasm_encoder::DataCountSection { count: segment_count as u32 });
        section_count += 1;
    }
    module.section(&RawSection { id: 10, data: &code });
    let code_index = section_count;
    if segment_count > 0 {
        let mut section = super::wasm::leb(segment_count as u64);
        section.extend_from_slice(&data);
        module.section(&RawSection { id: 11, data: &section });
    }
    let linking = LinkingSection {
        segments: (!segments.is_empty()).then_some(segments),
        init_funcs: rng.chance(4).then(|| vec![(65535, f_symbol)]),
        comdats: None,
        symbols: Some(symbols),
        unknown: Vec::new(),
    };
    module.section(&CustomSection { name: "linking".into(), data: linking.encode().into() });
    let entries = relocs
        .iter()
        .map(|&(at, symbol)| RelocationEntry { ty: RelocationType::FunctionIndexLeb, offset: (body_start + at) as u32, index: symbol, addend: 0 })
        .collect();
    let reloc = RelocSection { target_section: code_index, entries };
    module.section(&CustomSection { name: "reloc.CODE".into(), data: reloc.encode().into() });
    module.finish()
}
