//! Function bodies: every instruction that names a memory is rewritten to
//! the single memory, with its slot's base in the static offset and, for a
//! lower slot, a check of the memory's own bounds first.

use super::layout::{Layout, Slot};
use super::loops::{self, Exit, LoopPlan};
use anyhow::{bail, Result};
use std::collections::{BTreeMap, BTreeSet};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{BlockType, Function, Instruction, MemArg as EncMemArg, ValType};
use wasmparser::{MemArg, MemArgTarget, Operator};

/// One load, store or atomic: its memory, immediate, the bytes it touches,
/// and the operands above its address on the stack.
pub struct Access {
    pub memory: u32,
    pub memarg: MemArg,
    pub width: u64,
    pub above: &'static [ValType],
    /// Atomic accesses check their alignment before their bounds.
    pub atomic: bool,
}

/// One table for the instructions with a memory immediate: how wide each
/// access is and what it takes above the address. [`access`] reads it and
/// [`with_memarg`] rewrites the immediate.
macro_rules! memory_accesses {
    (plain { $($op:ident $width:literal [$($above:ident)*])* } atomic { $($aop:ident $awidth:literal [$($aabove:ident)*])* }) => {
        pub fn access(op: &Operator) -> Option<Access> {
            let (memarg, width, above, atomic): (&MemArg, u64, &'static [ValType], bool) = match op {
                $(Operator::$op { memarg, .. } => (memarg, $width, &[$(ValType::$above),*], false),)*
                $(Operator::$aop { memarg, .. } => (memarg, $awidth, &[$(ValType::$aabove),*], true),)*
                _ => return None,
            };
            let MemArgTarget::Memory(memory) = memarg.target else { return None };
            Some(Access { memory, memarg: *memarg, width, above, atomic })
        }

        fn with_memarg<'a>(mut op: Operator<'a>, offset: u64) -> Operator<'a> {
            match &mut op {
                $(Operator::$op { memarg, .. })|* | $(Operator::$aop { memarg, .. })|* => {
                    memarg.offset = offset;
                    memarg.target = MemArgTarget::Memory(0);
                }
                _ => unreachable!("with_memarg on an instruction without a memory immediate"),
            }
            op
        }
    };
}

memory_accesses! {
    plain {
    I32Load 4 [] I64Load 8 [] F32Load 4 [] F64Load 8 []
    I32Load8S 1 [] I32Load8U 1 [] I32Load16S 2 [] I32Load16U 2 []
    I64Load8S 1 [] I64Load8U 1 [] I64Load16S 2 [] I64Load16U 2 [] I64Load32S 4 [] I64Load32U 4 []
    I32Store 4 [I32] I64Store 8 [I64] F32Store 4 [F32] F64Store 8 [F64]
    I32Store8 1 [I32] I32Store16 2 [I32] I64Store8 1 [I64] I64Store16 2 [I64] I64Store32 4 [I64]
    V128Load 16 [] V128Load8x8S 8 [] V128Load8x8U 8 [] V128Load16x4S 8 [] V128Load16x4U 8 []
    V128Load32x2S 8 [] V128Load32x2U 8 [] V128Load8Splat 1 [] V128Load16Splat 2 [] V128Load32Splat 4 []
    V128Load64Splat 8 [] V128Load32Zero 4 [] V128Load64Zero 8 [] V128Store 16 [V128]
    V128Load8Lane 1 [V128] V128Load16Lane 2 [V128] V128Load32Lane 4 [V128] V128Load64Lane 8 [V128]
    V128Store8Lane 1 [V128] V128Store16Lane 2 [V128] V128Store32Lane 4 [V128] V128Store64Lane 8 [V128]
    }
    atomic {
    MemoryAtomicNotify 4 [I32] MemoryAtomicWait32 4 [I32 I64] MemoryAtomicWait64 8 [I64 I64]
    I32AtomicLoad 4 [] I64AtomicLoad 8 [] I32AtomicLoad8U 1 [] I32AtomicLoad16U 2 []
    I64AtomicLoad8U 1 [] I64AtomicLoad16U 2 [] I64AtomicLoad32U 4 []
    I32AtomicStore 4 [I32] I64AtomicStore 8 [I64] I32AtomicStore8 1 [I32] I32AtomicStore16 2 [I32]
    I64AtomicStore8 1 [I64] I64AtomicStore16 2 [I64] I64AtomicStore32 4 [I64]
    I32AtomicRmwAdd 4 [I32] I64AtomicRmwAdd 8 [I64] I32AtomicRmw8AddU 1 [I32] I32AtomicRmw16AddU 2 [I32]
    I64AtomicRmw8AddU 1 [I64] I64AtomicRmw16AddU 2 [I64] I64AtomicRmw32AddU 4 [I64]
    I32AtomicRmwSub 4 [I32] I64AtomicRmwSub 8 [I64] I32AtomicRmw8SubU 1 [I32] I32AtomicRmw16SubU 2 [I32]
    I64AtomicRmw8SubU 1 [I64] I64AtomicRmw16SubU 2 [I64] I64AtomicRmw32SubU 4 [I64]
    I32AtomicRmwAnd 4 [I32] I64AtomicRmwAnd 8 [I64] I32AtomicRmw8AndU 1 [I32] I32AtomicRmw16AndU 2 [I32]
    I64AtomicRmw8AndU 1 [I64] I64AtomicRmw16AndU 2 [I64] I64AtomicRmw32AndU 4 [I64]
    I32AtomicRmwOr 4 [I32] I64AtomicRmwOr 8 [I64] I32AtomicRmw8OrU 1 [I32] I32AtomicRmw16OrU 2 [I32]
    I64AtomicRmw8OrU 1 [I64] I64AtomicRmw16OrU 2 [I64] I64AtomicRmw32OrU 4 [I64]
    I32AtomicRmwXor 4 [I32] I64AtomicRmwXor 8 [I64] I32AtomicRmw8XorU 1 [I32] I32AtomicRmw16XorU 2 [I32]
    I64AtomicRmw8XorU 1 [I64] I64AtomicRmw16XorU 2 [I64] I64AtomicRmw32XorU 4 [I64]
    I32AtomicRmwXchg 4 [I32] I64AtomicRmwXchg 8 [I64] I32AtomicRmw8XchgU 1 [I32] I32AtomicRmw16XchgU 2 [I32]
    I64AtomicRmw8XchgU 1 [I64] I64AtomicRmw16XchgU 2 [I64] I64AtomicRmw32XchgU 4 [I64]
    I32AtomicRmwCmpxchg 4 [I32 I32] I64AtomicRmwCmpxchg 8 [I64 I64]
    I32AtomicRmw8CmpxchgU 1 [I32 I32] I32AtomicRmw16CmpxchgU 2 [I32 I32]
    I64AtomicRmw8CmpxchgU 1 [I64 I64] I64AtomicRmw16CmpxchgU 2 [I64 I64] I64AtomicRmw32CmpxchgU 4 [I64 I64]
    }
}

