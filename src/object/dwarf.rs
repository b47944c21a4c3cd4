//! Debug info that stays exact when the object writer grows code.
//!
//! Replacing a marker call (6 bytes) by the memory-indexed instruction it
//! stands for moves every later instruction of the function. DWARF names
//! code positions in three ways, and each is kept exact:
//! - relocations against a function (`R_WASM_FUNCTION_OFFSET_I32`: a
//!   function's start, a range's ends) get moved addends in the object
//!   writer itself;
//! - a line program names its rows by address *deltas* from a relocated
//!   `DW_LNE_set_address`: [`rewrite_line_programs`] decodes every line
//!   program and writes it again with the moved addresses;
//! - a function's `DW_AT_high_pc` is its size, and a location list's
//!   entries are offsets from a base address: [`patch_sizes_and_locations`]
//!   rewrites them in place (same encoding sizes).
//!
//! `map(symbol, offset)` gives the new offset, in the body of the function
//! a relocation's (old) symbol names, of the byte at old `offset`.

use anyhow::{bail, ensure, Context, Result};
use wasmparser::{RelocationEntry, RelocationType};

/// Maps an offset in the body of the function a symbol names.
pub type OffsetMap<'a> = dyn Fn(u32, i64) -> Result<i64> + 'a;

/// The result of rewriting `.debug_line`.
pub struct LinePrograms {
    pub bytes: Vec<u8>,
    /// Its relocations, at their new offsets (symbols not renumbered).
    pub relocs: Vec<RelocationEntry>,
    /// (old offset, new offset) of every line program (for `DW_AT_stmt_list`).
    pub units: Vec<(u32, u32)>,
}

impl LinePrograms {
    /// The new offset of a line program that started at `old`.
    pub fn unit_offset(&self, old: u32) -> Option<u32> {
        self.units.iter().find(|(o, _)| *o == old).map(|(_, n)| *n)
    }
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn u8(&mut self) -> Result<u8> {
        let b = *self.data.get(self.at).context("truncated line program")?;
        self.at += 1;
        Ok(b)
    }
    fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes([self.u8()?, self.u8()?]))
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes([self.u8()?, self.u8()?, self.u8()?, self.u8()?]))
    }
    fn uleb(&mut self) -> Result<u64> {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let b = self.u8()?;
            ensure!(shift < 64, "overlong LEB128 in a line program");
            v |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
    }
    fn sleb(&mut self) -> Result<i64> {
        let (mut v, mut shift) = (0i64, 0);
        loop {
            let b = self.u8()?;
            ensure!(shift < 64, "overlong LEB128 in a line program");
            v |= i64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    v |= -1 << shift;
                }
                return Ok(v);
            }
        }
    }
}

fn write_uleb(out: &mut Vec<u8>, v: u64) {
    crate::marker::write_u64(out, v)
}

fn write_sleb(out: &mut Vec<u8>, v: i64) {
    super::linking::write_i64(out, v)
}

const DW_LNS_COPY: u8 = 1;
const DW_LNS_ADVANCE_PC: u8 = 2;
const DW_LNS_ADVANCE_LINE: u8 = 3;
const DW_LNS_CONST_ADD_PC: u8 = 8;
const DW_LNS_FIXED_ADVANCE_PC: u8 = 9;
const DW_LNE_END_SEQUENCE: u8 = 1;
const DW_LNE_SET_ADDRESS: u8 = 2;

