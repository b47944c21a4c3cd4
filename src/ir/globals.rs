//! Variables in memory N.
//!
//! LLVM's WebAssembly backend rejects globals outside address space 0
//! ("Invalid address space for WebAssembly target"). So each global in
//! address space N becomes an ordinary global in address space 0 whose
//! *section* says which memory it belongs to (`.mmcc.m<N>.<kind>.<name>`,
//! docs/object-format.md); the object writer puts that segment in memory N
//! and the linker lays it out there. Uses see the same address as a pointer
//! into memory N: `inttoptr (ptrtoint @g) to ptr addrspace(N)`, which the
//! backend compiles to the symbol's address with a relocation (an
//! addrspacecast would crash it).
//!
//! Zero-initialized variables are *not* given to LLVM at their size (it
//! would write every zero into the object: a 1 GiB array would be 1 GiB).
//! They get a one-byte placeholder in a `bss` section whose name carries the
//! real size; the object writer empties the segment and records the size as
//! a zero fill.

use super::llvm::*;
use crate::marker::MemoryKey;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::target::*;
use llvm_sys::comdat::{LLVMGetComdat, LLVMSetComdat};
use llvm_sys::LLVMThreadLocalMode;

/// Section names the object writer recognizes.
pub const SECTION_PREFIX: &str = ".mmcc.m";

/// Parses `.mmcc.m<N>.<kind>.[<size>.]<name>` (memory N) or
/// `.mmcc.m@<key>.<kind>...` (the named memory of a wasm_memory array) into
/// (memory, kind, bss size).
pub fn parse_section_name(name: &str) -> Option<(MemoryKey, &str, Option<u64>)> {
    let rest = name.strip_prefix(SECTION_PREFIX)?;
    let (memory, rest) = rest.split_once('.')?;
    let memory = match memory.strip_prefix('@') {
        Some(key) if !key.is_empty() => MemoryKey::Named(key.to_string()),
        Some(_) => return None,
        None => MemoryKey::Numbered(memory.parse().ok()?),
    };
    let (kind, rest) = rest.split_once('.')?;
    match kind {
        "bss" => {
            let (size, _) = rest.split_once('.')?;
            Some((memory, kind, Some(size.parse().ok()?)))
        }
        "data" | "rodata" => Some((memory, kind, None)),
        _ => None,
    }
}

/// A problem with a global, reported by the caller at the global's first use.
pub struct GlobalProblem {
    pub global: Value,
    pub message: String,
}

/// Copies what a replacement global keeps of `old`: linkage, visibility,
/// constness, unnamed_addr, alignment, comdat.
unsafe fn copy_properties(old: Value, new: Value) {
    LLVMSetLinkage(new, LLVMGetLinkage(old));
    LLVMSetVisibility(new, LLVMGetVisibility(old));
    LLVMSetGlobalConstant(new, LLVMIsGlobalConstant(old));
    LLVMSetUnnamedAddress(new, LLVMGetUnnamedAddress(old));
    let align = LLVMGetAlignment(old);
    if align != 0 {
        LLVMSetAlignment(new, align);
    }
    let comdat = LLVMGetComdat(old);
    if !comdat.is_null() {
        LLVMSetComdat(new, comdat);
    }
}