fn memarg(offset: u64, align: u32) -> EncMemArg {
    EncMemArg { offset, align, target: wasm_encoder::MemArgTarget::Memory(0), ordering: None }
}

/// Encoded instructions: function bodies are built as bytes, because the
/// scratch locals a body needs are only known once its code is written.
struct Code(Vec<u8>);

impl Code {
    fn new() -> Code {
        Code(Vec::new())
    }
    fn push(&mut self, i: Instruction) {
        wasm_encoder::Encode::encode(&i, &mut self.0);
    }
    fn extend<'a>(&mut self, is: impl IntoIterator<Item = Instruction<'a>>) {
        for i in is {
            self.push(i);
        }
    }
    fn into_function(self, locals: Vec<(u32, ValType)>) -> Function {
        let mut f = Function::new(locals);
        f.raw(self.0);
        f
    }

    /// The engine's own out-of-bounds trap: an access at 2^33 - 2, which no
    /// 32-bit memory reaches.
    fn trap(&mut self) {
        self.extend([Instruction::I32Const(-1), Instruction::I32Load8U(memarg(u64::from(u32::MAX), 0)), Instruction::Drop]);
    }

    /// Pushes memory `slot`'s current size in bytes, as an i64.
    fn size_bytes(&mut self, cx: &Context, slot: &Slot) {
        use Instruction::*;
        if slot.top {
            self.extend([MemorySize(0), I64ExtendI32U, I64Const(16), I64Shl, I64Const(slot.base() as i64), I64Sub]);
        } else if let Some(cell) = cx.layout.size_cell(slot.memory) {
            // The cell holds the bytes grown past the minimum, so that a
            // fresh (zeroed) memory needs no initialization.
            self.extend([I32Const(cell as i32), I64AtomicLoad(memarg(0, 3)), I64Const(slot.min_bytes() as i64), I64Add]);
        } else {
            self.push(GlobalGet(cx.size_globals[&slot.memory]));
        }
    }

    /// Traps unless `[local, local + n)` fits in `slot`, n being local 2
    /// (the bulk instructions' helpers).
    fn check_range(&mut self, cx: &Context, slot: &Slot, local: u32) {
        use Instruction::*;
        self.extend([LocalGet(local), I64ExtendI32U, LocalGet(2), I64ExtendI32U, I64Add]);
        self.size_bytes(cx, slot);
        self.extend([I64GtU, If(BlockType::Empty)]);
        self.trap();
        self.push(End);
    }

    /// Pushes an i64: group `g`'s address (unwrapped) with constant `konst`
    /// in iteration `k` (`None`: the first), entry locals zero-extended,
    /// and each unknown bounded by a local at its least (`high` false) or
    /// greatest value;
    /// `start` holds the exit's induction local's first value (as the
    /// pre-check reads it), other induction locals start at their value.
    /// (The pre-check runs at every entry to the loop, so its terms are
    /// written without multiplications by 1 or additions of 0.)
    /// `counts`: the i64 local holding the last iteration number of each
    /// counted loop inside whose iteration number the address uses.
    /// `climbs`: the i64 locals holding each climbing local's least and
    /// greatest value at an iteration's start, and its largest step.
    #[allow(clippy::too_many_arguments)]
    fn group_address(
        &mut self,
        g: &loops::Group,
        konst: i64,
        high: bool,
        counts: &BTreeMap<u32, u32>,
        climbs: &BTreeMap<u32, (u32, u32, i64)>,
        exit_iv: Option<(u32, u32)>,
        k: Option<u32>,
    ) {
        use Instruction::*;
        let mut terms = 0;
        let mut term = |code: &mut Code, value: &[Instruction], coef: i64| {
            code.extend(value.iter().cloned());
            if coef != 1 {
                code.extend([I64Const(coef), I64Mul]);
            }
            if terms > 0 {
                code.push(I64Add);
            }
            terms += 1;
        };
        for (&var, &coef) in &g.entry_terms {
            // An unknown in [0, l], [0, l - 1] or [0, N] is at its bound
            // where its term is greatest (high) or least (low), else at 0.
            let at_bound = (coef > 0) == high;
            match var {
                loops::Var::Entry(l) => term(self, &[LocalGet(l), I64ExtendI32U], coef),
                loops::Var::UpTo(l) if at_bound => term(self, &[LocalGet(l), I64ExtendI32U], coef),
                loops::Var::Below(l) if at_bound => term(self, &[LocalGet(l), I64ExtendI32U, I64Const(1), I64Sub], coef),
                loops::Var::UpToLanes(l) if at_bound => {
                    // lane 0 | lane 1 | lane 2 | lane 3: at least each lane.
                    let mut value = vec![LocalGet(l), I32x4ExtractLane(0)];
                    for k in 1..4 {
                        value.extend([LocalGet(l), I32x4ExtractLane(k), I32Or]);
                    }
                    value.push(I64ExtendI32U);
                    term(self, &value, coef)
                }
                loops::Var::InnerIter(at) if at_bound => term(self, &[LocalGet(counts[&at])], coef),
                // A climbing local is in [lo, hi], and after its write in
                // [lo, hi + step].
                loops::Var::Climbing(l) => {
                    let (lo, hi, _) = climbs[&l];
                    term(self, &[LocalGet(if at_bound { hi } else { lo })], coef)
                }
                loops::Var::ClimbNext(l) => {
                    let (lo, hi, step) = climbs[&l];
                    match at_bound {
                        true => term(self, &[LocalGet(hi), I64Const(step), I64Add], coef),
                        false => term(self, &[LocalGet(lo)], coef),
                    }
                }
                // At 0 (the unknowns' other end).
                loops::Var::UpTo(_) | loops::Var::Below(_) | loops::Var::UpToLanes(_) | loops::Var::InnerIter(_) => {}
                loops::Var::Iv(_) => unreachable!("a group's induction terms are apart"),
            }
        }
        for (&l, &coef) in &g.ivs {
            match exit_iv {
                Some((iv, start)) if iv == l => term(self, &[LocalGet(start)], coef),
                _ => term(self, &[LocalGet(l), I64ExtendI32U], coef),
            }
        }
        if let Some(k) = k {
            term(self, &[LocalGet(k)], g.slope);
        }
        if konst != 0 {
            term(self, &[I64Const(konst)], 1);
        }
        if terms == 0 {
            self.push(I64Const(0));
        }
    }

    /// Pushes an i32, non-zero when every proven access of `plan` is in
    /// bounds on every iteration the loop can run (module docs of
    /// [`loops`]). Evaluated once, at loop entry, in 64-bit arithmetic.
    fn precheck(&mut self, cx: &Context, plan: &LoopPlan, scratch: &mut Scratch) -> Result<()> {
        use Instruction::*;
        let [l0, y, lo, hi, last] = [1, 2, 3, 4, 5].map(|k| scratch.get(ValType::I64, usize::MAX - k));
        // The loops inside whose iterations proven addresses follow: each
        // ends as its shape says, and its last iteration's number.
        let mut counts = BTreeMap::new();
        for (j, inner) in plan.inner.iter().enumerate() {
            let n = scratch.get(ValType::I64, usize::MAX - 6 - j);
            self.counted_range(&inner.counted, Some(&inner.start), [l0, y, lo, hi])?;
            if j > 0 {
                self.push(I32And);
            }
            self.last_iteration(inner.counted.step, lo, hi);
            self.push(LocalSet(n));
            counts.insert(inner.at as u32, n);
        }
        let mut exit_iv = None;
        match &plan.counted {
            Some(c) => {
                self.counted_range(c, None, [l0, y, lo, hi])?;
                self.last_iteration(c.step, lo, hi);
                self.push(LocalSet(last));
                exit_iv = Some((c.iv, if c.step > 0 { lo } else { hi }));
            }
            None => self.push(I32Const(1)),
        }
        if !plan.inner.is_empty() {
            self.push(I32And);
        }
        let mut climbs = BTreeMap::new();
        for (j, climb) in plan.climbs.iter().enumerate() {
            let (lo, hi) = (scratch.get(ValType::I64, usize::MAX - 100 - 2 * j), scratch.get(ValType::I64, usize::MAX - 101 - 2 * j));
            self.climb_range(climb, [l0, y, lo, hi])?;
            self.push(I32And);
            climbs.insert(climb.local, (lo, hi, climb.step));
        }
        if let Some((a, b)) = plan.trip {
            // Without a counted exit: the last iteration's number is at
            // most what the two climbing locals can move in all.
            let ((la, ha, _), (lb, hb, _)) = (climbs[&a], climbs[&b]);
            self.extend([LocalGet(ha), LocalGet(la), I64Sub, LocalGet(hb), I64Add, LocalGet(lb), I64Sub, LocalSet(last)]);
        }
        for (&local, &max) in &plan.ranged {
            self.extend([LocalGet(local), I64ExtendI32U, I64Const(max), I64LeU, I32And]);
        }
        for g in &plan.groups {
            // An address is linear in the iteration number: its extremes
            // are in the first and the last iteration.
            let moves = (g.slope != 0).then_some(last);
            let (at_low, at_high) = if g.slope >= 0 { (None, moves) } else { (moves, None) };
            let slot = &cx.layout.slots[g.memory as usize];
            // The lowest address is not negative (it cannot be when every
            // term is, and the exit's induction variable starts at a value
            // taken zero-extended, or checked not negative, as for any exit
            // but `!=`) ...
            let exit_may_start_negative = matches!(plan.counted, Some(ref c) if matches!(c.exit, Exit::Ne) && g.ivs.contains_key(&c.iv));
            let never_negative = g.min_konst >= 0 && g.slope >= 0 && g.entry_terms.values().chain(g.ivs.values()).all(|&c| c >= 0) && !exit_may_start_negative;
            if !never_negative {
                self.group_address(g, g.min_konst, false, &counts, &climbs, exit_iv, at_low);
                self.extend([I64Const(0), I64GeS, I32And]);
            }
            // ... and the highest access ends within the memory's size.
            self.group_address(g, g.max_end, true, &counts, &climbs, exit_iv, at_high);
            self.size_bytes(cx, slot);
            self.extend([I64LeS, I32And]);
        }
        Ok(())
    }

    /// Pushes an i64: the number, from 0, of the last iteration of a loop
    /// whose induction variable takes values from `lo` to `hi` (hi >= lo: a
    /// power of two's division is a shift).
    fn last_iteration(&mut self, step: i64, lo: u32, hi: u32) {
        use Instruction::*;
        let s = step.unsigned_abs();
        self.extend([LocalGet(hi), LocalGet(lo), I64Sub]);
        match s {
            1 => {}
            _ if s.is_power_of_two() => self.extend([I64Const(s.trailing_zeros() as i64), I64ShrU]),
            _ => self.extend([I64Const(s as i64), I64DivU]),
        }
    }

    /// Pushes an i32 form over locals (wrapped: as the loop computes it),
    /// without multiplications by 1 or additions of 0.
    fn i32_form(&mut self, form: &loops::Affine) -> Result<()> {
        use Instruction::*;
        let mut terms = 0;
        for (&var, &coef) in &form.terms {
            let loops::Var::Entry(l) = var else { bail!("a loop's bound or first value that is not over locals the loop never writes") };
            self.push(LocalGet(l));
            if coef != 1 {
                self.extend([I32Const(coef as i32), I32Mul]);
            }
            if terms > 0 {
                self.push(I32Add);
            }
            terms += 1;
        }
        if form.konst != 0 || terms == 0 {
            self.push(I32Const(form.konst as i32));
            if terms > 0 {
                self.push(I32Add);
            }
        }
        Ok(())
    }

    /// Pushes an i32, non-zero when the counted loop `c` ends as its shape
    /// says, and sets locals `lo` and `hi` to the least and greatest value
    /// its induction variable has at the start of an iteration. Its first
    /// value is `start` (`None`: its induction local, now), a form over
    /// locals as its bound is.
    fn counted_range(&mut self, c: &loops::Counted, start: Option<&loops::Affine>, [l0, y, lo, hi]: [u32; 4]) -> Result<()> {
        use Instruction::*;
        let signed = matches!(c.exit, Exit::Below { signed: true, .. } | Exit::Above { signed: true, .. });
        let ext = if signed { I64ExtendI32S } else { I64ExtendI32U };
        // The bound and the first value as the loop has them: i32s, wrapped.
        self.i32_form(&c.bound)?;
        self.extend([ext.clone(), LocalSet(y)]);
        match start {
            Some(form) => self.i32_form(form)?,
            None => self.push(LocalGet(c.iv)),
        }
        self.extend([ext, LocalSet(l0)]);
        let step = c.step;
        let s = step.abs();
        match c.exit {
            Exit::Ne => {
                // The loop runs D / |step| iterations, D the distance (mod
                // 2^32) from l0 to y in the step's direction, if |step|
                // divides it (otherwise IV steps over y and wraps around).
                // IV's values are then, unwrapped, a range from l0 taken
                // zero-extended, or sign-extended when the loop passes 2^32
                // (LLVM counts some loops up from -n to 0).
                let (from, to) = if step > 0 { (l0, y) } else { (y, l0) };
                self.extend([LocalGet(to), LocalGet(from), I64Sub, I64Const(0xffff_ffff), I64And, LocalTee(hi), I64Const(0), I64Ne]);
                if (s as u64).is_power_of_two() {
                    self.extend([LocalGet(hi), I64Const(s - 1), I64And, I64Eqz, I32And]);
                } else {
                    self.extend([LocalGet(hi), I64Const(s), I64RemU, I64Eqz, I32And]);
                }
                let wraps_not = if step > 0 { I64LtU } else { I64GtU };
                self.extend([LocalGet(l0), LocalGet(l0), I32WrapI64, I64ExtendI32S, LocalGet(l0), LocalGet(y), wraps_not, Select, LocalSet(l0)]);
                if step > 0 {
                    self.extend([LocalGet(l0), LocalSet(lo), LocalGet(l0), LocalGet(hi), I64Add, I64Const(s), I64Sub, LocalSet(hi)]);
                } else {
                    self.extend([LocalGet(l0), LocalGet(hi), I64Sub, I64Const(s), I64Add, LocalSet(lo), LocalGet(l0), LocalSet(hi)]);
                }
            }
            Exit::Below { signed, inclusive } => {
                // Every iteration after the first starts below the bound, so
                // IV stays in [l0, max(l0, bound - 1)]; IV + step must not
                // wrap (nor leave the non-negative range, when signed).
                self.rising_range(s, signed, inclusive, [l0, y, lo, hi]);
            }
            Exit::Above { signed, inclusive } => {
                // IV stays in [min(l0, bound + 1), l0], and IV - |step| must
                // not go below 0.
                let first = if inclusive { 0 } else { 1 };
                self.extend([LocalGet(l0), LocalSet(hi), LocalGet(l0), LocalGet(y), I64Const(first), I64Add, LocalTee(lo)]);
                self.extend([LocalGet(l0), LocalGet(lo), I64LtS, Select, LocalTee(lo)]);
                self.extend([I64Const(s), I64GeS]);
                if signed {
                    self.extend([LocalGet(l0), I64Const(0), I64GeS, I32And]);
                }
            }
        }
        Ok(())
    }

    /// Pushes an i32, non-zero when the climbing local of `climb` stays,
    /// without wrapping, in the range it sets `lo` and `hi` to: the least
    /// and greatest value it has at the start of an iteration. It starts at
    /// its value now, only goes up, and each iteration after the first
    /// starts below the bound (the exit says so), so it is in `[l0, max(l0,
    /// bound - 1)]`; its new value, at most `hi + step`, must not wrap (nor
    /// leave the non-negative range, when compared signed).
    fn climb_range(&mut self, climb: &loops::Climb, [l0, y, lo, hi]: [u32; 4]) -> Result<()> {
        use Instruction::*;
        let ext = if climb.signed { I64ExtendI32S } else { I64ExtendI32U };
        self.i32_form(&climb.bound)?;
        self.extend([ext.clone(), LocalSet(y), LocalGet(climb.local), ext, LocalSet(l0)]);
        self.rising_range(climb.step, climb.signed, climb.inclusive, [l0, y, lo, hi]);
        Ok(())
    }

    /// Pushes an i32, non-zero when a value that starts at `l0`, goes up
    /// by at most `step` per iteration and starts every iteration after the
    /// first below `y` (at most `y`, `inclusive`) cannot wrap, nor leave
    /// the non-negative range when compared `signed`; sets `lo` and `hi` to
    /// its least and greatest value at an iteration's start, `l0` and
    /// `max(l0, y - 1)`. (A counted loop's `<` exit and a climbing local.)
    fn rising_range(&mut self, step: i64, signed: bool, inclusive: bool, [l0, y, lo, hi]: [u32; 4]) {
        use Instruction::*;
        let below = if inclusive { 0 } else { 1 };
        self.extend([LocalGet(l0), LocalSet(lo), LocalGet(l0), LocalGet(y), I64Const(below), I64Sub, LocalTee(hi)]);
        self.extend([LocalGet(l0), LocalGet(hi), I64GtS, Select, LocalTee(hi)]);
        let limit: i64 = if signed { 1 << 31 } else { 1 << 32 };
        self.extend([I64Const(step), I64Add, I64Const(limit), I64LtS]);
        if signed {
            self.extend([LocalGet(l0), I64Const(0), I64GeS, I32And]);
        }
    }

    /// Moves the operands above an access's address into scratch locals
    /// (so that the address is on top); returns them, to be pushed back.
    fn stash_above(&mut self, a: &Access, scratch: &mut Scratch) -> Vec<u32> {
        let stash: Vec<u32> = a.above.iter().enumerate().map(|(i, &t)| scratch.get(t, i)).collect();
        self.extend(stash.iter().rev().map(|&l| Instruction::LocalSet(l)));
        stash
    }

    /// Pushes `local + base` (in bounds by then, so it does not wrap).
    fn rebased(&mut self, slot: &Slot, local: u32) {
        self.push(Instruction::LocalGet(local));
        if slot.base() > 0 {
            self.extend([Instruction::I32Const(slot.base() as u32 as i32), Instruction::I32Add]);
        }
    }
}

