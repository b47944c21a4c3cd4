//! Lowering of each memory-N operation to a marker call.

use super::address::AddressSplitter;
use super::llvm::*;
use super::{wasm_memory, Diagnostic, Features, Summary};
use crate::marker::{self, Marker, MemoryKey, DEFAULT_MEMORY_ADDRESS_SPACE, MAX_MEMORY_NUMBER, RESERVED_ADDRESS_SPACES};
use crate::runtime;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::target::*;
use llvm_sys::{LLVMAtomicOrdering, LLVMOpcode, LLVMTypeKind};
use std::collections::{HashMap, HashSet};

mod atomics;
mod integers;
mod vectors;

/// `memory` attribute values (LLVM's MemoryEffects encoding: two bits per
/// location — argmem, inaccessible, other — 1 = ref, 2 = mod).
const MEMORY_READ: u64 = 0b01_01_01;
const MEMORY_WRITE: u64 = 0b10_10_10;

/// How a narrow load's result is extended, for the fused wasm loads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Extension {
    Sign,
    Zero,
}

/// Runs the pass over `module`. On failure returns every diagnostic found.
///
/// # Safety
/// `module` must be a valid module whose data layout is `td`'s.
pub unsafe fn lower_module(
    module: LLVMModuleRef,
    td: LLVMTargetDataRef,
    features: Features,
) -> Result<Summary, Vec<Diagnostic>> {
    let ctx = LLVMGetModuleContext(module);
    let mut pass = Lowering {
        ctx,
        module,
        td,
        features,
        builder: LLVMCreateBuilderInContext(ctx),
        splitter: AddressSplitter::new(ctx, td),
        diagnostics: Vec::new(),
        erased: HashSet::new(),
        summary: Summary::default(),
        function_name: String::new(),
        i32: LLVMInt32TypeInContext(ctx),
        i64: LLVMInt64TypeInContext(ctx),
        array_keys: HashMap::new(),
    };
    pass.check_globals();
    for f in functions(module) {
        if LLVMCountBasicBlocks(f) == 0 {
            continue;
        }
        pass.function_name = name_of(f);
        for inst in instructions(f) {
            if !pass.erased.contains(&inst) {
                pass.visit(inst);
            }
        }
    }
    LLVMDisposeBuilder(pass.builder);
    if pass.diagnostics.is_empty() {
        Ok(pass.summary)
    } else {
        Err(pass.diagnostics)
    }
}

struct Lowering {
    ctx: LLVMContextRef,
    module: LLVMModuleRef,
    td: LLVMTargetDataRef,
    features: Features,
    builder: LLVMBuilderRef,
    splitter: AddressSplitter,
    diagnostics: Vec<Diagnostic>,
    /// Instructions erased while lowering an earlier one (fused extensions).
    erased: HashSet<Value>,
    summary: Summary,
    function_name: String,
    i32: Type,
    i64: Type,
    /// Private address space of each wasm_memory array -> its memory key.
    array_keys: HashMap<u32, String>,
}

impl Lowering {
    fn error(&mut self, at: Value, message: String) {
        let location = unsafe { location(at) };
        self.diagnostics.push(Diagnostic { location, function: self.function_name.clone(), message });
    }

    /// The memory a pointer points into, if it is not the default memory;
    /// reserved or out-of-range address spaces are diagnosed.
    unsafe fn memory_of(&mut self, at: Value, ptr: Value) -> Option<MemoryKey> {
        let space = address_space_of(ptr)?;
        if space == 0 {
            return None;
        }
        if let Some(key) = self.array_keys.get(&space) {
            return Some(MemoryKey::Named(key.clone()));
        }
        if space == DEFAULT_MEMORY_ADDRESS_SPACE {
            return Some(MemoryKey::Application);
        }
        if wasm_memory::is_array_space(space) {
            self.error(at, format!("address space {space} is reserved for wasm_memory arrays"));
            return None;
        }
        if RESERVED_ADDRESS_SPACES.contains(&space) {
            self.error(at, format!("address space {space} is reserved by LLVM's WebAssembly backend for reference types and cannot name a memory"));
            return None;
        }
        if space > MAX_MEMORY_NUMBER {
            self.error(at, format!("memory {space} is out of range: memories are numbered 0 to {MAX_MEMORY_NUMBER}"));
            return None;
        }
        Some(MemoryKey::Numbered(space))
    }

    /// Variables in memory N are placed there by section (see
    /// [`super::globals`]); `wasm_memory` arrays become named memories
    /// ([`super::wasm_memory`]). A global has no debug location of its own
    /// with line tables only, so errors point at its first use.
    unsafe fn check_globals(&mut self) {
        let (arrays, problems) = wasm_memory::place_arrays(self.module, self.td);
        for problem in problems {
            self.error_at_use(problem.global, problem.message);
        }
        self.array_keys = arrays.key_of_space;
        self.summary.arrays = arrays.memories;
        let array_definitions = arrays.definitions;
        let (declared, conflicts) = super::declarations::collect_declarations(self.module);
        for conflict in conflicts {
            self.diagnostics.push(Diagnostic { location: conflict.location, function: String::new(), message: conflict.message });
        }
        self.summary.declarations = declared;
        let memory_ok = |space: u32| -> Result<(), String> {
            if RESERVED_ADDRESS_SPACES.contains(&space) {
                Err(format!("address space {space} is reserved by LLVM's WebAssembly backend for reference types and cannot name a memory"))
            } else if space == DEFAULT_MEMORY_ADDRESS_SPACE {
                Err("__default_memory names the application's memory for pointers; a variable of the application is declared \
                     in the application's code, without a qualifier"
                    .to_string())
            } else if space > MAX_MEMORY_NUMBER {
                Err(format!("memory {space} is out of range: memories are numbered 0 to {MAX_MEMORY_NUMBER}"))
            } else {
                Ok(())
            }
        };
        for problem in super::globals::place_globals(self.module, self.td, &memory_ok) {
            self.error_at_use(problem.global, problem.message);
        }
        wasm_memory::rebuild_used_lists(self.module, &array_definitions);
    }