/// Rewrites every line program of a `.debug_line` section so that each row
/// names the address its instruction has after the object writer's
/// replacements. Headers are copied byte for byte; in the programs, each
/// address advance is written again for the moved address (as a special
/// opcode where one fits, as LLVM writes them).
pub fn rewrite_line_programs(data: &[u8], relocs: &[RelocationEntry], map: &OffsetMap) -> Result<LinePrograms> {
    let mut relocs = relocs.to_vec();
    relocs.sort_by_key(|r| r.offset);
    let reloc_at = |offset: usize| relocs.iter().find(|r| r.offset as usize == offset);
    let mut out = LinePrograms { bytes: Vec::with_capacity(data.len() + 64), relocs: Vec::new(), units: Vec::new() };
    let mut unit_start = 0usize;
    while unit_start < data.len() {
        let mut r = Reader { data, at: unit_start };
        let unit_length = r.u32()? as usize;
        ensure!(unit_length != 0xffff_ffff, "64-bit DWARF line programs are not supported");
        let unit_end = unit_start + 4 + unit_length;
        ensure!(unit_end <= data.len(), "a line program runs past the end of .debug_line");
        let version = r.u16()?;
        ensure!((2..=5).contains(&version), "line program version {version} is not supported");
        if version >= 5 {
            let (address_size, _segment_selector_size) = (r.u8()?, r.u8()?);
            ensure!(address_size == 4, "line program with {address_size}-byte addresses (wasm32 has 4)");
        }
        let header_length = r.u32()? as usize;
        let program_start = r.at + header_length;
        ensure!(program_start <= unit_end, "a line program's header runs past its end");
        let min_inst_length = r.u8()? as u64;
        if version >= 4 {
            let max_ops = r.u8()?;
            ensure!(max_ops == 1, "VLIW line programs are not supported");
        }
        let _default_is_stmt = r.u8()?;
        let line_base = r.u8()? as i8 as i64;
        let line_range = r.u8()? as u64;
        let opcode_base = r.u8()?;
        ensure!(line_range > 0 && opcode_base > 0 && min_inst_length > 0, "malformed line program header");
        let mut standard_lengths = vec![0u8; opcode_base as usize];
        for length in standard_lengths.iter_mut().skip(1) {
            *length = r.u8()?;
        }

        // The header, unchanged but for unit_length (written at the end).
        let new_start = out.bytes.len();
        out.units.push((unit_start as u32, new_start as u32));
        out.bytes.extend_from_slice(&data[unit_start..program_start]);
        for reloc in relocs.iter().filter(|x| (unit_start..program_start).contains(&(x.offset as usize))) {
            out.relocs.push(RelocationEntry { offset: (reloc.offset as usize - unit_start + new_start) as u32, ..*reloc });
        }

        // The program: the state machine's address as (function symbol,
        // old offset), and the last address written, as (new offset).
        r.at = program_start;
        let mut function: Option<u32> = None;
        let mut old_address: i64 = 0;
        let mut written: i64 = 0;
        let mut pending_line: i64 = 0;
        let emit_advance = |out: &mut Vec<u8>, function: Option<u32>, old: i64, written: &mut i64, line: &mut i64, row: bool| -> Result<()> {
            let target = match function {
                Some(f) => map(f, old)?,
                None => old,
            };
            let delta = target - *written;
            ensure!(delta >= 0, "a line program's address moves backwards");
            ensure!(delta as u64 % min_inst_length == 0, "an address advance is not a multiple of the instruction length");
            let advance = delta as u64 / min_inst_length;
            let line_ok = *line >= line_base && *line < line_base + line_range as i64;
            let special = |advance: u64| (*line - line_base) as u64 + line_range * advance + opcode_base as u64;
            if row && line_ok && special(advance) <= 255 {
                out.push(special(advance) as u8);
            } else {
                if advance > 0 {
                    out.push(DW_LNS_ADVANCE_PC);
                    write_uleb(out, advance);
                }
                if row {
                    if line_ok && special(0) <= 255 {
                        out.push(special(0) as u8);
                    } else {
                        if *line != 0 {
                            out.push(DW_LNS_ADVANCE_LINE);
                            write_sleb(out, *line);
                        }
                        out.push(DW_LNS_COPY);
                    }
                } else if *line != 0 {
                    out.push(DW_LNS_ADVANCE_LINE);
                    write_sleb(out, *line);
                }
            }
            *written = target;
            *line = 0;
            Ok(())
        };
        while r.at < unit_end {
            let op_start = r.at;
            let opcode = r.u8()?;
            if opcode >= opcode_base {
                let adjusted = (opcode - opcode_base) as u64;
                old_address += ((adjusted / line_range) * min_inst_length) as i64;
                pending_line += line_base + (adjusted % line_range) as i64;
                emit_advance(&mut out.bytes, function, old_address, &mut written, &mut pending_line, true)?;
                continue;
            }
            match opcode {
                0 => {
                    let length = r.uleb()? as usize;
                    let body = r.at;
                    ensure!(length > 0 && body + length <= unit_end, "malformed extended opcode in a line program");
                    let sub = r.u8()?;
                    match sub {
                        DW_LNE_END_SEQUENCE => {
                            emit_advance(&mut out.bytes, function, old_address, &mut written, &mut pending_line, false)?;
                            out.bytes.extend_from_slice(&data[op_start..body + length]);
                            function = None;
                            old_address = 0;
                            written = 0;
                        }
                        DW_LNE_SET_ADDRESS => {
                            ensure!(length == 5, "DW_LNE_set_address with a {}-byte address", length - 1);
                            if pending_line != 0 {
                                // A line advance before the address is set
                                // belongs to the next row; write it as is.
                                out.bytes.push(DW_LNS_ADVANCE_LINE);
                                write_sleb(&mut out.bytes, pending_line);
                                pending_line = 0;
                            }
                            let operand = r.at;
                            let value = r.u32()?;
                            let reloc = reloc_at(operand);
                            out.bytes.extend_from_slice(&data[op_start..operand]);
                            let operand_out = out.bytes.len();
                            out.bytes.extend_from_slice(&value.to_le_bytes());
                            match reloc {
                                Some(x) if matches!(x.ty, RelocationType::FunctionOffsetI32) => {
                                    function = Some(x.index);
                                    old_address = x.addend;
                                    written = map(x.index, x.addend)?;
                                    out.relocs.push(RelocationEntry { offset: operand_out as u32, addend: written, ..*x });
                                }
                                Some(x) => bail!("DW_LNE_set_address with a {:?} relocation", x.ty),
                                None => {
                                    function = None;
                                    old_address = value as i64;
                                    written = old_address;
                                }
                            }
                        }
                        _ => out.bytes.extend_from_slice(&data[op_start..body + length]),
                    }
                    r.at = body + length;
                }
                DW_LNS_COPY => emit_advance(&mut out.bytes, function, old_address, &mut written, &mut pending_line, true)?,
                DW_LNS_ADVANCE_PC => old_address += (r.uleb()? * min_inst_length) as i64,
                DW_LNS_ADVANCE_LINE => pending_line += r.sleb()?,
                DW_LNS_CONST_ADD_PC => old_address += (((255 - opcode_base) as u64 / line_range) * min_inst_length) as i64,
                DW_LNS_FIXED_ADVANCE_PC => old_address += r.u16()? as i64,
                _ => {
                    // Everything else sets state without moving the
                    // address or adding a row: copied as is (a line
                    // advance is written before it, in order).
                    for _ in 0..standard_lengths[opcode as usize] {
                        r.uleb()?;
                    }
                    if pending_line != 0 {
                        out.bytes.push(DW_LNS_ADVANCE_LINE);
                        write_sleb(&mut out.bytes, pending_line);
                        pending_line = 0;
                    }
                    out.bytes.extend_from_slice(&data[op_start..r.at]);
                }
            }
        }
        ensure!(r.at == unit_end, "a line program's last opcode runs past its end");
        let length = (out.bytes.len() - new_start - 4) as u32;
        out.bytes[new_start..new_start + 4].copy_from_slice(&length.to_le_bytes());
        unit_start = unit_end;
    }
    Ok(out)
}