/// Where the rewrite finds what it calls and reads.
pub struct Context<'a> {
    pub layout: &'a Layout,
    /// The engine's guard region in bytes (`Options::engine_guard`).
    pub engine_guard: u64,
    /// Global holding the size in bytes of each lower memory whose size is
    /// not in the header.
    pub size_globals: BTreeMap<u32, u32>,
    pub grow: BTreeMap<u32, u32>,
    pub fill: BTreeMap<u32, u32>,
    pub copy: BTreeMap<(u32, u32), u32>,
    pub init: BTreeMap<(u32, u32), u32>,
    /// (params, results) of each type (`None`: not a function type).
    pub type_arity: Vec<Option<(u32, u32)>>,
    /// Type index of every function, imported ones first.
    pub function_types: Vec<u32>,
}

/// Scratch locals of one function, appended after its own: one per type
/// and operand position, reused by every access of the function.
struct Scratch {
    first: u32,
    types: Vec<ValType>,
    by_use: BTreeMap<(u8, usize), u32>,
}

impl Scratch {
    fn get(&mut self, ty: ValType, position: usize) -> u32 {
        let key = match ty {
            ValType::I32 => 0,
            ValType::I64 => 1,
            ValType::F32 => 2,
            ValType::F64 => 3,
            ValType::V128 => 4,
            ValType::Ref(_) => 5,
        };
        let next = self.first + self.types.len() as u32;
        *self.by_use.entry((key, position)).or_insert_with(|| {
            self.types.push(ty);
            next
        })
    }
}

