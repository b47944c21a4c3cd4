//! `__attribute__((wasm_memory))` arrays: each is a memory of its own.
//!
//! The clang plugin gives every such array a private LLVM address space
//! (from [`FIRST_ARRAY_SPACE`]) and writes its declaration into the
//! global's section name (`mmcc.wasm_memory?name=...&loc=...&type=...`;
//! clang-plugin/src/WasmMemory.h). After LLVM's optimizer, every access to
//! the array is a load or store through a pointer in that address space.
//!
//! This module turns each array into a *named memory* (docs/object-format.md):
//! - uses of the global become pointers based at address 0 of the array's
//!   address space, so `ring[i]` is an access at `i * sizeof ring[0]` of
//!   the named memory (the lowering makes it a marker on that memory);
//! - a definition becomes an ordinary data segment for the named memory
//!   (section `.mmcc.m@<key>...`), kept alive through `llvm.used` since no
//!   code refers to its symbol;
//! - the declaration travels to the object writer, which records it in the
//!   object's `mmcc.memories` section for the link step.

use super::llvm::*;
use crate::marker::MemoryKey;
use crate::object::memories::{ArrayInfo, Declaration};
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::target::*;
use llvm_sys::LLVMLinkage;
use std::collections::HashMap;

/// First of the plugin's private address spaces (`FirstWasmMemorySpace`).
pub const FIRST_ARRAY_SPACE: u32 = 0x70_0000;
/// How many there can be (`MaxWasmMemoryArrays`).
pub const MAX_ARRAYS: u32 = 0x1_0000;
/// Section-name prefix of the plugin's declarations (`WasmMemoryInfoPrefix`).
pub const INFO_PREFIX: &str = "mmcc.wasm_memory?";

pub fn is_array_space(space: u32) -> bool {
    (FIRST_ARRAY_SPACE..FIRST_ARRAY_SPACE + MAX_ARRAYS).contains(&space)
}

/// The arrays of one module.
#[derive(Default)]
pub struct Arrays {
    /// Address space -> memory key (the array's symbol name).
    pub key_of_space: HashMap<u32, String>,
    /// What the object will say about each array's memory.
    pub memories: Vec<NamedMemory>,
    /// The arrays' placed definitions, which `@llvm.used` must list: no
    /// code refers to their symbols (code addresses the memory).
    pub definitions: Vec<Value>,
}

/// One array's memory, as the object writer records it.
#[derive(Clone, Debug)]
pub struct NamedMemory {
    pub key: String,
    pub declaration: Declaration,
    pub array: ArrayInfo,
}

/// A problem with an array, reported at its first use.
pub struct ArrayProblem {
    pub global: Value,
    pub message: String,
}

/// Decodes the plugin's `key=value&...` (values percent-encoded).
pub fn parse_info(section: &str) -> Option<HashMap<String, String>> {
    parse_fields(section.strip_prefix(INFO_PREFIX)?)
}

/// A memory's settings as the plugin writes them (the companion
/// attributes: `import_module`, `import_field`, `export`, `private`, `min`,
/// `max`, `shared`).
pub fn declaration_of(fields: &HashMap<String, String>) -> Declaration {
    let field = |k: &str| fields.get(k).cloned();
    Declaration {
        import: match (field("import_module"), field("import_field")) {
            (Some(m), Some(f)) => Some((m, f)),
            _ => None,
        },
        export_name: field("export"),
        private: fields.contains_key("private"),
        min_pages: field("min").and_then(|v| v.parse().ok()),
        max_pages: field("max").and_then(|v| v.parse().ok()),
        shared: fields.contains_key("shared"),
    }
}

/// Decodes `key=value&...` (values percent-encoded; a key alone is a flag).
pub fn parse_fields(rest: &str) -> Option<HashMap<String, String>> {
    let mut fields = HashMap::new();
    for pair in rest.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        fields.insert(key.to_string(), percent_decode(value)?);
    }
    Some(fields)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A short, stable hash (FNV-1a) for the keys of `static` arrays.
