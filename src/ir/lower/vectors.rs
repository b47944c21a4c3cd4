//! Vector loads and stores on memory N, compiled the way LLVM's WebAssembly
//! backend compiles them for memory 0 (its type legalizer and instruction
//! selection patterns, LLVM 19), so that code on memory N is memory 0's
//! instruction for instruction.
//!
//! With SIMD (`-msimd128`), the fused instructions:
//!
//! | IR on memory N | instruction |
//! |---|---|
//! | 64-bit integer vector load, every user the same sext/zext to 128 bits | `v128.load8x8_s` ... `v128.load32x2_u` |
//! | scalar load splatted to every lane (insertelement + zero-mask shuffle), or inserted into lane 0 of undef | `v128.load8_splat` ... `v128.load64_splat` |
//! | 32/64-bit integer load inserted into lane 0 of a zero vector | `v128.load32_zero`, `v128.load64_zero` |
//! | integer load inserted into lane k of a vector | `v128.load8_lane k` ... `v128.load64_lane k` |
//! | store of lane k of an integer vector | `v128.store8_lane k` ... `v128.store64_lane k` |
//!
//! | 32- or 64-bit vector load / store (`<2 x float>`, `<4 x i8>`) | `v128.load32_zero`/`v128.load64_zero` / `v128.store32_lane 0`/`v128.store64_lane 0` |
//!
//! Floating-point lanes are loaded and stored as scalars with
//! `replace_lane`/`extract_lane`, as LLVM does for memory 0.
//!
//! Without SIMD, the legalizer splits a vector into its elements: a vector
//! load or store is one access per element (extending loads for a vector
//! that is sign- or zero-extended). So is a vector of another size with
//! SIMD (`<3 x float>`, `<8 x i32>`): correct, though LLVM may combine
//! some of the elements' accesses for memory 0.

use super::*;

/// A scalar load's value placed in a vector: how, and the instruction that
/// does it.
enum Insertion {
    /// insertelement + shufflevector with a zero mask, or an insert into
    /// lane 0 of undef (the other lanes may then hold anything): every lane.
    Splat(Value),
    /// insertelement into lane 0 of zeroinitializer.
    Zero(Value),
    /// insertelement into lane k of another vector.
    Lane(Value, u8),
}

/// What the lanes of a vector other than one lane hold.
#[derive(PartialEq, Eq)]
enum OtherLanes {
    /// undef or poison (any value will do).
    Undefined,
    /// zero.
    Zero,
    /// Values the instruction must keep.
    Values,
}

unsafe fn other_lanes(vector: Value, lane: u8, lanes: u32) -> OtherLanes {
    if LLVMIsUndef(vector) != 0 {
        return OtherLanes::Undefined;
    }
    if LLVMIsAConstant(vector).is_null() {
        return OtherLanes::Values;
    }
    let elements: Vec<Value> = (0..lanes).filter(|i| *i != lane as u32).map(|i| LLVMGetAggregateElement(vector, i)).collect();
    if elements.iter().any(|e| e.is_null()) {
        return OtherLanes::Values;
    }
    if elements.iter().all(|e| LLVMIsUndef(*e) != 0) {
        OtherLanes::Undefined
    } else if elements.iter().all(|e| LLVMIsNull(*e) != 0) {
        OtherLanes::Zero
    } else {
        OtherLanes::Values
    }
}

impl Lowering {
    /// `v128.loadNxM_{s,u}` for a 64-bit vector load whose users all extend
    /// it the same way to a 128-bit vector. Returns the value replacing the
    /// load (undef: no users remain), or `None` if the pattern does not
    /// apply.
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn fused_extending_load(&mut self, load: Value, ty: Type, mem: &MemoryKey, addr: Value, offset: u64, align: u32, volatile: bool) -> Option<Value> {
        if !self.features.simd128 || kind(ty) != LLVMTypeKind::LLVMVectorTypeKind || size_in_bits(self.td, ty) != 64 {
            return None;
        }
        let lanes = LLVMGetVectorSize(ty);
        let element = int_width(LLVMGetElementType(ty))?;
        let users = users(load);
        let first = *users.first()?;
        let ext = match opcode(first) {
            Some(LLVMOpcode::LLVMSExt) => "s",
            Some(LLVMOpcode::LLVMZExt) => "u",
            _ => return None,
        };
        let wide = type_of(first);
        if size_in_bits(self.td, wide) != 128 || users.iter().any(|u| opcode(*u) != opcode(first) || type_of(*u) != wide) {
            return None;
        }
        let m = self.marker(&format!("v128.load{element}x{lanes}_{ext}"), mem, offset, align, volatile);
        let value = self.call_marker(&m, Some((wide, None)), &[addr]);
        for user in users {
            LLVMReplaceAllUsesWith(user, value);
            self.erased.insert(user);
            LLVMInstructionEraseFromParent(user);
        }
        Some(LLVMGetUndef(ty))
    }

