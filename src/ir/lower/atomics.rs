//! Atomic operations on memory N.
//!
//! With the atomics feature (`-matomics`, `-pthread`) they become the
//! memory-indexed atomic instructions: loads, stores, `rmw.{add,sub,and,or,
//! xor,xchg}` and `cmpxchg` in every width. The operations WebAssembly has no
//! instruction for (nand, min, max, floating-point add/sub/min/max,
//! increment/decrement with wrap) call a small internal function, one per
//! operation, type and memory, that loops on `cmpxchg` — what LLVM's
//! AtomicExpand pass does for memory 0, out of line because the C API cannot
//! split a basic block.
//!
//! Without the atomics feature there can be no other thread, and LLVM
//! lowers atomics on memory 0 to plain loads and stores; memory N gets the
//! same, so a program behaves the same in every memory.

use super::*;
use llvm_sys::LLVMAtomicRMWBinOp as Op;
use llvm_sys::LLVMIntPredicate;

/// An RMW operation that maps to a wasm instruction.
fn native_rmw(op: Op) -> Option<&'static str> {
    Some(match op {
        Op::LLVMAtomicRMWBinOpXchg => "xchg",
        Op::LLVMAtomicRMWBinOpAdd => "add",
        Op::LLVMAtomicRMWBinOpSub => "sub",
        Op::LLVMAtomicRMWBinOpAnd => "and",
        Op::LLVMAtomicRMWBinOpOr => "or",
        Op::LLVMAtomicRMWBinOpXor => "xor",
        _ => return None,
    })
}

impl Lowering {
    /// The canonical wasm integer type holding a `ty` value (i32 for up to
    /// 32 bits, i64 for 64), and its width in bits, or None.
    unsafe fn atomic_width(&self, ty: Type) -> Option<u32> {
        let bits = size_in_bits(self.td, ty) as u32;
        let ok = matches!(kind(ty), LLVMTypeKind::LLVMIntegerTypeKind | LLVMTypeKind::LLVMPointerTypeKind | LLVMTypeKind::LLVMFloatTypeKind | LLVMTypeKind::LLVMDoubleTypeKind);
        (ok && matches!(bits, 8 | 16 | 32 | 64)).then_some(bits)
    }

    /// The instruction for an atomic access of `bits`: `what` is `load`,
    /// `store` or a read-modify-write operation (`add`, `cmpxchg`, ...).
    /// Narrow accesses use the i32 forms (`i32.atomic.rmw8.add_u`).
    fn atomic_name(bits: u32, what: &str) -> String {
        let wide = if bits == 64 { "i64" } else { "i32" };
        match (what, bits) {
            ("load", 32 | 64) => format!("{wide}.atomic.load"),
            ("load", n) => format!("i32.atomic.load{n}_u"),
            ("store", 32 | 64) => format!("{wide}.atomic.store"),
            ("store", n) => format!("i32.atomic.store{n}"),
            (op, 32 | 64) => format!("{wide}.atomic.rmw.{op}"),
            (op, n) => format!("i32.atomic.rmw{n}.{op}_u"),
        }
    }

    /// A `ty` value as the canonical integer for wasm (zero-extended if narrow).
    unsafe fn to_wide(&self, v: Value, bits: u32) -> Value {
        let wide = if bits == 64 { self.i64 } else { self.i32 };
        let ty = type_of(v);
        let int = match kind(ty) {
            LLVMTypeKind::LLVMPointerTypeKind => LLVMBuildPtrToInt(self.builder, v, self.i32, c"".as_ptr()),
            LLVMTypeKind::LLVMIntegerTypeKind => v,
            _ => LLVMBuildBitCast(self.builder, v, LLVMIntTypeInContext(self.ctx, bits), c"".as_ptr()),
        };
        if bits < 32 {
            LLVMBuildZExt(self.builder, int, wide, c"".as_ptr())
        } else {
            int
        }
    }

    /// The canonical integer back to `ty`.
    unsafe fn from_wide(&self, v: Value, ty: Type, bits: u32) -> Value {
        let int = if bits < 32 { LLVMBuildTrunc(self.builder, v, LLVMIntTypeInContext(self.ctx, bits), c"".as_ptr()) } else { v };
        match kind(ty) {
            LLVMTypeKind::LLVMPointerTypeKind => LLVMBuildIntToPtr(self.builder, int, ty, c"".as_ptr()),
            LLVMTypeKind::LLVMIntegerTypeKind => int,
            _ => LLVMBuildBitCast(self.builder, int, ty, c"".as_ptr()),
        }
    }