/// Rewrites one function body; `params` is the function's parameter count.
pub fn rewrite_body(body: &wasmparser::FunctionBody, params: u32, cx: &Context) -> Result<Function> {
    let mut locals = Vec::new();
    let mut count = params;
    for pair in body.get_locals_reader()? {
        let (n, ty) = pair?;
        count += n;
        locals.push((n, RoundtripReencoder.val_type(ty)?));
    }
    let mut scratch = Scratch { first: count, types: Vec::new(), by_use: BTreeMap::new() };
    let mut code = Code::new();
    let mut reader = body.get_operators_reader()?;
    let mut ops = Vec::new();
    while !reader.eof() {
        ops.push(reader.read()?);
    }
    let arity = loops::Arity { types: &cx.type_arity, functions: &cx.function_types };
    let plans = loops::plan(&ops, &arity, &|op| access(op).is_some_and(|a| provable_access(&a, op, cx)));
    let mut emitter = Emitter { ops: &ops, plans: &plans, depth_before: depths(&ops), cx, scratch: &mut scratch, code: &mut code, wrappers: Vec::new() };
    emitter.range(0, ops.len(), &BTreeSet::new())?;
    locals.extend(scratch.types.iter().map(|&t| (1, t)));
    Ok(code.into_function(locals))
}