    /// A scalar load whose only use puts it into a 128-bit vector: the
    /// splat, zero-extending or lane load. Returns true if it was lowered
    /// (the load, its insertelement and shuffle are replaced).
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn fused_vector_load(&mut self, load: Value, ty: Type, mem: &MemoryKey, addr: Value, offset: u64, align: u32, volatile: bool) -> bool {
        if !self.features.simd128 {
            return false;
        }
        let Some(insertion) = self.insertion_of(load, ty) else { return false };
        let bits = size_in_bits(self.td, ty);
        let (op, replaced, operands) = match insertion {
            Insertion::Splat(v) => (format!("v128.load{bits}_splat"), v, vec![addr]),
            Insertion::Zero(v) => (format!("v128.load{bits}_zero"), v, vec![addr]),
            Insertion::Lane(v, _) => (format!("v128.load{bits}_lane"), v, vec![addr, LLVMGetOperand(v, 0)]),
        };
        let mut m = self.marker(&op, mem, offset, align, volatile);
        if let Insertion::Lane(_, lane) = insertion {
            m.lane = lane;
        }
        let value = self.call_marker(&m, Some((type_of(replaced), None)), &operands);
        LLVMReplaceAllUsesWith(replaced, value);
        // The chain from the load to the replaced instruction has no other
        // users: erase it from the end.
        let mut chain = vec![replaced];
        if let Insertion::Splat(shuffle) = insertion {
            if opcode(shuffle) == Some(LLVMOpcode::LLVMShuffleVector) {
                chain.push(LLVMGetOperand(shuffle, 0));
            }
        }
        for inst in chain {
            self.erased.insert(inst);
            LLVMInstructionEraseFromParent(inst);
        }
        LLVMInstructionEraseFromParent(load);
        true
    }

    /// How a scalar load of `ty` is placed in a vector, if its single use
    /// is one of the patterns LLVM fuses.
    unsafe fn insertion_of(&self, load: Value, ty: Type) -> Option<Insertion> {
        let [insert] = users(load)[..] else { return None };
        if opcode(insert) != Some(LLVMOpcode::LLVMInsertElement) || LLVMGetOperand(insert, 1) != load {
            return None;
        }
        if size_in_bits(self.td, type_of(insert)) != 128 {
            return None;
        }
        let lane = LLVMGetOperand(insert, 2);
        if LLVMIsAConstantInt(lane).is_null() {
            return None;
        }
        let lane = LLVMConstIntGetZExtValue(lane) as u8;
        let vector = LLVMGetOperand(insert, 0);
        let integer = int_width(ty).is_some_and(|w| matches!(w, 8 | 16 | 32 | 64));
        let float = matches!(kind(ty), LLVMTypeKind::LLVMFloatTypeKind | LLVMTypeKind::LLVMDoubleTypeKind);
        let others = other_lanes(vector, lane, LLVMGetVectorSize(type_of(insert)));
        if lane == 0 && others == OtherLanes::Undefined && (integer || float) {
            if let [shuffle] = users(insert)[..] {
                if self.is_splat_shuffle(shuffle, insert) {
                    return Some(Insertion::Splat(shuffle));
                }
            }
            return Some(Insertion::Splat(insert));
        }
        if !integer {
            return None;
        }
        let bits = size_in_bits(self.td, ty);
        if lane == 0 && others == OtherLanes::Zero && matches!(bits, 32 | 64) {
            return Some(Insertion::Zero(insert));
        }
        if others != OtherLanes::Values || !self.available_at(vector, load) {
            return None;
        }
        Some(Insertion::Lane(insert, lane))
    }

    /// Whether `value` is defined before `at`, so that an instruction at
    /// `at` can use it: a constant or argument, or an instruction earlier
    /// in `at`'s block (other blocks would need a dominator tree; the
    /// vectorizer's lane inserts are in one block).
    unsafe fn available_at(&self, value: Value, at: Value) -> bool {
        if LLVMIsAInstruction(value).is_null() {
            return true;
        }
        if LLVMGetInstructionParent(value) != LLVMGetInstructionParent(at) {
            return false;
        }
        let mut i = LLVMGetPreviousInstruction(at);
        while !i.is_null() {
            if i == value {
                return true;
            }
            i = LLVMGetPreviousInstruction(i);
        }
        false
    }