    unsafe fn atomic_marker(&mut self, name: &str, mem: &MemoryKey, offset: u64, bits: u32, args: &[Value], ret: bool) -> Value {
        let m = self.marker(name, mem, offset, bits / 8, false);
        let wide = if bits == 64 { self.i64 } else { self.i32 };
        self.call_marker(&m, ret.then_some((wide, None)), args)
    }

    pub(super) unsafe fn lower_atomic_load(&mut self, load: Value, ptr: Value, mem: &MemoryKey) {
        let ty = type_of(load);
        let Some(bits) = self.atomic_width(ty) else {
            return self.error(load, format!("atomic load of `{}` from memory {mem} is not supported", type_string(ty)));
        };
        if !self.features.atomics {
            return self.lower_load(load, ptr, &mem, true);
        }
        let (addr, offset) = self.address(load, ptr);
        let v = self.atomic_marker(&Self::atomic_name(bits, "load"), mem, offset, bits, &[addr], true);
        let v = self.from_wide(v, ty, bits);
        LLVMReplaceAllUsesWith(load, v);
        LLVMInstructionEraseFromParent(load);
    }

    pub(super) unsafe fn lower_atomic_store(&mut self, store: Value, ptr: Value, mem: &MemoryKey) {
        let value = LLVMGetOperand(store, 0);
        let ty = type_of(value);
        let Some(bits) = self.atomic_width(ty) else {
            return self.error(store, format!("atomic store of `{}` to memory {mem} is not supported", type_string(ty)));
        };
        if !self.features.atomics {
            return self.lower_store(store, ptr, &mem, true);
        }
        let (addr, offset) = self.address(store, ptr);
        let v = self.to_wide(value, bits);
        self.atomic_marker(&Self::atomic_name(bits, "store"), mem, offset, bits, &[addr, v], false);
        LLVMInstructionEraseFromParent(store);
    }

    pub(super) unsafe fn lower_atomic_rmw(&mut self, rmw: Value, mem: &MemoryKey) {
        let ptr = LLVMGetOperand(rmw, 0);
        let value = LLVMGetOperand(rmw, 1);
        let ty = type_of(value);
        let op = LLVMGetAtomicRMWBinOp(rmw);
        let Some(bits) = self.atomic_width(ty) else {
            return self.error(rmw, format!("atomic operation on `{}` in memory {mem} is not supported", type_string(ty)));
        };
        LLVMPositionBuilderBefore(self.builder, rmw);
        let result = match (self.features.atomics, native_rmw(op)) {
            (true, Some(name)) => {
                let (addr, offset) = self.address(rmw, ptr);
                let v = self.to_wide(value, bits);
                let old = self.atomic_marker(&Self::atomic_name(bits, name), mem, offset, bits, &[addr, v], true);
                self.from_wide(old, ty, bits)
            }
            (true, None) => {
                let helper = self.cmpxchg_loop(op, ty, bits, mem);
                LLVMPositionBuilderBefore(self.builder, rmw);
                let addr = LLVMBuildPtrToInt(self.builder, ptr, self.i32, c"".as_ptr());
                let mut args = [addr, value];
                LLVMBuildCall2(self.builder, LLVMGlobalGetValueType(helper), helper, args.as_mut_ptr(), 2, c"".as_ptr())
            }
            (false, _) => {
                // No threads: load, compute, store.
                let (addr, offset) = self.address(rmw, ptr);
                let old = self.atomic_marker_plain_load(mem, addr, offset, ty, bits);
                let new = self.rmw_value(op, old, value);
                self.plain_store(mem, addr, offset, new, bits);
                old
            }
        };
        LLVMReplaceAllUsesWith(rmw, result);
        LLVMInstructionEraseFromParent(rmw);
    }

