//! Just enough of the binary format to mutate files by their structure:
//! the top-level sections, LEB128 fields, custom sections and function
//! bodies. Every reader here returns None on anything malformed, since
//! mutated inputs are read as well as pristine ones.

/// One top-level section: `header` is where its id byte is, `content` its
/// bytes after the size field.
#[derive(Clone, Debug)]
pub struct Section {
    pub id: u8,
    pub header: usize,
    pub content: std::ops::Range<usize>,
}

impl Section {
    /// The whole section, id and size included.
    pub fn whole(&self) -> std::ops::Range<usize> {
        self.header..self.content.end
    }
}

/// An unsigned LEB128 at `at`: (value, length in bytes).
pub fn read_leb(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for i in 0..10 {
        let byte = *bytes.get(at + i)?;
        value |= ((byte & 0x7f) as u64) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

pub use mmcc::marker::write_u64 as write_leb;

/// A LEB128 padded to `len` bytes (the form relocatable fields use).
pub fn write_padded_leb(out: &mut Vec<u8>, mut value: u64, len: usize) {
    for i in 0..len {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        out.push(if i + 1 < len { byte | 0x80 } else { byte });
    }
}

pub fn leb(value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    write_leb(&mut out, value);
    out
}

/// The sections of a module or object, if its framing is intact.
pub fn sections(bytes: &[u8]) -> Option<Vec<Section>> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return None;
    }
    let mut at = 8;
    let mut out = Vec::new();
    while at < bytes.len() {
        let id = bytes[at];
        let (size, len) = read_leb(bytes, at + 1)?;
        let start = at + 1 + len;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        if end > bytes.len() {
            return None;
        }
        out.push(Section { id, header: at, content: start..end });
        at = end;
    }
    Some(out)
}

/// A custom section's name and where its payload (after the name) starts.
pub fn custom_name(bytes: &[u8], s: &Section) -> Option<(String, usize)> {
    if s.id != 0 {
        return None;
    }
    let (len, n) = read_leb(bytes, s.content.start)?;
    let name_start = s.content.start + n;
    let name_end = name_start.checked_add(usize::try_from(len).ok()?)?;
    if name_end > s.content.end {
        return None;
    }
    Some((String::from_utf8(bytes[name_start..name_end].to_vec()).ok()?, name_end))
}

/// Finds the custom section `name`.
pub fn find_custom(bytes: &[u8], name: &str) -> Option<(Section, usize)> {
    sections(bytes)?.into_iter().find_map(|s| {
        let (n, payload) = custom_name(bytes, &s)?;
        (n == name).then_some((s, payload))
    })
}

pub fn section_bytes(id: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![id];
    write_leb(&mut out, content.len() as u64);
    out.extend_from_slice(content);
    out
}

pub fn custom_bytes(name: &str, payload: &[u8]) -> Vec<u8> {
    let mut content = leb(name.len() as u64);
    content.extend_from_slice(name.as_bytes());
    content.extend_from_slice(payload);
    section_bytes(0, &content)
}

/// `bytes` with `range` replaced by `with`.
pub fn splice(bytes: &[u8], range: std::ops::Range<usize>, with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + with.len());
    out.extend_from_slice(&bytes[..range.start]);
    out.extend_from_slice(with);
    out.extend_from_slice(&bytes[range.end..]);
    out
}

/// The code section's function bodies: (range of the size field and body
/// together, range of the body), or None if the section is malformed.
pub fn bodies(bytes: &[u8], code: &Section) -> Option<Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>> {
    let (count, n) = read_leb(bytes, code.content.start)?;
    let mut at = code.content.start + n;
    let mut out = Vec::new();
    for _ in 0..count.min(1 << 20) {
        let (size, n) = read_leb(bytes, at)?;
        let start = at + n;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        if end > code.content.end {
            return None;
        }
        out.push((at..end, start..end));
        at = end;
    }
    Some(out)
}

/// The code section with function body `index` replaced by `body`, sizes
/// (the body's and the section's) written again, so the framing stays
/// intact.
pub fn replace_body(bytes: &[u8], code: &Section, index: usize, body: &[u8]) -> Option<Vec<u8>> {
    let list = bodies(bytes, code)?;
    let (count, n) = read_leb(bytes, code.content.start)?;
    let mut content = leb(count);
    for (i, (whole, _)) in list.iter().enumerate() {
        if i == index {
            write_leb(&mut content, body.len() as u64);
            content.extend_from_slice(body);
        } else {
            content.extend_from_slice(&bytes[whole.clone()]);
        }
    }
    let trailing = list.last().map(|(_, b)| b.end).unwrap_or(code.content.start + n);
    content.extend_from_slice(&bytes[trailing..code.content.end]);
    Some(splice(bytes, code.whole(), &section_bytes(10, &content)))
}