    /// A shufflevector of `insert` that copies its lane 0 to every lane of
    /// a 128-bit vector.
    unsafe fn is_splat_shuffle(&self, shuffle: Value, insert: Value) -> bool {
        if opcode(shuffle) != Some(LLVMOpcode::LLVMShuffleVector) || LLVMGetOperand(shuffle, 0) != insert {
            return false;
        }
        if size_in_bits(self.td, type_of(shuffle)) != 128 || LLVMGetElementType(type_of(shuffle)) != LLVMGetElementType(type_of(insert)) {
            return false;
        }
        let undef_lane = LLVMGetUndefMaskElem();
        (0..LLVMGetNumMaskElements(shuffle)).all(|i| {
            let lane = LLVMGetMaskValue(shuffle, i);
            lane == 0 || lane == undef_lane
        })
    }

    /// `v128.storeN_lane k` for a store of lane k of a 128-bit integer
    /// vector. Returns true if it was lowered.
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn fused_lane_store(&mut self, value: Value, mem: &MemoryKey, addr: Value, offset: u64, align: u32, volatile: bool) -> bool {
        if !self.features.simd128 || opcode(value) != Some(LLVMOpcode::LLVMExtractElement) {
            return false;
        }
        let (vector, lane) = (LLVMGetOperand(value, 0), LLVMGetOperand(value, 1));
        let Some(bits @ (8 | 16 | 32 | 64)) = int_width(type_of(value)) else { return false };
        if LLVMIsAConstantInt(lane).is_null() || size_in_bits(self.td, type_of(vector)) != 128 {
            return false;
        }
        let mut m = self.marker(&format!("v128.store{bits}_lane"), mem, offset, align, volatile);
        m.lane = LLVMConstIntGetZExtValue(lane) as u8;
        self.call_marker(&m, None, &[addr, vector]);
        // An extract_lane left without users is dead code the backend
        // drops.
        true
    }
}

impl Lowering {
    /// A vector load as LLVM's legalizer does it for memory 0 when the
    /// vector type is not a v128: element by element without SIMD, a
    /// `load_zero` of the widened vector with SIMD. `None` if the type is
    /// not such a vector.
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn legalized_vector_load(&mut self, load: Value, ty: Type, mem: &MemoryKey, addr: Value, offset: u64, align: u32, volatile: bool) -> Option<Option<Value>> {
        let (lanes, element, element_bits) = self.vector_shape(ty)?;
        let bits = lanes as u64 * element_bits;
        if self.features.simd128 && bits == 128 {
            return None;
        }
        if self.features.simd128 && matches!(bits, 32 | 64) {
            let wide = LLVMVectorType(element, (128 / element_bits) as u32);
            let m = self.marker(&format!("v128.load{bits}_zero"), mem, offset, align, volatile);
            let v = self.call_marker(&m, Some((wide, None)), &[addr]);
            return Some(Some(self.low_lanes(v, wide, lanes)));
        }
        // Every user the same sign or zero extension: extending loads.
        let users = users(load);
        let extension = users.first().and_then(|first| {
            let same = users.iter().all(|u| opcode(*u) == opcode(*first) && type_of(*u) == type_of(*first));
            let ext = matches!(opcode(*first), Some(LLVMOpcode::LLVMSExt | LLVMOpcode::LLVMZExt));
            (same && ext && int_width(element).is_some()).then_some(*first)
        });
        let (result_ty, result_element) = match extension {
            Some(ext) => (type_of(ext), LLVMGetElementType(type_of(ext))),
            None => (ty, element),
        };
        let element_bytes = element_bits / 8;
        let element_align = if align == 0 { element_bytes as u32 } else { align.min(element_bytes as u32) };
        let mut vector = LLVMGetUndef(result_ty);
        for lane in 0..lanes {
            let at = offset + lane as u64 * element_bytes;
            let value = match extension {
                Some(ext) => {
                    let w = int_width(element).expect("integer");
                    let wide = int_width(result_element).expect("integer");
                    let prefix = if wide == 64 { "i64" } else { "i32" };
                    let suffix = if opcode(ext) == Some(LLVMOpcode::LLVMSExt) { "s" } else { "u" };
                    // Extending loads exist for 8/16/32-bit elements to
                    // i16 (as i32, truncated), i32 and i64 only.
                    if w >= wide || !matches!(w, 8 | 16 | 32) || !matches!(wide, 16 | 32 | 64) {
                        return None;
                    }
                    let m = self.marker(&format!("{prefix}.load{w}_{suffix}"), mem, at, element_align, volatile);
                    let v = self.call_marker(&m, Some((if wide == 64 { self.i64 } else { self.i32 }, None)), &[addr]);
                    if wide < 32 {
                        LLVMBuildTrunc(self.builder, v, result_element, c"".as_ptr())
                    } else {
                        v
                    }
                }
                None => self.load_value(load, element, mem, addr, at, element_align, volatile)?,
            };
            vector = LLVMBuildInsertElement(self.builder, vector, value, LLVMConstInt(self.i32, lane as u64, 0), c"".as_ptr());
        }
        if extension.is_some() {
            for user in users {
                LLVMReplaceAllUsesWith(user, vector);
                self.erased.insert(user);
                LLVMInstructionEraseFromParent(user);
            }
            return Some(Some(LLVMGetUndef(ty)));
        }
        Some(Some(vector))
    }