/// Open control frames before each operator (the function's own not
/// counted).
fn depths(ops: &[Operator]) -> Vec<u32> {
    let mut depth = 0u32;
    ops.iter()
        .map(|op| {
            let before = depth;
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } | Operator::Try { .. } | Operator::TryTable { .. } => depth += 1,
                Operator::End => depth = depth.saturating_sub(1),
                _ => {}
            }
            before
        })
        .collect()
}

/// Writes a function's operators, versioning the planned loops.
struct Emitter<'a> {
    ops: &'a [Operator<'a>],
    plans: &'a BTreeMap<usize, LoopPlan>,
    depth_before: Vec<u32>,
    cx: &'a Context<'a>,
    scratch: &'a mut Scratch,
    code: &'a mut Code,
    /// The depth (in the original) of each versioned loop being written:
    /// each has an `if` around it, one more label for the branches that
    /// leave it.
    wrappers: Vec<u32>,
}

impl Emitter<'_> {
    /// Writes `ops[from..to]`; `proven`: the accesses a pre-check around
    /// them proved.
    fn range(&mut self, from: usize, to: usize, proven: &BTreeSet<usize>) -> Result<()> {
        use Instruction::*;
        let mut i = from;
        while i < to {
            // In a copy whose pre-check proved all this loop's accesses, the
            // loop is written once.
            let plan = self.plans.get(&i).filter(|p| !p.proven.is_subset(proven));
            let Some(plan) = plan else {
                self.op(i, proven)?;
                i += 1;
                continue;
            };
            // The loop twice: without the proven accesses' checks when the
            // pre-check holds, as it was otherwise.
            self.code.precheck(self.cx, plan, self.scratch)?;
            self.code.push(If(BlockType::Empty));
            self.wrappers.push(self.depth_before[i]);
            let fast: BTreeSet<usize> = proven.union(&plan.proven).copied().collect();
            self.op(i, &fast)?;
            self.range(i + 1, plan.end + 1, &fast)?;
            self.code.push(Else);
            self.op(i, proven)?;
            self.range(i + 1, plan.end + 1, proven)?;
            self.wrappers.pop();
            self.code.push(End);
            i = plan.end + 1;
        }
        Ok(())
    }

    fn op(&mut self, i: usize, proven: &BTreeSet<usize>) -> Result<()> {
        use Instruction::*;
        // A branch to a label outside a versioned loop crosses its `if`.
        let depth = self.depth_before[i];
        let wrappers = &self.wrappers;
        let outward = |d: u32| d + wrappers.iter().filter(|&&w| i64::from(w) > i64::from(depth) - 1 - i64::from(d)).count() as u32;
        match self.ops[i] {
            Operator::Br { relative_depth } => self.code.push(Br(outward(relative_depth))),
            Operator::BrIf { relative_depth } => self.code.push(BrIf(outward(relative_depth))),
            Operator::BrTable { ref targets } => {
                let list = targets.targets().map(|t| t.map(outward)).collect::<Result<Vec<u32>, _>>()?;
                self.code.push(BrTable(list.into(), outward(targets.default())));
            }
            ref op => rewrite_op(op.clone(), self.cx, self.scratch, self.code, !proven.contains(&i))?,
        }
        Ok(())
    }
}