    /// Reports `message` at the first instruction using `global` (through
    /// constant expressions), or without a location if none has one.
    unsafe fn error_at_use(&mut self, global: Value, message: String) {
        let mut stack = users(global);
        let mut seen = HashSet::new();
        while let Some(u) = stack.pop() {
            if !seen.insert(u) {
                continue;
            }
            if opcode(u).is_some() {
                if let Some(loc) = location(u) {
                    let function = name_of(LLVMGetBasicBlockParent(LLVMGetInstructionParent(u)));
                    self.diagnostics.push(Diagnostic { location: Some(loc), function, message });
                    return;
                }
            } else if !LLVMIsAConstant(u).is_null() {
                stack.extend(users(u));
            }
        }
        self.diagnostics.push(Diagnostic { location: None, function: String::new(), message });
    }

    unsafe fn visit(&mut self, inst: Value) {
        let Some(op) = opcode(inst) else { return };
        self.check_constant_casts(inst);
        match op {
            LLVMOpcode::LLVMLoad => {
                let ptr = LLVMGetOperand(inst, 0);
                if let Some(mem) = self.memory_of(inst, ptr) {
                    self.lower_load(inst, ptr, &mem, false);
                }
            }
            LLVMOpcode::LLVMStore => {
                let ptr = LLVMGetOperand(inst, 1);
                if let Some(mem) = self.memory_of(inst, ptr) {
                    self.lower_store(inst, ptr, &mem, false);
                }
            }
            LLVMOpcode::LLVMAtomicRMW => {
                if let Some(mem) = self.memory_of(inst, LLVMGetOperand(inst, 0)) {
                    self.lower_atomic_rmw(inst, &mem);
                }
            }
            LLVMOpcode::LLVMAtomicCmpXchg => {
                if let Some(mem) = self.memory_of(inst, LLVMGetOperand(inst, 0)) {
                    self.lower_cmpxchg(inst, &mem);
                }
            }
            LLVMOpcode::LLVMAddrSpaceCast => {
                let from = LLVMGetPointerAddressSpace(type_of(LLVMGetOperand(inst, 0)));
                let to = LLVMGetPointerAddressSpace(type_of(inst));
                if self.same_memory(from, to) {
                    // The same address: as integers, which the backend can
                    // select (an addrspacecast it cannot).
                    LLVMPositionBuilderBefore(self.builder, inst);
                    let address = LLVMBuildPtrToInt(self.builder, LLVMGetOperand(inst, 0), self.i32, c"".as_ptr());
                    let pointer = LLVMBuildIntToPtr(self.builder, address, type_of(inst), c"".as_ptr());
                    LLVMReplaceAllUsesWith(inst, pointer);
                    self.erased.insert(inst);
                    LLVMInstructionEraseFromParent(inst);
                } else {
                    self.error(inst, cast_message(from, to));
                }
            }
            LLVMOpcode::LLVMCall => self.visit_call(inst),
            _ => {}
        }
    }

    /// Address-space casts hidden in constant expressions (e.g. casting the
    /// address of a global) are as meaningless as cast instructions.
    unsafe fn check_constant_casts(&mut self, inst: Value) {
        // A cast between two names of one memory, as an operand: the same
        // address as integers.
        for (i, operand) in operands(inst).into_iter().enumerate() {
            if !LLVMIsAConstantExpr(operand).is_null() && LLVMGetConstOpcode(operand) == LLVMOpcode::LLVMAddrSpaceCast {
                let inner = LLVMGetOperand(operand, 0);
                let (from, to) = (LLVMGetPointerAddressSpace(type_of(inner)), LLVMGetPointerAddressSpace(type_of(operand)));
                if self.same_memory(from, to) {
                    let same = LLVMConstIntToPtr(LLVMConstPtrToInt(inner, self.i32), type_of(operand));
                    LLVMSetOperand(inst, i as u32, same);
                }
            }
        }
        let mut stack: Vec<Value> = operands(inst).into_iter().filter(|v| !LLVMIsAConstantExpr(*v).is_null()).collect();
        let mut seen = HashSet::new();
        while let Some(c) = stack.pop() {
            if !seen.insert(c) {
                continue;
            }
            if LLVMGetConstOpcode(c) == LLVMOpcode::LLVMAddrSpaceCast {
                let from = LLVMGetPointerAddressSpace(type_of(LLVMGetOperand(c, 0)));
                let to = LLVMGetPointerAddressSpace(type_of(c));
                self.error(inst, cast_message(from, to));
            }
            stack.extend(operands(c).into_iter().filter(|v| !LLVMIsAConstantExpr(*v).is_null()));
        }
    }

