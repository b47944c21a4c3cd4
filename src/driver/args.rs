//! Command-line parsing, clang style.
//!
//! clang's options are single-dash words with joined or separate values
//! (`-O2`, `-std=c11`, `-I dir`, `-Wl,--foo`, `-fno-exceptions`), which an
//! argument parser for GNU-style options (clap) cannot express. So, like
//! clang's own OptTable, a table of option *prefixes* says what each option
//! takes and which stage it goes to.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// What kind of file an input is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    C,
    Cxx,
    /// A wasm object or archive: goes to the linker.
    Linker,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkItem {
    /// The object compiled from `inputs[i]`.
    Source(usize),
    /// A file or a -l/-L flag, as given, and the memory `--in-memory=`
    /// put it in (0: the default memory, as it is).
    Arg(String, u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    pub language: Language,
    /// The memory the input's code and data go to (`--in-memory=K` before
    /// it); 0 is the default memory, where code goes as it is.
    pub memory: u32,
}

/// Where the driver stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Compile and link (no -c/-E/-S).
    Link,
    /// `-c`: multi-memory object files.
    Compile,
    /// `-E`: preprocess only (clang does it).
    Preprocess,
    /// `-fsyntax-only`: check the source, including the plugin's checks.
    SyntaxOnly,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    pub mode: Mode,
    pub inputs: Vec<Input>,
    pub output: Option<PathBuf>,
    /// Flags for clang's compile step, in order.
    pub compile_flags: Vec<String>,
    /// Flags for the link step (clang's link driver), in order.
    pub link_flags: Vec<String>,
    /// What the linker gets, in command-line order (order matters for
    /// archives): sources (as their objects), object files, archives, -l/-L.
    pub link_items: Vec<LinkItem>,
    pub verbose: bool,
    /// `-O` level as given (`0`, `1`, `2`, `3`, `s`, `z`).
    pub opt_level: String,
    /// `-g` (not `-g0`) was given.
    pub debug_info: bool,
    /// `-m` feature flags, last one wins per feature.
    pub features: Vec<(String, bool)>,
    /// `--memory=N:...` declarations, passed to the linker.
    pub memory_specs: Vec<String>,
    /// Whether `--in-memory=` was given at all.
    pub in_memory_given: bool,
    /// Invoked as mmcc++ (or `--driver-mode=g++`): C++ by default, link libc++.
    pub cxx_driver: bool,
    /// `-mno-multimemory`: lower the linked module to one memory.
    pub single_memory: bool,
    pub save_temps: bool,
    pub print_help: bool,
    pub print_version: bool,
}

/// How an option takes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Takes {
    /// No value (`-c`).
    Nothing,
    /// Value in the same argument (`-O2`, `-std=c11`, `-Wl,x`).
    Joined,
    /// Value joined or in the next argument (`-I dir`, `-Idir`).
    JoinedOrSeparate,
    /// Value in the next argument only (`-Xlinker x`).
    Separate,
}

/// Which stage an option goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Goes {
    Compile,
    Link,
    Both,
    Driver,
}

