//! Integers of widths WebAssembly has no access for: the storage units of
//! bitfields (`i24`, `i40`, `i48`, `i56`), `_BitInt(N)`, `i96`, `i256`.
//!
//! LLVM's legalizer splits such an access on memory 0 into power-of-two
//! pieces, largest first from the lowest address (an `i56` is an `i32` at
//! offset 0, an `i16` at 4 and an `i8` at 6; little-endian), and joins the
//! pieces with shifts; memory N gets the same pieces, each a marker. The
//! bytes an `iN` occupies are its store size (`ceil(N / 8)`): bits beyond N
//! are written as zero and ignored when read, which LangRef allows.

use super::*;

impl Lowering {
    /// (offset, bytes) of each piece of a `bytes`-byte access.
    fn pieces(bytes: u64) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < bytes {
            let size = [8, 4, 2, 1].into_iter().find(|&s| s <= bytes - at).expect("1 always fits");
            out.push((at, size));
            at += size;
        }
        out
    }

    /// The alignment (bytes) of a piece at `at` bytes past an access
    /// aligned to `align` (0: natural).
    fn piece_align(align: u32, at: u64, size: u64) -> u32 {
        let from_offset = if at == 0 { u64::MAX } else { 1 << at.trailing_zeros() };
        let align = if align == 0 { size } else { align as u64 };
        align.min(size).min(from_offset) as u32
    }

    /// Loads an integer of an odd width as its pieces.
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn load_odd_integer(&mut self, load: Value, ty: Type, mem: &MemoryKey, addr: Value, offset: u64, align: u32, volatile: bool) -> Option<Value> {
        let bytes = LLVMStoreSizeOfType(self.td, ty);
        let whole = LLVMIntTypeInContext(self.ctx, (bytes * 8) as u32);
        let mut value = LLVMConstInt(whole, 0, 0);
        for (at, size) in Self::pieces(bytes) {
            let piece_ty = LLVMIntTypeInContext(self.ctx, (size * 8) as u32);
            let piece = self.load_value(load, piece_ty, mem, addr, offset + at, Self::piece_align(align, at, size), volatile)?;
            let piece = LLVMBuildZExt(self.builder, piece, whole, c"".as_ptr());
            let piece = if at == 0 { piece } else { LLVMBuildShl(self.builder, piece, LLVMConstInt(whole, at * 8, 0), c"".as_ptr()) };
            value = LLVMBuildOr(self.builder, value, piece, c"".as_ptr());
        }
        Some(if whole == ty { value } else { LLVMBuildTrunc(self.builder, value, ty, c"".as_ptr()) })
    }

    /// Stores an integer of an odd width as its pieces.
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn store_odd_integer(&mut self, store: Value, value: Value, mem: &MemoryKey, addr: Value, offset: u64, align: u32, volatile: bool) -> bool {
        let ty = type_of(value);
        let bytes = LLVMStoreSizeOfType(self.td, ty);
        let whole = LLVMIntTypeInContext(self.ctx, (bytes * 8) as u32);
        let value = if whole == ty { value } else { LLVMBuildZExt(self.builder, value, whole, c"".as_ptr()) };
        for (at, size) in Self::pieces(bytes) {
            let piece_ty = LLVMIntTypeInContext(self.ctx, (size * 8) as u32);
            let shifted = if at == 0 { value } else { LLVMBuildLShr(self.builder, value, LLVMConstInt(whole, at * 8, 0), c"".as_ptr()) };
            let piece = LLVMBuildTrunc(self.builder, shifted, piece_ty, c"".as_ptr());
            if !self.store_value(store, piece, mem, addr, offset + at, Self::piece_align(align, at, size), volatile) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::Lowering;

    #[test]
    fn pieces_are_largest_first_from_the_lowest_address() {
        assert_eq!(Lowering::pieces(7), vec![(0, 4), (4, 2), (6, 1)]);
        assert_eq!(Lowering::pieces(3), vec![(0, 2), (2, 1)]);
        assert_eq!(Lowering::pieces(12), vec![(0, 8), (8, 4)]);
        assert_eq!(Lowering::pieces(32), vec![(0, 8), (8, 8), (16, 8), (24, 8)]);
    }

    #[test]
    fn pieces_are_no_more_aligned_than_their_address() {
        assert_eq!(Lowering::piece_align(8, 0, 4), 4);
        assert_eq!(Lowering::piece_align(8, 4, 2), 2);
        assert_eq!(Lowering::piece_align(8, 6, 1), 1);
        assert_eq!(Lowering::piece_align(1, 4, 2), 1);
        assert_eq!(Lowering::piece_align(0, 8, 4), 4);
    }
}