/// Accesses that trap whatever their address: a wait on a memory that is
/// not shared, and an access whose offset and width exceed the slot.
enum AlwaysTraps {
    UnsharedWait,
    PastSlot,
}

fn always_traps(a: &Access, op: &Operator, slot: &Slot) -> Option<AlwaysTraps> {
    let waits = matches!(op, Operator::MemoryAtomicWait32 { .. } | Operator::MemoryAtomicWait64 { .. });
    if waits && !slot.shared {
        Some(AlwaysTraps::UnsharedWait)
    } else if a.memarg.offset + a.width > slot.bytes() {
        Some(AlwaysTraps::PastSlot)
    } else {
        None
    }
}

/// Whether a loop pre-check may prove an access in bounds, and whether that
/// gains anything: a lower slot's access loses its check; the top slot's
/// is the engine's to check, and gains only where its base in the static
/// offset would make the engine check it explicitly.
fn provable_access(a: &Access, op: &Operator, cx: &Context) -> bool {
    let slot = &cx.layout.slots[a.memory as usize];
    always_traps(a, op, slot).is_none() && !(slot.top && base_in_offset_is_free(a, slot, cx))
}

/// Whether the access, with its slot's base added to its static offset,
/// stays within the engine's guard region, so the engine needs no check of
/// its own for it (wasmtime checks explicitly every access whose offset
/// and width exceed its guard).
fn base_in_offset_is_free(a: &Access, slot: &Slot, cx: &Context) -> bool {
    slot.base() + a.memarg.offset + a.width <= cx.engine_guard
}