    unsafe fn visit_call(&mut self, call: Value) {
        let Some(callee) = called_function(call) else { return };
        let name = name_of(callee);
        if let Some(op) = name.strip_prefix("__mmcc_memory_atomic_") {
            return self.lower_wait_notify(call, op);
        }
        if let Some(function) = name.strip_prefix(runtime::GENERIC_PREFIX) {
            return self.lower_runtime_call(call, function);
        }
        if let Some(op) = name.strip_prefix("__mmcc_wasm_memory_") {
            return self.lower_array_size_or_grow(call, op);
        }
        if !name.starts_with("llvm.") {
            return; // passing memory-N pointers to functions is fine
        }
        let args: Vec<Value> = (0..LLVMGetNumArgOperands(call)).map(|i| LLVMGetOperand(call, i)).collect();
        // Intrinsic names carry type suffixes: llvm.memcpy.p2.p0.i32,
        // llvm.memcpy.inline.p2.p0.i64, llvm.wasm.memory.size.i32, ...
        let family = |prefix: &str| name.starts_with(prefix);
        match () {
            _ if family("llvm.memcpy.") || family("llvm.memmove.") => self.lower_copy(call, &args),
            _ if family("llvm.memset.") => self.lower_fill(call, &args),
            _ if family("llvm.wasm.memory.") => self.lower_memory_size_or_grow(call, &name, &args),
            _ => {
                let spaces: Vec<u32> = args.iter().filter_map(|a| address_space_of(*a)).filter(|s| *s != 0).collect();
                if spaces.is_empty() {
                    return;
                }
                // Intrinsics that only compute with the pointer value or carry
                // metadata are fine; a prefetch is a hint that can go.
                const HARMLESS: &[&str] = &[
                    "llvm.dbg", "llvm.ptrmask", "llvm.assume", "llvm.annotation", "llvm.ptr.annotation",
                    "llvm.var.annotation", "llvm.launder.invariant.group", "llvm.strip.invariant.group",
                    "llvm.objectsize", "llvm.is.constant", "llvm.lifetime", "llvm.invariant",
                    // Diagnosed with its thread-local global.
                    "llvm.threadlocal.address",
                ];
                if name.starts_with("llvm.prefetch") {
                    self.erased.insert(call);
                    LLVMInstructionEraseFromParent(call);
                } else if !HARMLESS.iter().any(|h| name.starts_with(h)) {
                    self.error(call, format!("`{name}` on a pointer into memory {} is not supported", spaces[0]));
                }
            }
        }
    }

    // ---- markers ---------------------------------------------------------

    /// Declares (once) and calls the marker; returns the call.
    unsafe fn call_marker(
        &mut self,
        marker: &Marker,
        ret: Option<(Type, Option<Extension>)>,
        args: &[Value],
    ) -> Value {
        let mut params: Vec<Type> = args.iter().map(|a| type_of(*a)).collect();
        let ret_ty = ret.map(|(t, _)| t).unwrap_or_else(|| LLVMVoidTypeInContext(self.ctx));
        // One LLVM declaration per name: a signature other than the
        // canonical one for the instruction gets a type tag in the name.
        let mut marker = marker.clone();
        marker.type_tag = self.signature_tag(&marker, ret, &params);
        let name = cstr(&marker.symbol_name());
        let mut f = LLVMGetNamedFunction(self.module, name.as_ptr());
        let fn_ty = LLVMFunctionType(ret_ty, params.as_mut_ptr(), params.len() as u32, 0);
        if f.is_null() {
            f = LLVMAddFunction(self.module, name.as_ptr(), fn_ty);
            add_attribute(self.ctx, f, u32::MAX, "nounwind", 0);
            let is_plain_access = matches!(marker.op.immediates, marker::Immediates::MemArg { .. } | marker::Immediates::MemArgLane { .. })
                && marker.op.feature != marker::Feature::Atomics;
            if !marker.volatile && is_plain_access {
                add_attribute(self.ctx, f, u32::MAX, "willreturn", 0);
                let effects = if marker.op.results.is_empty() { MEMORY_WRITE } else { MEMORY_READ };
                add_attribute(self.ctx, f, u32::MAX, "memory", effects);
            }
            match ret {
                Some((_, Some(Extension::Zero))) => add_attribute(self.ctx, f, 0, "zeroext", 0),
                Some((_, Some(Extension::Sign))) => add_attribute(self.ctx, f, 0, "signext", 0),
                _ => {}
            }
        }
        let mut args = args.to_vec();
        self.summary.markers += 1;
        LLVMBuildCall2(self.builder, fn_ty, f, args.as_mut_ptr(), args.len() as u32, c"".as_ptr())
    }

    /// `None` if the LLVM signature is the instruction's canonical one
    /// (i32, i64, float, double), else a tag spelling the LLVM types.
    unsafe fn signature_tag(&self, marker: &Marker, ret: Option<(Type, Option<Extension>)>, params: &[Type]) -> Option<String> {
        let canonical = |t: marker::ValType| -> Type {
            match t {
                marker::ValType::I32 => self.i32,
                marker::ValType::I64 => self.i64,
                marker::ValType::F32 => LLVMFloatTypeInContext(self.ctx),
                marker::ValType::F64 => LLVMDoubleTypeInContext(self.ctx),
                marker::ValType::V128 => std::ptr::null_mut(), // always tagged
            }
        };
        let ret_ok = match (ret, marker.op.results.first()) {
            (None, None) => true,
            (Some((t, None)), Some(r)) => t == canonical(*r),
            _ => false,
        };
        let params_ok = params.len() == marker.op.params.len()
            && params.iter().zip(marker.op.params).all(|(p, c)| *p == canonical(*c));
        if ret_ok && params_ok {
            return None;
        }
        let mut tag = String::new();
        if let Some((t, ext)) = ret {
            tag.push_str(&format!("r{}", short_type(t)));
            match ext {
                Some(Extension::Zero) => tag.push('z'),
                Some(Extension::Sign) => tag.push('s'),
                None => {}
            }
        }
        for p in params {
            tag.push_str(&format!("p{}", short_type(*p)));
        }
        Some(tag)
    }