/// Option prefixes, longest match wins. Exact-only options end in `$`.
const OPTIONS: &[(&str, Takes, Goes)] = &[
    ("-c$", Takes::Nothing, Goes::Driver),
    ("-E$", Takes::Nothing, Goes::Driver),
    ("-v$", Takes::Nothing, Goes::Driver),
    ("-o", Takes::JoinedOrSeparate, Goes::Driver),
    ("-x", Takes::JoinedOrSeparate, Goes::Driver),
    ("-O", Takes::Joined, Goes::Compile),
    ("-g", Takes::Joined, Goes::Compile),
    ("-I", Takes::JoinedOrSeparate, Goes::Compile),
    ("-D", Takes::JoinedOrSeparate, Goes::Compile),
    ("-U", Takes::JoinedOrSeparate, Goes::Compile),
    ("-include", Takes::JoinedOrSeparate, Goes::Compile),
    ("-isystem", Takes::JoinedOrSeparate, Goes::Compile),
    ("-iquote", Takes::JoinedOrSeparate, Goes::Compile),
    ("-idirafter", Takes::JoinedOrSeparate, Goes::Compile),
    ("-std=", Takes::Joined, Goes::Compile),
    // What the preprocessor prints (-E -dM lists the predefined macros),
    // and dependency files for build systems (-MD -MF deps.d).
    ("-dM$", Takes::Nothing, Goes::Compile),
    ("-dD$", Takes::Nothing, Goes::Compile),
    ("-P$", Takes::Nothing, Goes::Compile),
    ("-C$", Takes::Nothing, Goes::Compile),
    ("-MD$", Takes::Nothing, Goes::Compile),
    ("-MMD$", Takes::Nothing, Goes::Compile),
    ("-MP$", Takes::Nothing, Goes::Compile),
    ("-MF", Takes::JoinedOrSeparate, Goes::Compile),
    ("-MT", Takes::JoinedOrSeparate, Goes::Compile),
    ("-MQ", Takes::JoinedOrSeparate, Goes::Compile),
    ("-stdlib=", Takes::Joined, Goes::Both),
    ("-Wl,", Takes::Joined, Goes::Link),
    ("-W", Takes::Joined, Goes::Compile),
    ("-w$", Takes::Nothing, Goes::Compile),
    ("-pedantic", Takes::Joined, Goes::Compile),
    ("-ansi$", Takes::Nothing, Goes::Compile),
    ("-fsyntax-only$", Takes::Nothing, Goes::Driver),
    ("-fuse-ld=", Takes::Joined, Goes::Driver),
    ("-f", Takes::Joined, Goes::Compile),
    ("-m", Takes::Joined, Goes::Compile),
    ("-mexec-model=", Takes::Joined, Goes::Link),
    ("-pthread$", Takes::Nothing, Goes::Both),
    ("-nostdinc", Takes::Joined, Goes::Compile),
    ("-nostdlib", Takes::Joined, Goes::Link),
    ("-nostartfiles$", Takes::Nothing, Goes::Link),
    ("-nodefaultlibs$", Takes::Nothing, Goes::Link),
    ("-static$", Takes::Nothing, Goes::Link),
    ("-s$", Takes::Nothing, Goes::Link),
    ("-l", Takes::JoinedOrSeparate, Goes::Link),
    ("-L", Takes::JoinedOrSeparate, Goes::Link),
    ("-Xlinker", Takes::Separate, Goes::Link),
    ("-Xclang", Takes::Separate, Goes::Compile),
    ("--target=", Takes::Joined, Goes::Driver),
    ("-target", Takes::Separate, Goes::Driver),
    ("--memory=", Takes::Joined, Goes::Driver),
    ("--in-memory=", Takes::Joined, Goes::Driver),
    ("--driver-mode=", Takes::Joined, Goes::Driver),
    ("-save-temps$", Takes::Nothing, Goes::Driver),
    ("--help$", Takes::Nothing, Goes::Driver),
    ("-help$", Takes::Nothing, Goes::Driver),
    ("--version$", Takes::Nothing, Goes::Driver),
];

fn lookup(arg: &str) -> Option<(&'static str, Takes, Goes)> {
    OPTIONS
        .iter()
        .filter(|(name, ..)| match name.strip_suffix('$') {
            Some(exact) => arg == exact,
            None => arg.starts_with(name),
        })
        .max_by_key(|(name, ..)| name.len())
        .map(|&(name, takes, goes)| (name.trim_end_matches('$'), takes, goes))
}