/// For the definition `old` of a variable in memory `key` (numbered, or a
/// wasm_memory array's named memory): a global in address space 0 that
/// takes over its name, in the section that places it in that memory
/// (`.mmcc.m<key>.<kind>.<name>`). A zero-initialized (or uninitialized) one is a one-byte
/// placeholder whose section carries the real size (`bss`). The caller
/// replaces the uses of `old` and deletes it.
pub unsafe fn placed_definition(module: LLVMModuleRef, td: LLVMTargetDataRef, old: Value, key: &MemoryKey) -> Value {
    let ctx = LLVMGetModuleContext(module);
    let name = name_of(old);
    let value_type = LLVMGlobalGetValueType(old);
    let init = LLVMGetInitializer(old);
    // An undef initializer is a variable nothing initializes (clang's
    // loader_uninitialized, which the plugin puts on C++ arrays of classes
    // with trivial constructors): the memory starts zeroed, the value C++
    // gives any variable of static storage duration.
    let (new_type, new_init, section) = if LLVMIsNull(init) != 0 || LLVMIsUndef(init) != 0 {
        let size = alloc_size(td, value_type);
        let placeholder = LLVMArrayType2(LLVMInt8TypeInContext(ctx), 1);
        (placeholder, LLVMConstNull(placeholder), format!("{SECTION_PREFIX}{key}.bss.{size}.{name}"))
    } else {
        let kind = if LLVMIsGlobalConstant(old) != 0 { "rodata" } else { "data" };
        (value_type, init, format!("{SECTION_PREFIX}{key}.{kind}.{name}"))
    };
    // The replacement takes over the name (symbols link by name).
    LLVMSetValueName2(old, c"".as_ptr(), 0);
    let cname = cstr(&name);
    let new = LLVMAddGlobalInAddressSpace(module, new_type, cname.as_ptr(), 0);
    LLVMSetInitializer(new, new_init);
    copy_properties(old, new);
    let section = cstr(&section);
    LLVMSetSection(new, section.as_ptr());
    new
}

/// Moves every global of address space N != 0 to address space 0, placed in
/// memory N by section. `memory_ok` validates N (reserved numbers).
pub unsafe fn place_globals(
    module: LLVMModuleRef,
    td: LLVMTargetDataRef,
    memory_ok: &dyn Fn(u32) -> Result<(), String>,
) -> Vec<GlobalProblem> {
    let ctx = LLVMGetModuleContext(module);
    let i32 = LLVMInt32TypeInContext(ctx);
    let mut problems = Vec::new();
    for old in globals(module) {
        let space = LLVMGetPointerAddressSpace(type_of(old));
        if space == 0 {
            continue;
        }
        let name = name_of(old);
        if let Err(message) = memory_ok(space) {
            problems.push(GlobalProblem { global: old, message: format!("variable `{name}`: {message}") });
            continue;
        }
        if LLVMGetThreadLocalMode(old) != LLVMThreadLocalMode::LLVMNotThreadLocal {
            problems.push(GlobalProblem {
                global: old,
                message: format!("variable `{name}` is thread-local and in memory {space}: thread-local variables live in memory 0"),
            });
            continue;
        }
        let key = MemoryKey::Numbered(space);
        let new = if LLVMIsDeclaration(old) == 0 && !LLVMGetInitializer(old).is_null() {
            placed_definition(module, td, old, &key)
        } else {
            // A declaration: same name and type, in address space 0.
            LLVMSetValueName2(old, c"".as_ptr(), 0);
            let cname = cstr(&name);
            let new = LLVMAddGlobalInAddressSpace(module, LLVMGlobalGetValueType(old), cname.as_ptr(), 0);
            copy_properties(old, new);
            new
        };
        // The same address, seen as a pointer into memory N (a `used`
        // list's entry too: rebuild_used_lists lists `new` itself).
        let as_int = LLVMConstPtrToInt(new, i32);
        let as_memory_pointer = LLVMConstIntToPtr(as_int, type_of(old));
        LLVMReplaceAllUsesWith(old, as_memory_pointer);
        LLVMDeleteGlobal(old);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::parse_section_name;
    use crate::marker::MemoryKey;

    #[test]
    fn section_names() {
        assert_eq!(parse_section_name(".mmcc.m2.data.table"), Some((MemoryKey::Numbered(2), "data", None)));
        assert_eq!(parse_section_name(".mmcc.m4.bss.1073741824.big"), Some((MemoryKey::Numbered(4), "bss", Some(1 << 30))));
        assert_eq!(parse_section_name(".mmcc.m@ring.bss.256.ring"), Some((MemoryKey::Named("ring".into()), "bss", Some(256))));
        assert_eq!(parse_section_name(".mmcc.m4.bss.x"), None);
        assert_eq!(parse_section_name(".data.x"), None);
    }
}