/// The debug sections [`patch_sizes_and_locations`] reads and patches.
pub struct DebugSections<'a> {
    pub info: &'a mut [u8],
    /// `.debug_info`'s relocations (old symbols, old addends).
    pub info_relocs: &'a [RelocationEntry],
    pub abbrev: &'a [u8],
    /// `.debug_loc` and `.debug_ranges` (DWARF 4), with their relocations.
    pub loc: Option<(&'a mut [u8], &'a [RelocationEntry])>,
    pub ranges: Option<(&'a mut [u8], &'a [RelocationEntry])>,
}

/// Where an attribute's value is, in `.debug_info`.
struct AttributeAt {
    name: gimli::DwAt,
    form: gimli::DwForm,
    at: usize,
    value: Option<u64>,
}

/// Patches, in place, what names code by size or by offset from a base:
/// `DW_AT_high_pc` given as a size (a function's, a lexical block's, an
/// inlined call's), and the entries of DWARF 4 location and range lists
/// that are offsets from their unit's base address. Addresses with
/// relocations are the object writer's (their addends move).
#[allow(non_upper_case_globals)]
pub fn patch_sizes_and_locations(sections: DebugSections, map: &OffsetMap) -> Result<()> {
    use gimli::{constants::*, LittleEndian};
    let reloc_at = |relocs: &[RelocationEntry], at: usize| relocs.iter().find(|r| r.offset as usize == at).copied();
    let info_copy = sections.info.to_vec();
    let debug_info = gimli::DebugInfo::new(&info_copy, LittleEndian);
    let debug_abbrev = gimli::DebugAbbrev::new(sections.abbrev, LittleEndian);
    let DebugSections { info, info_relocs, loc, ranges, .. } = sections;
    let (mut loc, mut ranges) = (loc, ranges);
    let mut units = debug_info.units();
    while let Some(header) = units.next()? {
        ensure!(header.encoding().address_size == 4, "debug info with {}-byte addresses", header.encoding().address_size);
        let version = header.encoding().version;
        let abbreviations = header.abbreviations(&debug_abbrev)?;
        let mut entries = header.entries_raw(&abbreviations, None)?;
        // The unit's base address: its DW_AT_low_pc, as (function, offset).
        let mut base: Option<(u32, i64)> = None;
        let mut first = true;
        while !entries.is_empty() {
            let Some(abbrev) = entries.read_abbreviation()? else { continue };
            let mut attributes = Vec::new();
            for spec in abbrev.attributes() {
                let at = entries.next_offset().to_debug_info_offset(&header).context("not a .debug_info unit")?.0;
                let attr = entries.read_attribute(*spec)?;
                attributes.push(AttributeAt { name: attr.name(), form: spec.form(), at, value: attr.udata_value() });
            }
            let find = |name| attributes.iter().find(|a| a.name == name);
            let low = find(DW_AT_low_pc).and_then(|a| reloc_at(info_relocs, a.at));
            let low = low.filter(|r| matches!(r.ty, RelocationType::FunctionOffsetI32)).map(|r| (r.index, r.addend));
            if first {
                base = low;
                first = false;
            }
            if let (Some((function, start)), Some(high)) = (low, find(DW_AT_high_pc)) {
                if high.form != DW_FORM_addr {
                    let size = high.value.context("DW_AT_high_pc without a value")? as i64;
                    let new = map(function, start + size)? - map(function, start)?;
                    write_constant(info, high.at, high.form, new as u64)?;
                }
            }
            for (name, list) in [(DW_AT_location, &mut loc), (DW_AT_ranges, &mut ranges)] {
                let Some(a) = find(name) else { continue };
                if version >= 5 || !matches!(a.form, DW_FORM_sec_offset | DW_FORM_data4) {
                    continue; // an expression, or DWARF 5 lists (their own sections)
                }
                let Some((bytes, relocs)) = list.as_mut() else { continue };
                // In an object the list's offset is a relocation's addend.
                let offset = match reloc_at(info_relocs, a.at) {
                    Some(r) => r.addend as usize,
                    None => a.value.unwrap_or(0) as usize,
                };
                patch_list(bytes, relocs, offset, base, name == DW_AT_location, map)?;
            }
        }
    }
    Ok(())
}