/// Parses mmcc's arguments (without the program name).
pub fn parse(args: &[String], cxx_driver: bool) -> Result<Invocation> {
    let args = &expand_response_files(args)?;
    let mut inv = Invocation {
        mode: Mode::Link,
        inputs: Vec::new(),
        output: None,
        compile_flags: Vec::new(),
        link_flags: Vec::new(),
        link_items: Vec::new(),
        verbose: false,
        opt_level: "0".into(),
        debug_info: false,
        features: Vec::new(),
        memory_specs: Vec::new(),
        in_memory_given: false,
        cxx_driver,
        single_memory: false,
        save_temps: false,
        print_help: false,
        print_version: false,
    };
    let mut forced_language: Option<Language> = None;
    // `--in-memory=K` applies to the inputs after it, like `-x`.
    let mut in_memory = 0u32;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if !arg.starts_with('-') || arg == "-" {
            let language = forced_language.unwrap_or_else(|| language_of(arg, inv.cxx_driver));
            inv.link_items.push(match language {
                Language::Linker => LinkItem::Arg(arg.clone(), in_memory),
                _ => LinkItem::Source(inv.inputs.len()),
            });
            inv.inputs.push(Input { path: PathBuf::from(arg), language, memory: in_memory });
            continue;
        }
        let Some((name, takes, goes)) = lookup(arg) else {
            bail!("unknown argument: '{arg}'");
        };
        // The option's value, and the arguments that spell it.
        let (value, spelled): (String, Vec<String>) = match takes {
            Takes::Nothing => (String::new(), vec![arg.clone()]),
            Takes::Joined => (arg[name.len()..].to_string(), vec![arg.clone()]),
            Takes::JoinedOrSeparate | Takes::Separate if arg.len() > name.len() && takes == Takes::JoinedOrSeparate => {
                (arg[name.len()..].to_string(), vec![arg.clone()])
            }
            Takes::JoinedOrSeparate | Takes::Separate => {
                let Some(next) = args.get(i) else { bail!("argument to '{name}' is missing (expected 1 value)") };
                i += 1;
                (next.clone(), vec![arg.clone(), next.clone()])
            }
        };
        match name {
            "-c" => inv.mode = Mode::Compile,
            "-E" => inv.mode = Mode::Preprocess,
            "-fsyntax-only" => inv.mode = Mode::SyntaxOnly,
            "-v" => inv.verbose = true,
            "-o" => inv.output = Some(PathBuf::from(value)),
            "-save-temps" => inv.save_temps = true,
            "--help" | "-help" => inv.print_help = true,
            "--version" => inv.print_version = true,
            "-x" => {
                forced_language = match value.as_str() {
                    "c" => Some(Language::C),
                    "c++" => Some(Language::Cxx),
                    "none" => None,
                    other => bail!("language not recognized: '{other}' (mmcc compiles c and c++)"),
                }
            }
            "--target=" | "-target" => {
                if !matches!(value.as_str(), "wasm32-wasip1" | "wasm32-wasi" | "wasm32-unknown-wasip1" | "wasm32-unknown-wasi") {
                    bail!("unsupported target '{value}': mmcc targets wasm32-wasip1");
                }
            }
            "-fuse-ld=" => bail!("'-fuse-ld=' is not supported: mmcc links with its patched wasm-ld"),
            "--memory=" => inv.memory_specs.push(value),
            "--in-memory=" => {
                in_memory = parse_library_memory(&value)?;
                inv.in_memory_given = true;
            }
            "--driver-mode=" => match value.as_str() {
                "g++" | "clang++" => inv.cxx_driver = true,
                "gcc" | "clang" => inv.cxx_driver = false,
                other => bail!("unsupported driver mode '{other}'"),
            },
            _ => {
                match name {
                    "-O" => inv.opt_level = if value.is_empty() { "1".into() } else { value.clone() },
                    "-g" => inv.debug_info = value != "0",
                    // Multi-memory is what mmcc is for: -mno-multimemory asks
                    // for a single-memory module, made by the lowering
                    // (docs/lowering.md) after the link.
                    "-m" if value == "no-multimemory" => {
                        inv.single_memory = true;
                        continue;
                    }
                    "-m" if value == "multimemory" => {
                        inv.single_memory = false;
                        continue;
                    }
                    "-m" => {
                        let (feature, on) = match value.strip_prefix("no-") {
                            Some(f) => (f.to_string(), false),
                            None => (value.clone(), true),
                        };
                        inv.features.push((feature, on));
                    }
                    _ => {}
                }
                match goes {
                    Goes::Compile => inv.compile_flags.extend(spelled),
                    Goes::Link => {
                        if matches!(name, "-l" | "-L") {
                            inv.link_items.push(LinkItem::Arg(format!("{name}{value}"), in_memory));
                        } else {
                            inv.link_flags.extend(spelled);
                        }
                    }
                    Goes::Both => {
                        inv.compile_flags.extend(spelled.clone());
                        inv.link_flags.extend(spelled);
                    }
                    Goes::Driver => {}
                }
            }
        }
    }
    if !matches!(inv.opt_level.as_str(), "0" | "1" | "2" | "3" | "s" | "z" | "fast" | "g") {
        bail!("invalid integral value '{}' in '-O{}'", inv.opt_level, inv.opt_level);
    }
    // `-v` without inputs prints the version, as clang's does (zlib's
    // configure runs `$CC -v` and looks for "clang" or "gcc" in it).
    if inv.verbose && inv.inputs.is_empty() && inv.mode == Mode::Link {
        inv.print_version = true;
    }
    Ok(inv)
}