    unsafe fn marker(&self, op: &str, mem: &MemoryKey, offset: u64, align_bytes: u32, volatile: bool) -> Marker {
        let op = marker::op(op).expect("instruction is in the marker table");
        let mut m = Marker::new(op, vec![mem.clone()]);
        if let marker::Immediates::MemArg { natural } | marker::Immediates::MemArgLane { natural } = op.immediates {
            m.offset = offset;
            let log2 = if align_bytes == 0 { natural } else { align_bytes.trailing_zeros() as u8 };
            m.align = log2.min(natural);
        }
        m.volatile = volatile;
        m
    }

    unsafe fn address(&mut self, at: Value, ptr: Value) -> (Value, u64) {
        let (base, offset) = self.splitter.split(ptr);
        LLVMPositionBuilderBefore(self.builder, at);
        (LLVMBuildPtrToInt(self.builder, base, self.i32, c"".as_ptr()), offset)
    }

    // ---- loads -----------------------------------------------------------

    /// `as_plain`: an atomic load lowered as a plain one (no atomics
    /// feature, see `atomics`).
    unsafe fn lower_load(&mut self, load: Value, ptr: Value, mem: &MemoryKey, as_plain: bool) {
        if !as_plain && LLVMGetOrdering(load) != LLVMAtomicOrdering::LLVMAtomicOrderingNotAtomic {
            return self.lower_atomic_load(load, ptr, &mem);
        }
        let ty = type_of(load);
        let volatile = LLVMGetVolatile(load) != 0;
        let align = LLVMGetAlignment(load);
        let (addr, offset) = self.address(load, ptr);
        if self.fused_vector_load(load, ty, mem, addr, offset, align, volatile) {
            return;
        }
        let Some(value) = self.load_value(load, ty, mem, addr, offset, align, volatile) else { return };
        LLVMReplaceAllUsesWith(load, value);
        LLVMInstructionEraseFromParent(load);
    }

    /// Emits the marker(s) for a load of `ty`, returning a value of type `ty`
    /// (or `None` after a diagnostic). Extensions of narrow loads are fused.
    #[allow(clippy::too_many_arguments)]
    unsafe fn load_value(&mut self, load: Value, ty: Type, mem: &MemoryKey, addr: Value, offset: u64, align: u32, volatile: bool) -> Option<Value> {
        let bits = size_in_bits(self.td, ty);
        if let Some(value) = self.fused_extending_load(load, ty, mem, addr, offset, align, volatile) {
            return Some(value);
        }
        if let Some(value) = self.legalized_vector_load(load, ty, mem, addr, offset, align, volatile) {
            return value;
        }
        match (kind(ty), int_width(ty)) {
            (_, Some(w @ (8 | 16 | 32))) => {
                if let Some((ext, wide)) = self.uniform_extension(load) {
                    let wide_bits = LLVMGetIntTypeWidth(wide);
                    // Only i32 and i64 have extending loads: an extension
                    // to i40 or i128 keeps its own instruction.
                    if wide_bits > w && matches!(wide_bits, 32 | 64) {
                        let prefix = if wide_bits == 64 { "i64" } else { "i32" };
                        let suffix = if ext == Extension::Sign { "s" } else { "u" };
                        let m = self.marker(&format!("{prefix}.load{w}_{suffix}"), mem, offset, align, volatile);
                        let value = self.call_marker(&m, Some((wide, None)), &[addr]);
                        for user in users(load) {
                            LLVMReplaceAllUsesWith(user, value);
                            self.erased.insert(user);
                            LLVMInstructionEraseFromParent(user);
                        }
                        return Some(LLVMGetUndef(ty)); // no users remain
                    }
                }
                if w == 32 {
                    let m = self.marker("i32.load", mem, offset, align, volatile);
                    return Some(self.call_marker(&m, Some((ty, None)), &[addr]));
                }
                let m = self.marker(&format!("i32.load{w}_u"), mem, offset, align, volatile);
                Some(self.call_marker(&m, Some((ty, Some(Extension::Zero))), &[addr]))
            }
            (_, Some(64)) => {
                let m = self.marker("i64.load", mem, offset, align, volatile);
                Some(self.call_marker(&m, Some((ty, None)), &[addr]))
            }
            (_, Some(1)) => {
                let m = self.marker("i32.load8_u", mem, offset, align, volatile);
                let v = self.call_marker(&m, Some((self.i32, None)), &[addr]);
                Some(LLVMBuildTrunc(self.builder, v, ty, c"".as_ptr()))
            }
            (LLVMTypeKind::LLVMFloatTypeKind, _) => {
                let m = self.marker("f32.load", mem, offset, align, volatile);
                Some(self.call_marker(&m, Some((ty, None)), &[addr]))
            }
            (LLVMTypeKind::LLVMDoubleTypeKind, _) => {
                let m = self.marker("f64.load", mem, offset, align, volatile);
                Some(self.call_marker(&m, Some((ty, None)), &[addr]))
            }
            (LLVMTypeKind::LLVMPointerTypeKind, _) => {
                let m = self.marker("i32.load", mem, offset, align, volatile);
                let v = self.call_marker(&m, Some((self.i32, None)), &[addr]);
                Some(LLVMBuildIntToPtr(self.builder, v, ty, c"".as_ptr()))
            }
            (LLVMTypeKind::LLVMVectorTypeKind, _) if bits == 128 && self.features.simd128 => {
                let m = self.marker("v128.load", mem, offset, align, volatile);
                Some(self.call_marker(&m, Some((ty, None)), &[addr]))
            }
            (_, None) if matches!(bits, 8 | 16 | 32 | 64) && self.is_bitcastable(ty) => {
                // half, <2 x float>, <8 x i8>, ...: load the same bits as an integer.
                let int = LLVMIntTypeInContext(self.ctx, bits as u32);
                let v = self.load_value(load, int, mem, addr, offset, align, volatile)?;
                Some(LLVMBuildBitCast(self.builder, v, ty, c"".as_ptr()))
            }
            _ if bits == 128 && self.is_bitcastable(ty) => {
                // i128, fp128 (long double), vectors without SIMD: two i64 loads.
                let align = if align == 0 { 8 } else { align.min(8) };
                let lo_m = self.marker("i64.load", mem, offset, align, volatile);
                let hi_m = self.marker("i64.load", mem, offset + 8, align, volatile);
                let lo = self.call_marker(&lo_m, Some((self.i64, None)), &[addr]);
                let hi = self.call_marker(&hi_m, Some((self.i64, None)), &[addr]);
                let i128 = LLVMInt128TypeInContext(self.ctx);
                let lo = LLVMBuildZExt(self.builder, lo, i128, c"".as_ptr());
                let hi = LLVMBuildZExt(self.builder, hi, i128, c"".as_ptr());
                let hi = LLVMBuildShl(self.builder, hi, LLVMConstInt(i128, 64, 0), c"".as_ptr());
                let v = LLVMBuildOr(self.builder, lo, hi, c"".as_ptr());
                Some(if ty == i128 { v } else { LLVMBuildBitCast(self.builder, v, ty, c"".as_ptr()) })
            }
            (LLVMTypeKind::LLVMIntegerTypeKind, Some(_)) => self.load_odd_integer(load, ty, mem, addr, offset, align, volatile),
            _ => {
                self.error(load, format!("loading a value of type `{}` from memory {mem} is not supported", type_string(ty)));
                None
            }
        }
    }

