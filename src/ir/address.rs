//! Address splitting: `base + constant` for inbounds GEPs, so that the
//! constant lands in the `memarg` offset as it does for memory 0 (LLVM's wasm
//! backend folds `add nuw x, C` into the offset; an inbounds GEP with a
//! non-negative constant part gives that guarantee).

use super::llvm::*;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::target::*;
use llvm_sys::{LLVMOpcode, LLVMTypeKind};
use std::collections::HashMap;

pub struct AddressSplitter {
    td: LLVMTargetDataRef,
    builder: LLVMBuilderRef,
    i8: Type,
    i32: Type,
    /// The arithmetic built for a GEP with variable indices, by GEP (the
    /// lowering never erases a GEP), with the GEP's operands when it was
    /// built. Only built values are kept: the lowering replaces and erases
    /// the program's other instructions as it goes (a load of a pointer
    /// from memory N becomes a marker call), in block order, which is not
    /// always definitions first, so a base kept here could dangle. A hit
    /// counts only if the GEP's operands are still the same.
    cache: HashMap<Value, (Vec<Value>, Value, u64)>,
}

impl AddressSplitter {
    pub unsafe fn new(ctx: LLVMContextRef, td: LLVMTargetDataRef) -> AddressSplitter {
        AddressSplitter {
            td,
            builder: LLVMCreateBuilderInContext(ctx),
            i8: LLVMInt8TypeInContext(ctx),
            i32: LLVMInt32TypeInContext(ctx),
            cache: HashMap::new(),
        }
    }

    /// Splits `ptr` into a base pointer and a constant offset (>= 0, < 2^32).
    /// New address arithmetic is placed right after the GEP, so it dominates
    /// every access that used the GEP, and is shared among them. The base
    /// is the GEP's operand as it is now, or arithmetic built here (which
    /// uses the operands, so it follows their replacement).
    pub unsafe fn split(&mut self, ptr: Value) -> (Value, u64) {
        self.split_gep(ptr).unwrap_or((ptr, 0))
    }

    unsafe fn split_gep(&mut self, ptr: Value) -> Option<(Value, u64)> {
        let is_gep = opcode(ptr) == Some(LLVMOpcode::LLVMGetElementPtr)
            || const_expr_opcode(ptr) == Some(LLVMOpcode::LLVMGetElementPtr);
        if !is_gep || LLVMIsInBounds(ptr) == 0 {
            return None;
        }
        let ops = operands(ptr);
        let (base, indices) = ops.split_first()?;
        if kind(type_of(*base)) != LLVMTypeKind::LLVMPointerTypeKind {
            return None; // a vector GEP
        }
        let mut constant: i128 = 0;
        let mut variable: Vec<(Value, u64)> = Vec::new();
        let mut current = LLVMGetGEPSourceElementType(ptr);
        for (i, &index) in indices.iter().enumerate() {
            if kind(type_of(index)) != LLVMTypeKind::LLVMIntegerTypeKind {
                return None;
            }
            let stride = if i == 0 {
                alloc_size(self.td, current)
            } else {
                match kind(current) {
                    LLVMTypeKind::LLVMStructTypeKind => {
                        let field = LLVMConstIntGetZExtValue(index) as u32;
                        constant += LLVMOffsetOfElement(self.td, current, field) as i128;
                        current = LLVMStructGetTypeAtIndex(current, field);
                        continue;
                    }
                    LLVMTypeKind::LLVMArrayTypeKind | LLVMTypeKind::LLVMVectorTypeKind => {
                        current = LLVMGetElementType(current);
                        alloc_size(self.td, current)
                    }
                    _ => return None,
                }
            };
            if !LLVMIsAConstantInt(index).is_null() {
                constant += LLVMConstIntGetSExtValue(index) as i128 * stride as i128;
            } else {
                variable.push((index, stride));
            }
        }
        if constant <= 0 || constant > u32::MAX as i128 {
            return None;
        }
        let constant = constant as u64;
        if variable.is_empty() {
            // The base may itself be an inbounds GEP with a constant part.
            let (inner, inner_offset) = self.split(*base);
            if inner_offset + constant <= u32::MAX as u64 {
                return Some((inner, inner_offset + constant));
            }
            return Some((*base, constant));
        }
        // Variable part: rebuild it as i8 GEPs right after the original GEP.
        if opcode(ptr).is_none() {
            return None; // constant expressions have no variable indices
        }
        if let Some((kept, address, constant)) = self.cache.get(&ptr) {
            if *kept == ops {
                return Some((*address, *constant));
            }
        }
        LLVMPositionBuilderBefore(self.builder, LLVMGetNextInstruction(ptr));
        let mut address = *base;
        for (index, stride) in variable {
            // GEP indices are sign-extended or truncated to the pointer width.
            let width = LLVMGetIntTypeWidth(type_of(index));
            let index = if width < 32 {
                LLVMBuildSExt(self.builder, index, self.i32, c"".as_ptr())
            } else if width > 32 {
                LLVMBuildTrunc(self.builder, index, self.i32, c"".as_ptr())
            } else {
                index
            };
            let scaled = if stride == 1 {
                index
            } else {
                LLVMBuildNSWMul(self.builder, index, LLVMConstInt(self.i32, stride, 0), c"".as_ptr())
            };
            let mut idx = [scaled];
            address = LLVMBuildInBoundsGEP2(self.builder, self.i8, address, idx.as_mut_ptr(), 1, c"".as_ptr());
        }
        self.cache.insert(ptr, (ops, address, constant));
        Some((address, constant))
    }
}

impl Drop for AddressSplitter {
    fn drop(&mut self) {
        unsafe { LLVMDisposeBuilder(self.builder) }
    }
}
