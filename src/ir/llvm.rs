//! Small helpers over the LLVM C API (llvm-sys) used by the pass. inkwell
//! owns the context, module and target machine; instruction-level rewriting
//! uses the C API directly, where inkwell's wrappers stop short (debug
//! locations, GEP source types, attributes on declarations, erasing).

use llvm_sys::core::*;
use llvm_sys::debuginfo::LLVMInstructionGetDebugLoc;
use llvm_sys::prelude::*;
use llvm_sys::target::*;
use llvm_sys::{LLVMOpcode, LLVMTypeKind};
use std::ffi::{CStr, CString};

pub type Value = LLVMValueRef;
pub type Type = LLVMTypeRef;

pub fn cstr(s: &str) -> CString {
    CString::new(s).expect("no NUL in LLVM names")
}

pub unsafe fn opcode(v: Value) -> Option<LLVMOpcode> {
    if LLVMIsAInstruction(v).is_null() {
        return None;
    }
    Some(LLVMGetInstructionOpcode(v))
}

pub unsafe fn const_expr_opcode(v: Value) -> Option<LLVMOpcode> {
    if LLVMIsAConstantExpr(v).is_null() {
        return None;
    }
    Some(LLVMGetConstOpcode(v))
}

pub unsafe fn type_of(v: Value) -> Type {
    LLVMTypeOf(v)
}

pub unsafe fn kind(t: Type) -> LLVMTypeKind {
    LLVMGetTypeKind(t)
}

pub unsafe fn int_width(t: Type) -> Option<u32> {
    (kind(t) == LLVMTypeKind::LLVMIntegerTypeKind).then(|| LLVMGetIntTypeWidth(t))
}

/// Address space of a pointer-typed value (or of a vector of pointers).
pub unsafe fn address_space_of(v: Value) -> Option<u32> {
    let t = type_of(v);
    match kind(t) {
        LLVMTypeKind::LLVMPointerTypeKind => Some(LLVMGetPointerAddressSpace(t)),
        _ => None,
    }
}

pub unsafe fn operands(v: Value) -> Vec<Value> {
    (0..LLVMGetNumOperands(v) as u32).map(|i| LLVMGetOperand(v, i)).collect()
}

pub unsafe fn users(v: Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut u = LLVMGetFirstUse(v);
    while !u.is_null() {
        out.push(LLVMGetUser(u));
        u = LLVMGetNextUse(u);
    }
    out
}

pub unsafe fn name_of(v: Value) -> String {
    let mut len = 0;
    let p = LLVMGetValueName2(v, &mut len);
    if p.is_null() {
        return String::new();
    }
    String::from_utf8_lossy(std::slice::from_raw_parts(p as *const u8, len)).into_owned()
}

/// Text form of a type, for messages (`i32`, `<4 x float>`, ...).
pub unsafe fn type_string(t: Type) -> String {
    let p = LLVMPrintTypeToString(t);
    let s = CStr::from_ptr(p).to_string_lossy().into_owned();
    LLVMDisposeMessage(p);
    s
}

/// The called function of a call instruction, if it is a direct call.
pub unsafe fn called_function(call: Value) -> Option<Value> {
    let callee = LLVMGetCalledValue(call);
    (!LLVMIsAFunction(callee).is_null()).then_some(callee)
}

pub unsafe fn size_in_bits(td: LLVMTargetDataRef, t: Type) -> u64 {
    LLVMSizeOfTypeInBits(td, t)
}

pub unsafe fn alloc_size(td: LLVMTargetDataRef, t: Type) -> u64 {
    LLVMABISizeOfType(td, t)
}

/// All instructions of a function, in order (a snapshot: the pass mutates).
pub unsafe fn instructions(f: Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut bb = LLVMGetFirstBasicBlock(f);
    while !bb.is_null() {
        let mut i = LLVMGetFirstInstruction(bb);
        while !i.is_null() {
            out.push(i);
            i = LLVMGetNextInstruction(i);
        }
        bb = LLVMGetNextBasicBlock(bb);
    }
    out
}

pub unsafe fn functions(m: LLVMModuleRef) -> Vec<Value> {
    let mut out = Vec::new();
    let mut f = LLVMGetFirstFunction(m);
    while !f.is_null() {
        out.push(f);
        f = LLVMGetNextFunction(f);
    }
    out
}

pub unsafe fn globals(m: LLVMModuleRef) -> Vec<Value> {
    let mut out = Vec::new();
    let mut g = LLVMGetFirstGlobal(m);
    while !g.is_null() {
        out.push(g);
        g = LLVMGetNextGlobal(g);
    }
    out
}

/// Adds an enum attribute (`nounwind`, `zeroext`, ...) at `index`
/// (`u32::MAX` = function, 0 = return value, 1.. = parameters).
pub unsafe fn add_attribute(ctx: LLVMContextRef, f: Value, index: u32, name: &str, value: u64) {
    let kind = LLVMGetEnumAttributeKindForName(name.as_ptr() as *const _, name.len());
    assert!(kind != 0, "unknown LLVM attribute {name}");
    let attr = LLVMCreateEnumAttribute(ctx, kind, value);
    LLVMAddAttributeAtIndex(f, index, attr);
}

/// Source location of an instruction from its debug location, if any.
pub unsafe fn location(v: Value) -> Option<(String, u32, u32)> {
    if LLVMIsAInstruction(v).is_null() || LLVMInstructionGetDebugLoc(v).is_null() {
        return None;
    }
    let mut len = 0;
    let p = LLVMGetDebugLocFilename(v, &mut len);
    if p.is_null() {
        return None;
    }
    let file = String::from_utf8_lossy(std::slice::from_raw_parts(p as *const u8, len as usize)).into_owned();
    // The file name as clang got it on its command line, as clang's own
    // diagnostics print it.
    Some((file, LLVMGetDebugLocLine(v), LLVMGetDebugLocColumn(v)))
}