    pub(super) unsafe fn lower_cmpxchg(&mut self, cx: Value, mem: &MemoryKey) {
        let ptr = LLVMGetOperand(cx, 0);
        let (expected, replacement) = (LLVMGetOperand(cx, 1), LLVMGetOperand(cx, 2));
        let ty = type_of(expected);
        let Some(bits) = self.atomic_width(ty) else {
            return self.error(cx, format!("compare-exchange of `{}` in memory {mem} is not supported", type_string(ty)));
        };
        let (addr, offset) = self.address(cx, ptr);
        let old = if self.features.atomics {
            let e = self.to_wide(expected, bits);
            let r = self.to_wide(replacement, bits);
            let old = self.atomic_marker(&Self::atomic_name(bits, "cmpxchg"), mem, offset, bits, &[addr, e, r], true);
            self.from_wide(old, ty, bits)
        } else {
            let old = self.atomic_marker_plain_load(mem, addr, offset, ty, bits);
            let (o, e) = (self.to_wide(old, bits), self.to_wide(expected, bits));
            let same = LLVMBuildICmp(self.builder, LLVMIntPredicate::LLVMIntEQ, o, e, c"".as_ptr());
            let new = LLVMBuildSelect(self.builder, same, replacement, old, c"".as_ptr());
            self.plain_store(mem, addr, offset, new, bits);
            old
        };
        let (o, e) = (self.to_wide(old, bits), self.to_wide(expected, bits));
        let success = LLVMBuildICmp(self.builder, LLVMIntPredicate::LLVMIntEQ, o, e, c"".as_ptr());
        let pair = LLVMGetUndef(type_of(cx));
        let pair = LLVMBuildInsertValue(self.builder, pair, old, 0, c"".as_ptr());
        let pair = LLVMBuildInsertValue(self.builder, pair, success, 1, c"".as_ptr());
        LLVMReplaceAllUsesWith(cx, pair);
        LLVMInstructionEraseFromParent(cx);
    }

    /// A plain (non-atomic) load of `ty` at addr+offset on memory `mem`.
    unsafe fn atomic_marker_plain_load(&mut self, mem: &MemoryKey, addr: Value, offset: u64, ty: Type, bits: u32) -> Value {
        let name = match bits {
            64 => "i64.load".to_string(),
            32 => "i32.load".to_string(),
            n => format!("i32.load{n}_u"),
        };
        let m = self.marker(&name, mem, offset, bits / 8, true);
        let wide = if bits == 64 { self.i64 } else { self.i32 };
        let v = self.call_marker(&m, Some((wide, None)), &[addr]);
        self.from_wide(v, ty, bits)
    }

    unsafe fn plain_store(&mut self, mem: &MemoryKey, addr: Value, offset: u64, value: Value, bits: u32) {
        let name = match bits {
            64 => "i64.store".to_string(),
            32 => "i32.store".to_string(),
            n => format!("i32.store{n}"),
        };
        let m = self.marker(&name, mem, offset, bits / 8, true);
        let v = self.to_wide(value, bits);
        self.call_marker(&m, None, &[addr, v]);
    }

    /// The new value an RMW operation stores, computed at the builder.
    unsafe fn rmw_value(&mut self, op: Op, old: Value, v: Value) -> Value {
        let b = self.builder;
        let n = c"".as_ptr();
        let select = |pred: LLVMIntPredicate| {
            let c = LLVMBuildICmp(b, pred, old, v, n);
            LLVMBuildSelect(b, c, old, v, n)
        };
        match op {
            Op::LLVMAtomicRMWBinOpXchg => v,
            Op::LLVMAtomicRMWBinOpAdd => LLVMBuildAdd(b, old, v, n),
            Op::LLVMAtomicRMWBinOpSub => LLVMBuildSub(b, old, v, n),
            Op::LLVMAtomicRMWBinOpAnd => LLVMBuildAnd(b, old, v, n),
            Op::LLVMAtomicRMWBinOpOr => LLVMBuildOr(b, old, v, n),
            Op::LLVMAtomicRMWBinOpXor => LLVMBuildXor(b, old, v, n),
            Op::LLVMAtomicRMWBinOpNand => LLVMBuildNot(b, LLVMBuildAnd(b, old, v, n), n),
            Op::LLVMAtomicRMWBinOpMax => select(LLVMIntPredicate::LLVMIntSGT),
            Op::LLVMAtomicRMWBinOpMin => select(LLVMIntPredicate::LLVMIntSLT),
            Op::LLVMAtomicRMWBinOpUMax => select(LLVMIntPredicate::LLVMIntUGT),
            Op::LLVMAtomicRMWBinOpUMin => select(LLVMIntPredicate::LLVMIntULT),
            Op::LLVMAtomicRMWBinOpFAdd => LLVMBuildFAdd(b, old, v, n),
            Op::LLVMAtomicRMWBinOpFSub => LLVMBuildFSub(b, old, v, n),
            Op::LLVMAtomicRMWBinOpFMax | Op::LLVMAtomicRMWBinOpFMin => {
                let name = if op == Op::LLVMAtomicRMWBinOpFMax { "llvm.maxnum" } else { "llvm.minnum" };
                let id = LLVMLookupIntrinsicID(name.as_ptr() as *const _, name.len());
                let mut tys = [type_of(old)];
                let f = LLVMGetIntrinsicDeclaration(self.module, id, tys.as_mut_ptr(), 1);
                let mut args = [old, v];
                LLVMBuildCall2(b, LLVMGlobalGetValueType(f), f, args.as_mut_ptr(), 2, n)
            }
            Op::LLVMAtomicRMWBinOpUIncWrap => {
                // old >= v ? 0 : old + 1
                let ge = LLVMBuildICmp(b, LLVMIntPredicate::LLVMIntUGE, old, v, n);
                let inc = LLVMBuildAdd(b, old, LLVMConstInt(type_of(old), 1, 0), n);
                LLVMBuildSelect(b, ge, LLVMConstNull(type_of(old)), inc, n)
            }
            Op::LLVMAtomicRMWBinOpUDecWrap => {
                // old == 0 || old > v ? v : old - 1
                let zero = LLVMBuildICmp(b, LLVMIntPredicate::LLVMIntEQ, old, LLVMConstNull(type_of(old)), n);
                let gt = LLVMBuildICmp(b, LLVMIntPredicate::LLVMIntUGT, old, v, n);
                let wrap = LLVMBuildOr(b, zero, gt, n);
                let dec = LLVMBuildSub(b, old, LLVMConstInt(type_of(old), 1, 0), n);
                LLVMBuildSelect(b, wrap, v, dec, n)
            }
        }
    }

