//! Unix archives (`.a`) of wasm objects: reading their members, and writing
//! an archive with the symbol index wasm-ld needs to find members (the GNU
//! format that llvm-ar writes, with `/` and `//` members).
//!
//! Retargeting an archive (`--in-memory=K libz.a`) rewrites every member,
//! and with it the names in the index, so the archive is written anew.

use super::linking::{LinkingSection, Symbol, WASM_SYM_UNDEFINED};
use anyhow::{bail, Context, Result};

pub const MAGIC: &[u8] = b"!<arch>\n";

/// A member: its file name and contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub data: Vec<u8>,
}

/// The members of an archive in order, without the symbol index and the
/// long-name table.
pub fn read(bytes: &[u8]) -> Result<Vec<Member>> {
    if !bytes.starts_with(MAGIC) {
        bail!("not an archive");
    }
    let mut members = Vec::new();
    let mut long_names: &[u8] = &[];
    let mut at = MAGIC.len();
    while at < bytes.len() {
        if bytes[at] == b'\n' {
            at += 1; // padding
            continue;
        }
        let header = bytes.get(at..at + 60).context("truncated archive member header")?;
        if &header[58..60] != b"`\n" {
            bail!("malformed archive member header at offset {at}");
        }
        let size: usize = std::str::from_utf8(&header[48..58])
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .with_context(|| format!("malformed member size at offset {at}"))?;
        let start = at + 60;
        let data = bytes.get(start..start + size).context("truncated archive member")?;
        let raw_name = std::str::from_utf8(&header[..16]).unwrap_or("").trim_end();
        at = start + size + (size & 1);
        let name = match raw_name {
            "/" | "/SYM64/" | "__.SYMDEF" | "__.SYMDEF SORTED" => continue,
            "//" => {
                long_names = data;
                continue;
            }
            _ if raw_name.starts_with('/') => {
                let offset: usize = raw_name[1..].parse().with_context(|| format!("malformed member name `{raw_name}`"))?;
                let rest = long_names.get(offset..).context("member name outside the long-name table")?;
                let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                String::from_utf8_lossy(&rest[..end]).trim_end_matches('/').to_string()
            }
            _ if raw_name.starts_with("#1/") => {
                // BSD: the name is the first bytes of the data.
                let len: usize = raw_name[3..].parse().context("malformed BSD member name")?;
                let name = String::from_utf8_lossy(data.get(..len).context("truncated BSD member name")?)
                    .trim_end_matches('\0')
                    .to_string();
                members.push(Member { name, data: data[len..].to_vec() });
                continue;
            }
            _ => raw_name.trim_end_matches('/').to_string(),
        };
        members.push(Member { name, data: data.to_vec() });
    }
    Ok(members)
}

/// The names in an archive's symbol index (the GNU `/` member), without
/// reading its members.
pub fn index(bytes: &[u8]) -> Result<Vec<String>> {
    if !bytes.starts_with(MAGIC) || bytes.len() < MAGIC.len() + 60 {
        bail!("not an archive");
    }
    let header = &bytes[MAGIC.len()..MAGIC.len() + 60];
    if !header.starts_with(b"/ ") {
        return Ok(Vec::new());
    }
    let size: usize = std::str::from_utf8(&header[48..58]).ok().and_then(|s| s.trim().parse().ok()).context("malformed index size")?;
    let data = bytes.get(MAGIC.len() + 60..MAGIC.len() + 60 + size).context("truncated archive index")?;
    let count = u32::from_be_bytes(data.get(..4).context("truncated archive index")?.try_into().unwrap()) as usize;
    let names = data.get(4 + 4 * count..).context("truncated archive index")?;
    Ok(names.split(|b| *b == 0).filter(|n| !n.is_empty()).map(|n| String::from_utf8_lossy(n).into_owned()).take(count).collect())
}