    /// If every user of a narrow integer load extends it the same way to the
    /// same wider type, the fused load (`i32.load8_s`, ...) does both.
    unsafe fn uniform_extension(&self, load: Value) -> Option<(Extension, Type)> {
        let users = users(load);
        let mut found: Option<(Extension, Type)> = None;
        for user in &users {
            let ext = match opcode(*user) {
                Some(LLVMOpcode::LLVMSExt) => Extension::Sign,
                Some(LLVMOpcode::LLVMZExt) => Extension::Zero,
                _ => return None,
            };
            let ty = type_of(*user);
            if int_width(ty).is_none() {
                return None; // vector extensions
            }
            match found {
                None => found = Some((ext, ty)),
                Some(f) if f == (ext, ty) => {}
                _ => return None,
            }
        }
        found
    }

    unsafe fn is_bitcastable(&self, ty: Type) -> bool {
        match kind(ty) {
            LLVMTypeKind::LLVMStructTypeKind | LLVMTypeKind::LLVMArrayTypeKind => false,
            LLVMTypeKind::LLVMVectorTypeKind => {
                // Vectors of pointers cannot be bitcast to integers.
                kind(LLVMGetElementType(ty)) != LLVMTypeKind::LLVMPointerTypeKind
            }
            _ => true,
        }
    }

    // ---- stores ----------------------------------------------------------

    unsafe fn lower_store(&mut self, store: Value, ptr: Value, mem: &MemoryKey, as_plain: bool) {
        if !as_plain && LLVMGetOrdering(store) != LLVMAtomicOrdering::LLVMAtomicOrderingNotAtomic {
            return self.lower_atomic_store(store, ptr, &mem);
        }
        let value = LLVMGetOperand(store, 0);
        let volatile = LLVMGetVolatile(store) != 0;
        let align = LLVMGetAlignment(store);
        let (addr, offset) = self.address(store, ptr);
        if self.store_value(store, value, mem, addr, offset, align, volatile) {
            LLVMInstructionEraseFromParent(store);
        }
    }

