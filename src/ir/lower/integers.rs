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
    ///
    /// The pieces are loaded by [`Self::load_piece`], never through
    /// `load_value`: that fuses a load with the extensions among *its
    /// load's* users, which here are the users of the whole odd-width
    /// value, so the first piece would take their place and the others
    /// would be lost (an `i24` read as its `i16` alone).
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn load_odd_integer(&mut self, load: Value, ty: Type, mem: &MemoryKey, addr: Value, offset: u64, align: u32, volatile: bool) -> Option<Value> {
        let bytes = LLVMStoreSizeOfType(self.td, ty);
        let whole = LLVMIntTypeInContext(self.ctx, (bytes * 8) as u32);
        if whole == ty {
            if let Some((ext, wide)) = self.uniform_extension(load) {
                if matches!(LLVMGetIntTypeWidth(wide), 32 | 64) && LLVMGetIntTypeWidth(wide) as u64 > bytes * 8 {
                    // Every user extends the value the same way to i32 or
                    // i64: build it in that type with extending loads, as
                    // the legalizer does for memory 0 (`i32.load16_u`,
                    // `i32.load8_s offset=2`, shift, or), so no extension
                    // remains. The highest piece carries the sign.
                    let value = self.load_pieces(wide, Some(ext), bytes, mem, addr, offset, align, volatile);
                    for user in users(load) {
                        LLVMReplaceAllUsesWith(user, value);
                        self.erased.insert(user);
                        LLVMInstructionEraseFromParent(user);
                    }
                    return Some(LLVMGetUndef(ty)); // no users remain
                }
            }
        }
        let value = self.load_pieces(whole, None, bytes, mem, addr, offset, align, volatile);
        Some(if whole == ty { value } else { LLVMBuildTrunc(self.builder, value, ty, c"".as_ptr()) })
    }

    /// The `bytes` bytes at `addr + offset` as an integer of type `into`
    /// (at least `bytes * 8` bits): the pieces shifted into place and or-ed.
    /// `ext`: `into` is i32 or i64 and the pieces are loaded extended to it
    /// (the highest one sign-extended for `Sign`); otherwise each piece is
    /// loaded as itself and zero-extended.
    #[allow(clippy::too_many_arguments)]
    unsafe fn load_pieces(&mut self, into: Type, ext: Option<Extension>, bytes: u64, mem: &MemoryKey, addr: Value, offset: u64, align: u32, volatile: bool) -> Value {
        let pieces = Self::pieces(bytes);
        let last = pieces.len() - 1;
        let mut value = None;
        for (i, &(at, size)) in pieces.iter().enumerate() {
            let piece_align = Self::piece_align(align, at, size);
            let piece = match ext {
                Some(ext) => {
                    let prefix = if into == self.i64 { "i64" } else { "i32" };
                    let suffix = if ext == Extension::Sign && i == last { "s" } else { "u" };
                    let m = self.marker(&format!("{prefix}.load{}_{suffix}", size * 8), mem, offset + at, piece_align, volatile);
                    self.call_marker(&m, Some((into, None)), &[addr])
                }
                None => {
                    let piece = self.load_piece(size, mem, addr, offset + at, piece_align, volatile);
                    if type_of(piece) == into { piece } else { LLVMBuildZExt(self.builder, piece, into, c"".as_ptr()) }
                }
            };
            let piece = if at == 0 { piece } else { LLVMBuildShl(self.builder, piece, LLVMConstInt(into, at * 8, 0), c"".as_ptr()) };
            value = Some(match value {
                None => piece,
                Some(v) => LLVMBuildOr(self.builder, v, piece, c"".as_ptr()),
            });
        }
        value.expect("an access has at least one piece")
    }

    /// One piece of 1, 2, 4 or 8 bytes as an integer of its size; narrow
    /// ones through a `zeroext` marker, so that LLVM knows their high bits
    /// are zero and extends them for free.
    unsafe fn load_piece(&mut self, size: u64, mem: &MemoryKey, addr: Value, offset: u64, align: u32, volatile: bool) -> Value {
        let ty = LLVMIntTypeInContext(self.ctx, (size * 8) as u32);
        let (op, ext) = match size {
            1 => ("i32.load8_u", Some(Extension::Zero)),
            2 => ("i32.load16_u", Some(Extension::Zero)),
            4 => ("i32.load", None),
            _ => ("i64.load", None),
        };
        let m = self.marker(op, mem, offset, align, volatile);
        self.call_marker(&m, Some((ty, ext)), &[addr])
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