/// `checked`: false for an access a loop pre-check proved in bounds.
fn rewrite_op(op: Operator, cx: &Context, scratch: &mut Scratch, code: &mut Code, checked: bool) -> Result<()> {
    use Instruction::*;
    if let Some(a) = access(&op) {
        let slot = &cx.layout.slots[a.memory as usize];
        let end = a.memarg.offset + a.width;
        // A proven access (`!checked`) never always traps
        // (`provable_access`).
        match always_traps(&a, &op, slot) {
            Some(AlwaysTraps::UnsharedWait) => {
                // A wait on an unshared memory traps; after lowering the
                // memory may be shared, so trap here.
                code.extend(std::iter::repeat_n(Drop, a.above.len() + 1));
                code.push(Unreachable);
                return Ok(());
            }
            Some(AlwaysTraps::PastSlot) => {
                // Out of bounds whatever the address: the original traps too.
                code.extend(std::iter::repeat_n(Drop, a.above.len() + 1));
                code.trap();
                code.push(Unreachable);
                return Ok(());
            }
            None => {}
        }
        if !checked {
            // Proven in bounds: the base goes in the static offset, where it
            // costs nothing, unless that takes the access beyond the
            // engine's guard region (wasmtime would then check it
            // explicitly); then it is added to the address, which cannot
            // wrap once the access is in bounds. An atomic access's
            // alignment is still the engine's to check: every slot's base is
            // page-aligned.
            if base_in_offset_is_free(&a, slot, cx) {
                code.push(RoundtripReencoder.instruction(with_memarg(op, a.memarg.offset + slot.base()))?);
                return Ok(());
            }
            if slot.base() > 0 {
                let stash = code.stash_above(&a, scratch);
                code.extend([I32Const(slot.base() as u32 as i32), I32Add]);
                code.extend(stash.iter().map(|&l| LocalGet(l)));
            }
            code.push(RoundtripReencoder.instruction(with_memarg(op, a.memarg.offset))?);
            return Ok(());
        } else if slot.top {
            // The engine's own bounds check is this memory's.
        } else if !a.atomic {
            // Out of bounds, the address becomes 2^32 - 1, which with the
            // slot's base (or the access's width, at base 0) is past the end
            // of any 32-bit memory: the access itself then traps, as the
            // engine's out-of-bounds trap, and no branch is needed.
            let stash = code.stash_above(&a, scratch);
            let address = scratch.get(ValType::I32, usize::MAX);
            code.extend([LocalSet(address), I32Const(-1), LocalGet(address), LocalGet(address), I64ExtendI32U, I64Const(end as i64), I64Add]);
            code.size_bytes(cx, slot);
            code.extend([I64GtU, Select]);
            code.extend(stash.iter().map(|&l| LocalGet(l)));
        } else {
            // Atomics check their alignment first, so they keep a branch.
            let stash = code.stash_above(&a, scratch);
            let address = scratch.get(ValType::I32, usize::MAX);
            code.extend([LocalTee(address), I64ExtendI32U, I64Const(end as i64), I64Add]);
            code.size_bytes(cx, slot);
            code.extend([I64GtU, If(BlockType::Empty)]);
            if a.width > 1 {
                // A misaligned atomic access traps as misaligned even when it
                // is also out of bounds: an atomic load at the same
                // misalignment near address 0 does that (and reads harmlessly
                // when the address is aligned).
                code.extend([LocalGet(address), I32Const(a.memarg.offset as u32 as i32), I32Add, I32Const(a.width as i32 - 1), I32And]);
                code.push(match a.width {
                    2 => I32AtomicLoad16U(memarg(0, 1)),
                    4 => I32AtomicLoad(memarg(0, 2)),
                    _ => I64AtomicLoad(memarg(0, 3)),
                });
                code.push(Drop);
            }
            code.trap();
            code.extend([End, LocalGet(address)]);
            code.extend(stash.iter().map(|&l| LocalGet(l)));
        }
        code.push(RoundtripReencoder.instruction(with_memarg(op, a.memarg.offset + slot.base()))?);
        return Ok(());
    }
    match op {
        Operator::MemorySize { mem } => {
            let slot = &cx.layout.slots[mem as usize];
            if slot.top {
                code.extend([MemorySize(0), I32Const(slot.base_pages as i32), I32Sub]);
            } else {
                code.size_bytes(cx, slot);
                code.extend([I64Const(16), I64ShrU, I32WrapI64]);
            }
        }
        Operator::MemoryGrow { mem } => code.push(Call(cx.grow[&mem])),
        Operator::MemoryFill { mem } => code.push(Call(cx.fill[&mem])),
        Operator::MemoryCopy { dst_mem, src_mem } => code.push(Call(cx.copy[&(dst_mem, src_mem)])),
        Operator::MemoryInit { mem, data_index } => code.push(Call(cx.init[&(mem, data_index)])),
        Operator::MemoryDiscard { .. } => bail!("memory.discard cannot be lowered: it would have to free part of the single memory"),
        op => code.push(RoundtripReencoder.instruction(op)?),
    }
    Ok(())
}