    #[allow(clippy::too_many_arguments)]
    unsafe fn store_value(&mut self, store: Value, value: Value, mem: &MemoryKey, addr: Value, offset: u64, align: u32, volatile: bool) -> bool {
        let ty = type_of(value);
        let bits = size_in_bits(self.td, ty);
        let emit = |this: &mut Self, op: &str, v: Value| {
            let m = this.marker(op, mem, offset, align, volatile);
            this.call_marker(&m, None, &[addr, v]);
        };
        if self.fused_lane_store(value, mem, addr, offset, align, volatile) {
            return true;
        }
        if let Some(stored) = self.legalized_vector_store(store, value, mem, addr, offset, align, volatile) {
            return stored;
        }
        match (kind(ty), int_width(ty)) {
            (_, Some(w @ (8 | 16 | 32))) => {
                // A store of a truncated value is a truncating store.
                if opcode(value) == Some(LLVMOpcode::LLVMTrunc) {
                    let wide = LLVMGetOperand(value, 0);
                    match int_width(type_of(wide)) {
                        Some(64) => {
                            emit(self, &format!("i64.store{w}"), wide);
                            return true;
                        }
                        Some(32) if w < 32 => {
                            emit(self, &format!("i32.store{w}"), wide);
                            return true;
                        }
                        _ => {}
                    }
                }
                if w == 32 {
                    emit(self, "i32.store", value);
                } else {
                    emit(self, &format!("i32.store{w}"), value);
                }
            }
            (_, Some(64)) => emit(self, "i64.store", value),
            (_, Some(1)) => {
                let v = LLVMBuildZExt(self.builder, value, self.i32, c"".as_ptr());
                emit(self, "i32.store8", v);
            }
            (LLVMTypeKind::LLVMFloatTypeKind, _) => emit(self, "f32.store", value),
            (LLVMTypeKind::LLVMDoubleTypeKind, _) => emit(self, "f64.store", value),
            (LLVMTypeKind::LLVMPointerTypeKind, _) => {
                let v = LLVMBuildPtrToInt(self.builder, value, self.i32, c"".as_ptr());
                emit(self, "i32.store", v);
            }
            (LLVMTypeKind::LLVMVectorTypeKind, _) if bits == 128 && self.features.simd128 => {
                emit(self, "v128.store", value);
            }
            (_, None) if matches!(bits, 8 | 16 | 32 | 64) && self.is_bitcastable(ty) => {
                let int = LLVMIntTypeInContext(self.ctx, bits as u32);
                let v = LLVMBuildBitCast(self.builder, value, int, c"".as_ptr());
                return self.store_value(store, v, mem, addr, offset, align, volatile);
            }
            _ if bits == 128 && self.is_bitcastable(ty) => {
                let i128 = LLVMInt128TypeInContext(self.ctx);
                let v = if ty == i128 { value } else { LLVMBuildBitCast(self.builder, value, i128, c"".as_ptr()) };
                let lo = LLVMBuildTrunc(self.builder, v, self.i64, c"".as_ptr());
                let hi = LLVMBuildLShr(self.builder, v, LLVMConstInt(i128, 64, 0), c"".as_ptr());
                let hi = LLVMBuildTrunc(self.builder, hi, self.i64, c"".as_ptr());
                let align = if align == 0 { 8 } else { align.min(8) };
                let lo_m = self.marker("i64.store", mem, offset, align, volatile);
                let hi_m = self.marker("i64.store", mem, offset + 8, align, volatile);
                self.call_marker(&lo_m, None, &[addr, lo]);
                self.call_marker(&hi_m, None, &[addr, hi]);
            }
            (LLVMTypeKind::LLVMIntegerTypeKind, Some(_)) => return self.store_odd_integer(store, value, mem, addr, offset, align, volatile),
            _ => {
                self.error(store, format!("storing a value of type `{}` to memory {mem} is not supported", type_string(ty)));
                return false;
            }
        }
        true
    }

    // ---- bulk memory and memory.size/grow --------------------------------

    unsafe fn lower_copy(&mut self, call: Value, args: &[Value]) {
        let (dst, src, len) = (args[0], args[1], args[2]);
        let (dst_mem, src_mem) = match (self.memory_of(call, dst), self.memory_of(call, src)) {
            (None, None) => return,
            (d, s) => (d.unwrap_or(MemoryKey::Numbered(0)), s.unwrap_or(MemoryKey::Numbered(0))),
        };
        if !self.features.bulk_memory {
            self.error(call, format!("copying memory {src_mem} to memory {dst_mem} needs the bulk-memory feature; do not pass -mno-bulk-memory"));
            return;
        }
        LLVMPositionBuilderBefore(self.builder, call);
        let d = LLVMBuildPtrToInt(self.builder, dst, self.i32, c"".as_ptr());
        let s = LLVMBuildPtrToInt(self.builder, src, self.i32, c"".as_ptr());
        let n = self.to_i32(len);
        let op = marker::op("memory.copy").expect("in table");
        let m = Marker::new(op, vec![dst_mem, src_mem]);
        self.call_marker(&m, None, &[d, s, n]);
        self.erased.insert(call);
        LLVMInstructionEraseFromParent(call);
    }

    unsafe fn lower_fill(&mut self, call: Value, args: &[Value]) {
        let (dst, byte, len) = (args[0], args[1], args[2]);
        let Some(mem) = self.memory_of(call, dst) else { return };
        if !self.features.bulk_memory {
            self.error(call, format!("memset on memory {mem} needs the bulk-memory feature; do not pass -mno-bulk-memory"));
            return;
        }
        LLVMPositionBuilderBefore(self.builder, call);
        let d = LLVMBuildPtrToInt(self.builder, dst, self.i32, c"".as_ptr());
        let v = LLVMBuildZExt(self.builder, byte, self.i32, c"".as_ptr());
        let n = self.to_i32(len);
        let m = Marker::new(marker::op("memory.fill").expect("in table"), vec![mem]);
        self.call_marker(&m, None, &[d, v, n]);
        self.erased.insert(call);
        LLVMInstructionEraseFromParent(call);
    }