/// The symbols a wasm object defines for other objects (what an archive
/// index lists): defined, not local.
pub fn defined_symbols(object: &[u8]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(object) {
        let wasmparser::Payload::CustomSection(reader) = payload? else { continue };
        if reader.name() != "linking" {
            continue;
        }
        let linking = LinkingSection::parse(reader.data(), reader.data_offset() as usize)?;
        for symbol in linking.symbols.iter().flatten() {
            let flags = match symbol {
                Symbol::Indexed { flags, .. } | Symbol::Data { flags, .. } => *flags,
                Symbol::Section { .. } => continue,
            };
            if flags & (WASM_SYM_UNDEFINED | WASM_SYM_BINDING_LOCAL) != 0 {
                continue;
            }
            if let Some(name) = symbol.name() {
                names.push(name.to_string());
            }
        }
    }
    Ok(names)
}

const WASM_SYM_BINDING_LOCAL: u32 = 0x02;

/// Writes a GNU archive of `members` with a symbol index of the symbols
/// their wasm objects define.
pub fn write(members: &[Member]) -> Result<Vec<u8>> {
    let mut symbols: Vec<(usize, String)> = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if m.data.starts_with(b"\0asm") {
            for name in defined_symbols(&m.data).with_context(|| format!("member {}", m.name))? {
                symbols.push((i, name));
            }
        }
    }
    // Long names: those that do not fit the header's 15 characters (+ '/').
    let mut long_names = Vec::new();
    let mut header_names = Vec::new();
    for m in members {
        if m.name.len() <= 15 && !m.name.contains('/') {
            header_names.push(format!("{}/", m.name));
        } else {
            header_names.push(format!("/{}", long_names.len()));
            long_names.extend_from_slice(m.name.as_bytes());
            long_names.extend_from_slice(b"/\n");
        }
    }
    let index_size = 4 + 4 * symbols.len() + symbols.iter().map(|(_, n)| n.len() + 1).sum::<usize>();
    let padded = |n: usize| n + (n & 1);
    let mut offset = MAGIC.len() + 60 + padded(index_size);
    if !long_names.is_empty() {
        offset += 60 + padded(long_names.len());
    }
    let mut member_offsets = Vec::new();
    for m in members {
        member_offsets.push(offset);
        offset += 60 + padded(m.data.len());
    }
    let mut out = Vec::with_capacity(offset);
    out.extend_from_slice(MAGIC);
    let mut index = Vec::with_capacity(index_size);
    index.extend_from_slice(&(symbols.len() as u32).to_be_bytes());
    for (i, _) in &symbols {
        let at = u32::try_from(member_offsets[*i]).context("an archive larger than 4 GiB")?;
        index.extend_from_slice(&at.to_be_bytes());
    }
    for (_, name) in &symbols {
        index.extend_from_slice(name.as_bytes());
        index.push(0);
    }
    write_member(&mut out, "/", &index);
    if !long_names.is_empty() {
        write_member(&mut out, "//", &long_names);
    }
    for (m, name) in members.iter().zip(&header_names) {
        write_member(&mut out, name, &m.data);
    }
    Ok(out)
}

fn write_member(out: &mut Vec<u8>, name: &str, data: &[u8]) {
    // Deterministic: no dates, owners or modes.
    let header = format!("{name:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n", 0, 0, 0, 644, data.len());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_long_names() {
        let members = vec![
            Member { name: "a.o".into(), data: b"abc".to_vec() },
            Member { name: "a-rather-long-member-name.o".into(), data: b"defg".to_vec() },
        ];
        let bytes = write(&members).unwrap();
        assert_eq!(read(&bytes).unwrap(), members);
        // Not wasm objects: an empty index.
        assert!(index(&bytes).unwrap().is_empty());
        assert!(read(b"not an archive").is_err());
        // A truncated archive is an error, not a panic.
        assert!(read(&bytes[..bytes.len() - 3]).is_err());
    }
}