/// `memory.grow` of one memory: (delta pages) -> old pages or -1.
pub fn grow_function(cx: &Context, slot: &Slot) -> Function {
    use Instruction::*;
    let mut code = Code::new();
    if slot.top {
        // The single memory's maximum is the top memory's own.
        code.extend([LocalGet(0), MemoryGrow(0), LocalTee(1), I32Const(-1), I32Eq, If(BlockType::Empty), I32Const(-1), Return, End]);
        code.extend([LocalGet(1), I32Const(slot.base_pages as i32), I32Sub, End]);
        return code.into_function(vec![(1, ValType::I32)]);
    }
    // Local 1: the old size in bytes; local 2: the new one.
    let cell = cx.layout.size_cell(slot.memory);
    if cell.is_some() {
        code.push(Loop(BlockType::Empty));
    }
    code.size_bytes(cx, slot);
    code.push(LocalSet(1));
    // More than the slot (the memory's maximum) has left: -1.
    code.extend([LocalGet(0), I64ExtendI32U, I64Const(slot.pages as i64), LocalGet(1), I64Const(16), I64ShrU, I64Sub, I64GtU]);
    code.extend([If(BlockType::Empty), I32Const(-1), Return, End]);
    code.extend([LocalGet(1), LocalGet(0), I64ExtendI32U, I64Const(16), I64Shl, I64Add, LocalSet(2)]);
    match cell {
        // Another thread may have grown it meanwhile: then try again.
        Some(cell) => {
            let min = I64Const(slot.min_bytes() as i64);
            code.extend([I32Const(cell as i32), LocalGet(1), min.clone(), I64Sub, LocalGet(2), min.clone(), I64Sub, I64AtomicRmwCmpxchg(memarg(0, 3))]);
            code.extend([LocalGet(1), min, I64Sub, I64Ne, BrIf(0), End]);
        }
        None => code.extend([LocalGet(2), GlobalSet(cx.size_globals[&slot.memory])]),
    }
    code.extend([LocalGet(1), I64Const(16), I64ShrU, I32WrapI64, End]);
    code.into_function(vec![(2, ValType::I64)])
}

/// `memory.fill` of one memory: (dest, value, n).
pub fn fill_function(cx: &Context, slot: &Slot) -> Function {
    let mut code = Code::new();
    code.check_range(cx, slot, 0);
    code.rebased(slot, 0);
    code.extend([Instruction::LocalGet(1), Instruction::LocalGet(2), Instruction::MemoryFill(0), Instruction::End]);
    code.into_function(Vec::new())
}

/// `memory.copy` between two memories: (dest, source, n).
pub fn copy_function(cx: &Context, dst: &Slot, src: &Slot) -> Function {
    let mut code = Code::new();
    code.check_range(cx, src, 1);
    code.check_range(cx, dst, 0);
    code.rebased(dst, 0);
    code.rebased(src, 1);
    code.extend([Instruction::LocalGet(2), Instruction::MemoryCopy { src_mem: 0, dst_mem: 0 }, Instruction::End]);
    code.into_function(Vec::new())
}

/// `memory.init` of one data segment into one memory: (dest, offset, n).
pub fn init_function(cx: &Context, slot: &Slot, segment: u32) -> Function {
    let mut code = Code::new();
    code.check_range(cx, slot, 0);
    code.rebased(slot, 0);
    code.extend([Instruction::LocalGet(1), Instruction::LocalGet(2), Instruction::MemoryInit { mem: 0, data_index: segment }, Instruction::End]);
    code.into_function(Vec::new())
}