fn short_hash(s: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h = (h ^ b as u32).wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

/// Lists every `static` array's definition in `@llvm.compiler.used`, before
/// LLVM's optimizer runs. GlobalOpt may rewrite a global of internal
/// linkage whose every use it can see: split an array indexed with
/// constants into one global per element (SRA), shrink it, or delete it.
/// An array is one memory whose element `i` is at `i * sizeof a[0]`, so the
/// pieces would each become a memory of their own, all accessed at address
/// 0. A global in a used list has a use GlobalOpt cannot see through, so it
/// leaves it whole, while its loads and stores stay ordinary ones for every
/// other pass. Arrays of other linkages are never rewritten (other
/// translation units may access them). [`place_arrays`] replaces the
/// globals by their memory, and the list entries go with them.
pub unsafe fn keep_arrays_whole(module: LLVMModuleRef) {
    let ptr = LLVMPointerTypeInContext(LLVMGetModuleContext(module), 0);
    let keep: Vec<Value> = globals(module)
        .into_iter()
        .filter(|&g| is_array_space(LLVMGetPointerAddressSpace(type_of(g))))
        .filter(|&g| matches!(LLVMGetLinkage(g), LLVMLinkage::LLVMInternalLinkage | LLVMLinkage::LLVMPrivateLinkage))
        .filter(|&g| LLVMIsDeclaration(g) == 0)
        .map(|g| LLVMConstAddrSpaceCast(g, ptr))
        .collect();
    if keep.is_empty() {
        return;
    }
    let name = c"llvm.compiler.used";
    let mut entries = Vec::new();
    let list = LLVMGetNamedGlobal(module, name.as_ptr());
    if !list.is_null() {
        if !LLVMGetInitializer(list).is_null() {
            entries = operands(LLVMGetInitializer(list));
        }
        LLVMDeleteGlobal(list);
    }
    for entry in keep {
        if !entries.contains(&entry) {
            entries.push(entry);
        }
    }
    set_used_list(module, name, entries);
}

/// Finds the arrays, makes their definitions named-memory data and replaces
/// every use of their globals by a pointer based at address 0.
pub unsafe fn place_arrays(module: LLVMModuleRef, td: LLVMTargetDataRef) -> (Arrays, Vec<ArrayProblem>) {
    let mut arrays = Arrays::default();
    let mut problems = Vec::new();
    let source = {
        let mut len = 0;
        let p = LLVMGetSourceFileName(module, &mut len);
        String::from_utf8_lossy(std::slice::from_raw_parts(p as *const u8, len)).into_owned()
    };
    for old in globals(module) {
        let space = LLVMGetPointerAddressSpace(type_of(old));
        if !is_array_space(space) {
            continue;
        }
        let symbol = name_of(old);
        let section = {
            let s = LLVMGetSection(old);
            if s.is_null() { String::new() } else { std::ffi::CStr::from_ptr(s).to_string_lossy().into_owned() }
        };
        if arrays.key_of_space.contains_key(&space) {
            // One address space is one array; a second global in it can only
            // be a piece of the first (split by an optimization that
            // `keep_arrays_whole` did not prevent), and giving it a memory of
            // its own would silently alias the two.
            problems.push(ArrayProblem {
                global: old,
                message: format!("internal error: `{symbol}` is a second global in the address space of a wasm_memory array; the array was split"),
            });
            continue;
        }
        let Some(info) = parse_info(&section) else {
            problems.push(ArrayProblem {
                global: old,
                message: format!("`{symbol}` is in address space {space}, which is reserved for wasm_memory arrays (declare arrays with __attribute__((wasm_memory)))"),
            });
            continue;
        };
        let internal = matches!(LLVMGetLinkage(old), LLVMLinkage::LLVMInternalLinkage | LLVMLinkage::LLVMPrivateLinkage);
        // A `static` array is a memory of this translation unit only.
        let key = if internal { format!("{symbol}~{}", short_hash(&source)) } else { symbol.clone() };
        let value_type = LLVMGlobalGetValueType(old);
        let init = LLVMGetInitializer(old);
        let defined = !init.is_null() && LLVMIsDeclaration(old) == 0;
        let size = if kind(value_type) == llvm_sys::LLVMTypeKind::LLVMArrayTypeKind && LLVMGetArrayLength2(value_type) == 0 {
            None // `extern T a[];`
        } else {
            Some(alloc_size(td, value_type))
        };
        let field = |k: &str| info.get(k).cloned();
        let mut declaration = declaration_of(&info);
        declaration.private |= internal;
        let array = ArrayInfo {
            name: field("name").unwrap_or_else(|| symbol.clone()),
            location: field("loc").unwrap_or_default(),
            c_type: field("type").unwrap_or_default(),
            size,
            defined,
            internal,
        };
        arrays.memories.push(NamedMemory { key: key.clone(), declaration, array });
        arrays.key_of_space.insert(space, key.clone());

        if defined {
            arrays.definitions.push(super::globals::placed_definition(module, td, old, &MemoryKey::Named(key.clone())));
        }
        // Every use sees the array at address 0 of its memory (a `used`
        // list's entry becomes null: rebuild_used_lists drops it).
        LLVMReplaceAllUsesWith(old, LLVMConstPointerNull(type_of(old)));
        LLVMDeleteGlobal(old);
    }
    (arrays, problems)
}

/// Rebuilds `@llvm.used` and `@llvm.compiler.used` once, after the passes
/// replaced the globals they list (rebuilding them while a pass walks the
/// module's globals would leave it holding a deleted list). An entry
/// becomes the global behind its casts (a memory-N variable's replacement
/// is listed as `inttoptr (ptrtoint @new)`); entries that are no global
/// any more go (replaced arrays and deleted placeholders became null);
/// `add` joins `@llvm.used`.
pub(super) unsafe fn rebuild_used_lists(module: LLVMModuleRef, add: &[Value]) {
    for list_name in [c"llvm.used", c"llvm.compiler.used"] {
        let mut entries = Vec::new();
        let list = LLVMGetNamedGlobal(module, list_name.as_ptr());
        if !list.is_null() {
            if !LLVMGetInitializer(list).is_null() {
                for entry in operands(LLVMGetInitializer(list)) {
                    let global = strip_pointer_casts(entry);
                    if LLVMIsAGlobalValue(global).is_null() {
                        continue;
                    }
                    // The lists hold pointers of address space 0.
                    let listed = if LLVMGetPointerAddressSpace(type_of(global)) == 0 { global } else { entry };
                    if !entries.contains(&listed) {
                        entries.push(listed);
                    }
                }
            }
            LLVMDeleteGlobal(list);
        }
        if list_name == c"llvm.used" {
            entries.extend_from_slice(add);
        }
        set_used_list(module, list_name, entries);
    }
}

/// Creates the appending list `name` (`llvm.used`, `llvm.compiler.used`)
/// with `entries`; none if there are none.
unsafe fn set_used_list(module: LLVMModuleRef, name: &std::ffi::CStr, mut entries: Vec<Value>) {
    if entries.is_empty() {
        return;
    }
    let ptr = LLVMPointerTypeInContext(LLVMGetModuleContext(module), 0);
    let array = LLVMConstArray2(ptr, entries.as_mut_ptr(), entries.len() as u64);
    let list = LLVMAddGlobal(module, type_of(array), name.as_ptr());
    LLVMSetInitializer(list, array);
    LLVMSetLinkage(list, LLVMLinkage::LLVMAppendingLinkage);
    LLVMSetSection(list, c"llvm.metadata".as_ptr());
}

/// `v` without constant-expression casts around it.
unsafe fn strip_pointer_casts(mut v: Value) -> Value {
    while !LLVMIsAConstantExpr(v).is_null() && LLVMGetNumOperands(v) == 1 {
        v = LLVMGetOperand(v, 0);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_round_trip() {
        let f = parse_info("mmcc.wasm_memory?name=ring&loc=a.c:2:34&type=unsigned char[]&export=a%26b&private").unwrap();
        assert_eq!(f["name"], "ring");
        assert_eq!(f["loc"], "a.c:2:34");
        assert_eq!(f["type"], "unsigned char[]");
        assert_eq!(f["export"], "a&b");
        assert_eq!(f["private"], "");
        assert!(parse_info(".data.x").is_none());
    }
}