/// Replaces each `@file` argument by the arguments the file holds, as clang
/// does (build systems pass long command lines that way): separated by
/// white space, with `'...'`, `"..."` and `\` quoting, `@file` in a file
/// relative to that file's folder. An `@name` that is not a file stays as
/// it is.
fn expand_response_files(args: &[String]) -> Result<Vec<String>> {
    fn expand(args: Vec<String>, base: Option<&Path>, depth: usize, out: &mut Vec<String>) -> Result<()> {
        for arg in args {
            let Some(name) = arg.strip_prefix('@').filter(|n| !n.is_empty()) else {
                out.push(arg);
                continue;
            };
            let path = match base {
                Some(dir) if Path::new(name).is_relative() => dir.join(name),
                _ => PathBuf::from(name),
            };
            if !path.is_file() {
                out.push(arg);
                continue;
            }
            if depth >= 16 {
                bail!("response file {} nests too deeply (a loop of @files?)", path.display());
            }
            let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read response file {}", path.display()))?;
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            expand(tokenize_response_file(&text), Some(&dir), depth + 1, out)?;
        }
        Ok(())
    }
    let mut out = Vec::with_capacity(args.len());
    expand(args.to_vec(), None, 0, &mut out)?;
    Ok(out)
}

/// Splits a response file the way clang does on Unix (LLVM's GNU rules).
fn tokenize_response_file(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut token = String::new();
    let mut in_token = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_token {
                    tokens.push(std::mem::take(&mut token));
                    in_token = false;
                }
            }
            '\\' => {
                in_token = true;
                if let Some(next) = chars.next() {
                    token.push(next);
                }
            }
            '\'' | '"' => {
                in_token = true;
                while let Some(q) = chars.next() {
                    match q {
                        q if q == c => break,
                        '\\' => {
                            if let Some(next) = chars.next() {
                                token.push(next);
                            }
                        }
                        q => token.push(q),
                    }
                }
            }
            c => {
                in_token = true;
                token.push(c);
            }
        }
    }
    if in_token {
        tokens.push(token);
    }
    tokens
}

/// The number of `--in-memory=K`: 0 (the default memory again) or a memory
/// a library can have.
fn parse_library_memory(value: &str) -> Result<u32> {
    let Ok(memory) = value.parse::<u32>() else {
        bail!("--in-memory={value}: expected a memory number (--in-memory=3), or 0 for the default memory");
    };
    let max = crate::marker::MAX_MEMORY_NUMBER;
    if memory > max {
        bail!("--in-memory={value}: memory numbers go up to {max}");
    }
    if crate::marker::RESERVED_ADDRESS_SPACES.contains(&memory) {
        bail!("--in-memory={value}: address space {memory} is reserved by LLVM for reference types and cannot name a memory");
    }
    Ok(memory)
}

fn language_of(path: &str, cxx_driver: bool) -> Language {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "c" | "i" => {
            if cxx_driver {
                Language::Cxx
            } else {
                Language::C
            }
        }
        "cc" | "cpp" | "cxx" | "c++" | "C" | "CC" | "ii" => Language::Cxx,
        _ => Language::Linker,
    }
}