    unsafe fn to_i32(&self, v: Value) -> Value {
        match int_width(type_of(v)) {
            Some(w) if w > 32 => LLVMBuildTrunc(self.builder, v, self.i32, c"".as_ptr()),
            Some(w) if w < 32 => LLVMBuildZExt(self.builder, v, self.i32, c"".as_ptr()),
            _ => v,
        }
    }

    /// `mm_atomic_wait32/wait64/notify(N, p, ...)` from <mmcc.h> call
    /// `__mmcc_memory_atomic_<op>(N, address, ...)`, which becomes
    /// `memory.atomic.<op>` on memory N.
    unsafe fn lower_wait_notify(&mut self, call: Value, op: &str) {
        let args: Vec<Value> = (0..LLVMGetNumArgOperands(call)).map(|i| LLVMGetOperand(call, i)).collect();
        let wanted = match op {
            "wait32" | "wait64" => 4,
            "notify" => 3,
            _ => return self.error(call, format!("unknown mmcc atomic helper `__mmcc_memory_atomic_{op}`")),
        };
        if args.len() != wanted {
            return self.error(call, format!("`__mmcc_memory_atomic_{op}` takes {wanted} arguments; use mm_atomic_{op} from <mmcc.h>"));
        }
        if LLVMIsAConstantInt(args[0]).is_null() {
            return self.error(call, format!("the memory of mm_atomic_{op} must be a constant: a memory index is part of the instruction"));
        }
        let mem = LLVMConstIntGetZExtValue(args[0]) as u32;
        if RESERVED_ADDRESS_SPACES.contains(&mem) || mem > MAX_MEMORY_NUMBER {
            return self.error(call, format!("mm_atomic_{op} on memory {mem}: memory numbers are 0 to {MAX_MEMORY_NUMBER}, except 10 and 20"));
        }
        if !self.features.atomics {
            return self.error(call, format!("mm_atomic_{op} needs the atomics feature: compile with -matomics or -pthread"));
        }
        LLVMPositionBuilderBefore(self.builder, call);
        let addr = self.to_i32(args[1]);
        let (name, bytes) = match op {
            "wait32" => ("memory.atomic.wait32", 4),
            "wait64" => ("memory.atomic.wait64", 8),
            _ => ("memory.atomic.notify", 4),
        };
        let m = self.marker(name, &MemoryKey::Numbered(mem), 0, bytes, false);
        let mut operands = vec![addr];
        operands.extend_from_slice(&args[2..]);
        let v = self.call_marker(&m, Some((self.i32, None)), &operands);
        let v = if type_of(call) == self.i32 { v } else { LLVMBuildSExtOrBitCast(self.builder, v, type_of(call), c"".as_ptr()) };
        LLVMReplaceAllUsesWith(call, v);
        self.erased.insert(call);
        LLVMInstructionEraseFromParent(call);
    }

    /// The memory number `arg` of a runtime call, which must be a constant
    /// in range; otherwise a located error naming the public macro.
    unsafe fn runtime_memory(&mut self, call: Value, arg: Value, public: &str) -> Option<u32> {
        if LLVMIsAConstantInt(arg).is_null() {
            self.error(call, format!("the memory of {public} must be an integer constant: each memory has its own heap and functions"));
            return None;
        }
        let mem = LLVMConstIntGetZExtValue(arg) as u32;
        if RESERVED_ADDRESS_SPACES.contains(&mem) || mem > MAX_MEMORY_NUMBER {
            self.error(call, format!("{public} on memory {mem}: memory numbers are 0 to {MAX_MEMORY_NUMBER}, except 10 and 20"));
            return None;
        }
        Some(mem)
    }

    /// `__mmcc_rt_<fn>(N, ...)` from <mmcc.h>'s mm_* macros: a call of
    /// memory N's runtime function `__mmcc_m<N>_<fn>(...)`, or for
    /// `mm_copy`, `memory.copy dN sN` in place.
    unsafe fn lower_runtime_call(&mut self, call: Value, function: &str) {
        let args: Vec<Value> = (0..LLVMGetNumArgOperands(call)).map(|i| LLVMGetOperand(call, i)).collect();
        let public = format!("mm_{function}");
        if args.is_empty() {
            return self.error(call, format!("`{}{function}` takes a memory number first; use {public} from <mmcc.h>", runtime::GENERIC_PREFIX));
        }
        let Some(mem) = self.runtime_memory(call, args[0], &public) else { return };
        LLVMPositionBuilderBefore(self.builder, call);
        if function == runtime::COPY {
            if args.len() != 5 {
                return self.error(call, "mm_copy takes (dst_memory, dst, src_memory, src, n)".into());
            }
            let Some(src_mem) = self.runtime_memory(call, args[2], &public) else { return };
            if !self.features.bulk_memory {
                return self.error(call, format!("copying memory {src_mem} to memory {mem} needs the bulk-memory feature; do not pass -mno-bulk-memory"));
            }
            let (d, s, n) = (self.to_i32(args[1]), self.to_i32(args[3]), self.to_i32(args[4]));
            let m = Marker::new(marker::op("memory.copy").expect("in table"), vec![MemoryKey::Numbered(mem), MemoryKey::Numbered(src_mem)]);
            self.call_marker(&m, None, &[d, s, n]);
        } else {
            let old_ty = LLVMGetCalledFunctionType(call);
            let mut params = vec![std::ptr::null_mut(); LLVMCountParamTypes(old_ty) as usize];
            LLVMGetParamTypes(old_ty, params.as_mut_ptr());
            let mut params: Vec<Type> = params.into_iter().skip(1).collect();
            let fn_ty = LLVMFunctionType(LLVMGetReturnType(old_ty), params.as_mut_ptr(), params.len() as u32, 0);
            let name = cstr(&runtime::symbol(mem, function));
            let mut target = LLVMGetNamedFunction(self.module, name.as_ptr());
            if target.is_null() {
                target = LLVMAddFunction(self.module, name.as_ptr(), fn_ty);
            }
            let mut rest = args[1..].to_vec();
            let new_call = LLVMBuildCall2(self.builder, fn_ty, target, rest.as_mut_ptr(), rest.len() as u32, c"".as_ptr());
            llvm_sys::debuginfo::LLVMInstructionSetDebugLoc(new_call, llvm_sys::debuginfo::LLVMInstructionGetDebugLoc(call));
            if kind(LLVMGetReturnType(old_ty)) != LLVMTypeKind::LLVMVoidTypeKind {
                LLVMReplaceAllUsesWith(call, new_call);
            }
        }
        self.erased.insert(call);
        LLVMInstructionEraseFromParent(call);
    }