    /// An internal function `T f(i32 address, T value)` that performs `op`
    /// atomically on memory `mem` with a compare-exchange loop; made once.
    unsafe fn cmpxchg_loop(&mut self, op: Op, ty: Type, bits: u32, mem: &MemoryKey) -> Value {
        let name = cstr(&format!("__mmcc.atomic.{op:?}.{}.m{mem}", short_type_name(ty)));
        let existing = LLVMGetNamedFunction(self.module, name.as_ptr());
        if !existing.is_null() {
            return existing;
        }
        let mut params = [self.i32, ty];
        let fn_ty = LLVMFunctionType(ty, params.as_mut_ptr(), 2, 0);
        let f = LLVMAddFunction(self.module, name.as_ptr(), fn_ty);
        LLVMSetLinkage(f, llvm_sys::LLVMLinkage::LLVMInternalLinkage);
        add_attribute(self.ctx, f, u32::MAX, "nounwind", 0);
        let (addr, value) = (LLVMGetParam(f, 0), LLVMGetParam(f, 1));
        let entry = LLVMAppendBasicBlockInContext(self.ctx, f, c"entry".as_ptr());
        let looping = LLVMAppendBasicBlockInContext(self.ctx, f, c"retry".as_ptr());
        let done = LLVMAppendBasicBlockInContext(self.ctx, f, c"done".as_ptr());
        let wide = if bits == 64 { self.i64 } else { self.i32 };

        LLVMPositionBuilderAtEnd(self.builder, entry);
        let first = self.atomic_marker(&Self::atomic_name(bits, "load"), mem, 0, bits, &[addr], true);
        LLVMBuildBr(self.builder, looping);

        LLVMPositionBuilderAtEnd(self.builder, looping);
        let seen = LLVMBuildPhi(self.builder, wide, c"".as_ptr());
        let old = self.from_wide(seen, ty, bits);
        let new = self.rmw_value(op, old, value);
        let new_wide = self.to_wide(new, bits);
        let found = self.atomic_marker(&Self::atomic_name(bits, "cmpxchg"), mem, 0, bits, &[addr, seen, new_wide], true);
        let same = LLVMBuildICmp(self.builder, LLVMIntPredicate::LLVMIntEQ, found, seen, c"".as_ptr());
        LLVMBuildCondBr(self.builder, same, done, looping);
        let mut incoming = [first, found];
        let mut blocks = [entry, looping];
        LLVMAddIncoming(seen, incoming.as_mut_ptr(), blocks.as_mut_ptr(), 2);

        LLVMPositionBuilderAtEnd(self.builder, done);
        LLVMBuildRet(self.builder, old);
        f
    }
}

unsafe fn short_type_name(ty: Type) -> String {
    type_string(ty).chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}