/// Rewrites one DWARF 4 location or range list at `offset`: entries are
/// offsets from the base address (the unit's, or the last base address
/// selection entry's) unless they have relocations of their own.
fn patch_list(bytes: &mut [u8], relocs: &[RelocationEntry], offset: usize, mut base: Option<(u32, i64)>, locations: bool, map: &OffsetMap) -> Result<()> {
    let reloc_at = |at: usize| relocs.iter().find(|r| r.offset as usize == at).copied();
    let u32_at = |bytes: &[u8], at: usize| -> Result<u32> {
        let b = bytes.get(at..at + 4).context("a location or range list runs past its section")?;
        Ok(u32::from_le_bytes(b.try_into().expect("4 bytes")))
    };
    let mut at = offset;
    loop {
        let (begin, end) = (u32_at(bytes, at)?, u32_at(bytes, at + 4)?);
        if begin == 0 && end == 0 && reloc_at(at).is_none() {
            return Ok(());
        }
        if begin == u32::MAX {
            // Base address selection: the new base is the second word.
            base = reloc_at(at + 4).filter(|r| matches!(r.ty, RelocationType::FunctionOffsetI32)).map(|r| (r.index, r.addend));
            at += 8;
            continue;
        }
        if reloc_at(at).is_none() && reloc_at(at + 4).is_none() {
            if let Some((function, start)) = base {
                let origin = map(function, start)?;
                let new_begin = map(function, start + begin as i64)? - origin;
                let new_end = map(function, start + end as i64)? - origin;
                bytes[at..at + 4].copy_from_slice(&(new_begin as u32).to_le_bytes());
                bytes[at + 4..at + 8].copy_from_slice(&(new_end as u32).to_le_bytes());
            }
        }
        at += 8;
        if locations {
            let b = bytes.get(at..at + 2).context("a location list runs past its section")?;
            at += 2 + u16::from_le_bytes([b[0], b[1]]) as usize;
        }
    }
}

/// Writes a constant attribute value in place, in its form's size.
#[allow(non_upper_case_globals)]
fn write_constant(info: &mut [u8], at: usize, form: gimli::DwForm, value: u64) -> Result<()> {
    use gimli::constants::*;
    let size = match form {
        DW_FORM_data1 => 1,
        DW_FORM_data2 => 2,
        DW_FORM_data4 => 4,
        DW_FORM_data8 => 8,
        other => bail!("DW_AT_high_pc in form {other} cannot be patched in place"),
    };
    ensure!(size == 8 || value < 1 << (8 * size), "a function's new size does not fit its DW_AT_high_pc");
    let slot = info.get_mut(at..at + size).context("DW_AT_high_pc past the end of .debug_info")?;
    slot.copy_from_slice(&value.to_le_bytes()[..size]);
    Ok(())
}