    /// `mm_array_pages(a)` / `mm_array_grow(a, d)` of <mmcc.h>:
    /// `__mmcc_wasm_memory_{size,grow}(0, a[, d])`, memory.size / memory.grow
    /// on the array's memory.
    unsafe fn lower_array_size_or_grow(&mut self, call: Value, op: &str) {
        let args: Vec<Value> = (0..LLVMGetNumArgOperands(call)).map(|i| LLVMGetOperand(call, i)).collect();
        let (instruction, arity) = match op {
            "size" => ("memory.size", 2),
            "grow" => ("memory.grow", 3),
            _ => return self.error(call, format!("unknown mmcc helper `__mmcc_wasm_memory_{op}`")),
        };
        let memory = if args.len() == arity { self.memory_of(call, args[1]) } else { None };
        let Some(memory @ MemoryKey::Named(_)) = memory else {
            return self.error(call, format!("mm_array_{} takes a wasm_memory array (and, to grow, a number of pages); use the macro from <mmcc.h>", if op == "size" { "pages" } else { "grow" }));
        };
        LLVMPositionBuilderBefore(self.builder, call);
        let m = Marker::new(marker::op(instruction).expect("in table"), vec![memory]);
        let operands: Vec<Value> = if op == "grow" { vec![self.to_i32(args[2])] } else { Vec::new() };
        let v = self.call_marker(&m, Some((self.i32, None)), &operands);
        let v = if type_of(call) == self.i32 { v } else { LLVMBuildSExtOrBitCast(self.builder, v, type_of(call), c"".as_ptr()) };
        LLVMReplaceAllUsesWith(call, v);
        self.erased.insert(call);
        LLVMInstructionEraseFromParent(call);
    }

    /// `__builtin_wasm_memory_size(N)` / `__builtin_wasm_memory_grow(N, d)`.
    unsafe fn lower_memory_size_or_grow(&mut self, call: Value, name: &str, args: &[Value]) {
        let op = if name.starts_with("llvm.wasm.memory.size") {
            "memory.size"
        } else if name.starts_with("llvm.wasm.memory.grow") {
            "memory.grow"
        } else {
            return;
        };
        let mem = LLVMConstIntGetZExtValue(args[0]) as u32;
        if mem == 0 {
            return;
        }
        if RESERVED_ADDRESS_SPACES.contains(&mem) || mem > MAX_MEMORY_NUMBER {
            self.error(call, format!("{op} on memory {mem}: memory numbers are 0 to {MAX_MEMORY_NUMBER}, except 10 and 20"));
            return;
        }
        LLVMPositionBuilderBefore(self.builder, call);
        let m = Marker::new(marker::op(op).expect("in table"), vec![MemoryKey::Numbered(mem)]);
        let operands: Vec<Value> = args[1..].to_vec();
        let v = self.call_marker(&m, Some((type_of(call), None)), &operands);
        LLVMReplaceAllUsesWith(call, v);
        self.erased.insert(call);
        LLVMInstructionEraseFromParent(call);
    }
}


impl Lowering {
    /// Whether two address spaces are one memory: the default memory and
    /// the application's, named explicitly (`__default_memory`), outside a
    /// library memory.
    fn same_memory(&self, a: u32, b: u32) -> bool {
        self.features.library_memory.is_none() && matches!((a, b), (0, DEFAULT_MEMORY_ADDRESS_SPACE) | (DEFAULT_MEMORY_ADDRESS_SPACE, 0))
    }
}

fn cast_message(from: u32, to: u32) -> String {
    format!(
        "cast from a pointer into memory {from} to a pointer into memory {to}: an address in one WebAssembly memory is meaningless in another; copy the data instead (memcpy works across memories)"
    )
}

/// A short, name-safe spelling of a type: `i8`, `<4 x i32>` -> `v4xi32`.
unsafe fn short_type(ty: Type) -> String {
    let text: String = type_string(ty).chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if kind(ty) == LLVMTypeKind::LLVMVectorTypeKind {
        format!("v{text}")
    } else {
        text
    }
}