impl Invocation {
    /// Whether feature `name` is on, given its default.
    pub fn feature(&self, name: &str, default: bool) -> bool {
        self.features.iter().rev().find(|(f, _)| f == name).map(|(_, on)| *on).unwrap_or(default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Invocation {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>(), false).unwrap()
    }

    #[test]
    fn clang_style_options() {
        let inv = p(&["-O2", "-c", "a.c", "-o", "a.o", "-I", "inc", "-DX=1", "-std=c11", "-Wall", "-Wl,--foo", "-lm", "-msimd128", "-mno-bulk-memory"]);
        assert_eq!(inv.mode, Mode::Compile);
        assert_eq!(inv.opt_level, "2");
        assert_eq!(inv.output, Some(PathBuf::from("a.o")));
        assert_eq!(inv.compile_flags, ["-O2", "-I", "inc", "-DX=1", "-std=c11", "-Wall", "-msimd128", "-mno-bulk-memory"]);
        assert_eq!(inv.link_flags, ["-Wl,--foo"]);
        assert_eq!(inv.link_items, [LinkItem::Source(0), LinkItem::Arg("-lm".into(), 0)]);
        assert!(inv.feature("simd128", false));
        assert!(!inv.feature("bulk-memory", true));
        assert_eq!(inv.inputs, vec![Input { path: "a.c".into(), language: Language::C, memory: 0 }]);
    }

    #[test]
    fn preprocessor_and_dependency_flags_reach_clang() {
        let inv = p(&["-E", "-dM", "a.c"]);
        assert_eq!(inv.compile_flags, ["-dM"]);
        let inv = p(&["-c", "-MD", "-MF", "a.d", "-MT", "a.o", "a.c"]);
        assert_eq!(inv.compile_flags, ["-MD", "-MF", "a.d", "-MT", "a.o"]);
    }

    #[test]
    fn in_memory_is_positional() {
        let inv = p(&["app.c", "--in-memory=3", "z.c", "libz.a", "-lpng", "--in-memory=0", "glue.c"]);
        let memories: Vec<u32> = inv.inputs.iter().map(|i| i.memory).collect();
        assert_eq!(memories, [0, 3, 3, 0]);
        assert_eq!(inv.link_items[2], LinkItem::Arg("libz.a".into(), 3));
        assert_eq!(inv.link_items[3], LinkItem::Arg("-lpng".into(), 3));
        let err = |a: &[&str]| parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>(), false).unwrap_err().to_string();
        assert!(err(&["--in-memory=256", "a.c"]).contains("go up to 255"));
        assert!(err(&["--in-memory=10", "a.c"]).contains("reserved"));
        assert!(err(&["--in-memory=x", "a.c"]).contains("expected a memory number"));
    }

    #[test]
    fn response_files_expand_in_place() {
        let dir = std::env::temp_dir().join(format!("mmcc-args-rsp-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/inner.rsp"), "-DINNER 'b c.o'\n").unwrap();
        std::fs::write(dir.join("link.rsp"), "-O2 \"a b.o\" x\\ y.o\n  -Wl,--foo @sub/inner.rsp\n").unwrap();
        let outer = format!("@{}", dir.join("link.rsp").display());
        let inv = p(&["--in-memory=3", &outer, "-o", "app.wasm"]);
        let files: Vec<String> = inv.inputs.iter().map(|i| i.path.display().to_string()).collect();
        assert_eq!(files, ["a b.o", "x y.o", "b c.o"]);
        assert!(inv.inputs.iter().all(|i| i.memory == 3));
        assert_eq!(inv.compile_flags, ["-O2", "-DINNER"]);
        assert_eq!(inv.link_flags, ["-Wl,--foo"]);
        assert_eq!(inv.output, Some(PathBuf::from("app.wasm")));
        // Not a file: an input named "@missing", as with clang.
        let inv = p(&["@missing-response-file", "a.c"]);
        assert_eq!(inv.inputs[0].path, PathBuf::from("@missing-response-file"));
        // A file that names itself is an error, not a hang.
        std::fs::write(dir.join("loop.rsp"), "@loop.rsp").unwrap();
        let looped = format!("@{}", dir.join("loop.rsp").display());
        let err = parse(&[looped], false).unwrap_err().to_string();
        assert!(err.contains("nests too deeply"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn v_alone_prints_the_version() {
        assert!(p(&["-v"]).print_version);
        let inv = p(&["-v", "a.c"]);
        assert!(inv.verbose && !inv.print_version);
    }

    #[test]
    fn languages_and_errors() {
        let inv = p(&["x.cpp", "y.o", "z.a", "-x", "c++", "w.c"]);
        let langs: Vec<_> = inv.inputs.iter().map(|i| i.language).collect();
        assert_eq!(langs, [Language::Cxx, Language::Linker, Language::Linker, Language::Cxx]);
        let err = |a: &[&str]| parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>(), false).unwrap_err().to_string();
        assert!(err(&["--bogus"]).contains("unknown argument: '--bogus'"));
        assert!(err(&["-o"]).contains("argument to '-o' is missing"));
        assert!(err(&["--target=x86_64-linux-gnu"]).contains("unsupported target"));
        assert!(err(&["-O7"]).contains("invalid integral value"));
    }
}