    /// A vector store as LLVM's legalizer does it for memory 0 when the
    /// vector type is not a v128 (see [`Self::legalized_vector_load`]).
    /// `None` if the type is not such a vector, else whether it was stored.
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn legalized_vector_store(&mut self, store: Value, value: Value, mem: &MemoryKey, addr: Value, offset: u64, align: u32, volatile: bool) -> Option<bool> {
        let ty = type_of(value);
        let (lanes, _, element_bits) = self.vector_shape(ty)?;
        let bits = lanes as u64 * element_bits;
        if self.features.simd128 && bits == 128 {
            return None;
        }
        if self.features.simd128 && matches!(bits, 32 | 64) {
            let wide_lanes = (128 / element_bits) as u32;
            let mask: Vec<Value> = (0..wide_lanes).map(|i| if i < lanes { LLVMConstInt(self.i32, i as u64, 0) } else { LLVMGetUndef(self.i32) }).collect();
            let mut mask = mask;
            let mask = LLVMConstVector(mask.as_mut_ptr(), wide_lanes);
            let wide = LLVMBuildShuffleVector(self.builder, value, LLVMGetUndef(ty), mask, c"".as_ptr());
            let m = self.marker(&format!("v128.store{bits}_lane"), mem, offset, align, volatile);
            self.call_marker(&m, None, &[addr, wide]);
            return Some(true);
        }
        let element_bytes = element_bits / 8;
        let element_align = if align == 0 { element_bytes as u32 } else { align.min(element_bytes as u32) };
        // The legalizer stores the last element first.
        for lane in (0..lanes).rev() {
            let v = LLVMBuildExtractElement(self.builder, value, LLVMConstInt(self.i32, lane as u64, 0), c"".as_ptr());
            if !self.store_value(store, v, mem, addr, offset + lane as u64 * element_bytes, element_align, volatile) {
                return Some(false);
            }
        }
        Some(true)
    }

    /// (lanes, element type, element bits) of a vector of whole-byte
    /// integers, floats or doubles.
    unsafe fn vector_shape(&self, ty: Type) -> Option<(u32, Type, u64)> {
        if kind(ty) != LLVMTypeKind::LLVMVectorTypeKind {
            return None;
        }
        let element = LLVMGetElementType(ty);
        let element_bits = size_in_bits(self.td, element);
        let scalar = match kind(element) {
            LLVMTypeKind::LLVMIntegerTypeKind => matches!(element_bits, 8 | 16 | 32 | 64),
            LLVMTypeKind::LLVMFloatTypeKind | LLVMTypeKind::LLVMDoubleTypeKind => true,
            _ => false,
        };
        scalar.then(|| (LLVMGetVectorSize(ty), element, element_bits))
    }

    /// The first `lanes` lanes of `v` (of type `wide`), as a narrower vector.
    unsafe fn low_lanes(&self, v: Value, wide: Type, lanes: u32) -> Value {
        let mut mask: Vec<Value> = (0..lanes).map(|i| LLVMConstInt(self.i32, i as u64, 0)).collect();
        let mask = LLVMConstVector(mask.as_mut_ptr(), lanes);
        LLVMBuildShuffleVector(self.builder, v, LLVMGetUndef(wide), mask, c"".as_ptr())
    }
}
