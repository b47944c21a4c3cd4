//! Loop versioning: proving a loop's accesses to lower slots in bounds once,
//! before the loop, instead of at every access.
//!
//! A lower slot's access costs a compare and a `select` (code.rs), and the
//! top slot's carries its base in the static offset, which wasmtime checks
//! explicitly once it exceeds its 32 MiB guard region. In a hot loop that is
//! several instructions per load or store where the multi-memory module has
//! one, so for each loop this pass finds the accesses whose address is an
//! affine function of the loop's induction variables (when it has the
//! common counted shape) and of locals the loop never writes, plus bounded
//! parts (constant ranges, or `[0, m]` for `x & m` with `m` such a local).
//! The rewrite then emits the loop twice behind one test, made at loop
//! entry: if every such access stays inside its memory's current size
//! for every iteration the loop can run, the copy without their checks runs,
//! otherwise the original, checked one (a proven access adds its slot's base
//! to its address, which cannot wrap, instead of to its offset). Memories
//! never shrink, so a proof made at loop entry holds for the whole loop,
//! calls and `memory.grow` included; an access that is not proven keeps its
//! check in both copies, so the lowered module traps exactly where the
//! original does.
//!
//! A loop inside the loop is simulated once, from its head, where every
//! local it writes may hold the value of any of its iterations: unknown,
//! or for a local the loop only ever sets to values in `[0, R]`, a value
//! in `[0, R]` ([`Sim::havoc`]). So a loop around a probe loop proves the
//! probe's masked accesses, and the accesses around it, once. A counted
//! loop inside whose counter starts and ends at values this loop never
//! changes runs the same iterations each time: the locals it steps are
//! their first value plus step times its iteration number
//! ([`Var::InnerIter`]), whose range the pre-check computes once
//! ([`InnerCount`]), so a convolution's taps are proven before the loop
//! over its outputs.
//!
//! The shape (what LLVM's loop rotation produces for `for` loops):
//!
//! ```text
//! loop                      ;; empty block type
//!   ...                     ;; exactly one write of IV: IV = IV + c, at the
//!   ...                     ;; loop's top level (not inside a block or if)
//!   (IV + c) OP Y           ;; Y: constants and locals the loop never writes
//!   br_if 0                 ;; the only branch back to the loop
//! end
//! ```
//!
//! Addresses are tracked as affine forms over the wasm values
//! (`konst + Σ coef · local + a · IV`). The wasm arithmetic wraps at 2^32;
//! the pre-check evaluates each form unwrapped, in 64 bits, at both ends of
//! the induction variable's range, and requires `0 ≤ address` and
//! `address + offset + width ≤ size`. An unwrapped value in [0, 2^32) is the
//! wrapped value, and an affine form is monotone in IV, so every iteration's
//! address is then in bounds.

use super::code::access;
use std::collections::{BTreeMap, BTreeSet};
use wasmparser::{BlockType, Operator};

/// A variable of an affine form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Var {
    /// A local the loop never writes: its value at loop entry.
    Entry(u32),
    /// The induction local's value at the start of the iteration.
    Iv(u32),
    /// Some value in `[0, l]`, `l` a local the loop never writes (taken
    /// unsigned): `x & l`. Unlike the others, each use of the variable
    /// may be a different value (see [`Affine::add`]).
    UpTo(u32),
    /// Some value in `[0, l - 1]`, `l` as for `UpTo`: `x % l` (unsigned;
    /// when `l` is 0 the remainder traps before any access can use it).
    Below(u32),
    /// Some value in `[0, m]`, `m` an upper bound of every i32 lane of the
    /// v128 local `l` the loop never writes (the pre-check takes the `|` of
    /// the lanes): an `i32x4.extract_lane` of `v128.and` with `l`, as
    /// LLVM vectorizes `x[i] & mask` with the mask splatted before the loop.
    UpToLanes(u32),
    /// The iteration number, from 0, of the counted loop inside the loop
    /// whose `loop` operator is at this index: in `[0, N]`, N computed by
    /// the pre-check ([`InnerCount`]). Within one iteration of that loop it
    /// is one value, as an induction local is.
    InnerIter(u32),
    /// A *climbing* local at the start of the iteration: one the loop moves
    /// up by a step in `[0, c]` (its one write, at the loop's top level, is
    /// `l + s`, `s` in `[0, c]`: a comparison's 0 or 1, say) and leaves once
    /// it reaches a bound ([`Climb`]). Its value is in `[l0, max(l0, B -
    /// 1)]`, `l0` its value at entry and `B` the bound, which the pre-check
    /// computes: the read positions of a merge, each compared with its
    /// run's end.
    Climbing(u32),
    /// A climbing local after this iteration's write: in `[l0, max(l0, B -
    /// 1) + c]`.
    ClimbNext(u32),
}

impl Var {
    /// Whether the variable stands for an unknown bounded by a local
    /// rather than for the local's own value.
    fn bounded_by_local(self) -> bool {
        matches!(self, Var::UpTo(_) | Var::Below(_) | Var::UpToLanes(_))
    }
}

/// `konst + Σ coef · var + r` over unwrapped integers, `r` an unknown in
/// `[lo, hi]`; congruent (mod 2^32) to the i32 value it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Affine {
    pub konst: i64,
    pub terms: BTreeMap<Var, i64>,
    pub lo: i64,
    pub hi: i64,
    /// The ranged locals whose assumed range `[lo, hi]` relies on.
    pub deps: BTreeSet<u32>,
}

/// Bounds that keep every pre-check computation far from i64 overflow
/// (values are below 2^34, so a term stays below 2^58).
const MAX_COEF: i64 = 1 << 24;
const MAX_KONST: i64 = 1 << 40;
const MAX_TERMS: usize = 6;

impl Affine {
    fn konst(k: i64) -> Affine {
        Affine { konst: k, terms: BTreeMap::new(), lo: 0, hi: 0, deps: BTreeSet::new() }
    }
    fn var(v: Var) -> Affine {
        Affine { konst: 0, terms: BTreeMap::from([(v, 1)]), lo: 0, hi: 0, deps: BTreeSet::new() }
    }
    /// Some value in `[lo, hi]`, both within [0, 2^32).
    fn range(lo: i64, hi: i64) -> Affine {
        Affine { konst: 0, terms: BTreeMap::new(), lo, hi, deps: BTreeSet::new() }
    }
    fn with_deps(mut self, deps: &BTreeSet<u32>) -> Affine {
        self.deps.extend(deps);
        self
    }
    fn checked(self) -> Option<Affine> {
        let small = |v: i64| v.abs() <= MAX_KONST;
        let ok = small(self.konst) && small(self.lo) && small(self.hi) && self.terms.len() <= MAX_TERMS && self.terms.values().all(|c| c.abs() <= MAX_COEF);
        ok.then_some(self)
    }
    /// The bounds of the i32 value, when it is known to lie in them: a form
    /// without variables whose unwrapped values are all in [0, 2^32) (then
    /// they are the wrapped values too).
    fn real_range(&self) -> Option<(i64, i64)> {
        let (lo, hi) = (self.konst + self.lo, self.konst + self.hi);
        (self.terms.is_empty() && lo >= 0 && hi < 1 << 32).then_some((lo, hi))
    }
    fn add(&self, other: &Affine, sign: i64) -> Option<Affine> {
        let mut out = self.clone();
        out.konst = out.konst.checked_add(other.konst.checked_mul(sign)?)?;
        out.deps.extend(&other.deps);
        if sign > 0 {
            out.lo += other.lo;
            out.hi += other.hi;
        } else {
            out.lo -= other.hi;
            out.hi -= other.lo;
        }
        for (&v, &c) in &other.terms {
            let c = c.checked_mul(sign)?;
            let e = out.terms.entry(v).or_insert(0);
            // Two unknowns bounded by the same local are not the same
            // value: their sum is bounded by the sum of the bounds, but a
            // difference does not cancel.
            if v.bounded_by_local() && (*e).signum() * c.signum() < 0 {
                return None;
            }
            *e = e.checked_add(c)?;
            if *e == 0 {
                out.terms.remove(&v);
            }
        }
        out.checked()
    }
    fn scale(&self, by: i64) -> Option<Affine> {
        if by == 0 {
            return Some(Affine::konst(0));
        }
        let terms = self.terms.iter().map(|(&v, &c)| Some((v, c.checked_mul(by)?))).collect::<Option<_>>()?;
        let (a, b) = (self.lo.checked_mul(by)?, self.hi.checked_mul(by)?);
        Affine { konst: self.konst.checked_mul(by)?, terms, lo: a.min(b), hi: a.max(b), deps: self.deps.clone() }.checked()
    }
    fn as_konst(&self) -> Option<i64> {
        (self.terms.is_empty() && self.exact()).then_some(self.konst)
    }
    fn exact(&self) -> bool {
        self.lo == 0 && self.hi == 0
    }
    fn has_iv(&self) -> bool {
        self.terms.keys().any(|v| matches!(v, Var::Iv(_)))
    }
    /// The coefficients of the induction locals the form uses.
    fn iv_coefs(&self) -> BTreeMap<u32, i64> {
        self.terms.iter().filter_map(|(&v, &c)| if let Var::Iv(l) = v { Some((l, c)) } else { None }).collect()
    }
    /// The terms of locals the loop never writes (their values, or values
    /// bounded by them).
    fn entry_terms(&self) -> BTreeMap<Var, i64> {
        self.terms.iter().filter(|(v, _)| !matches!(v, Var::Iv(_))).map(|(&v, &c)| (v, c)).collect()
    }
    /// The local, if the form is exactly the value of a local the loop
    /// never writes.
    fn as_entry_local(&self) -> Option<u32> {
        match self.terms.iter().next() {
            Some((&Var::Entry(l), &1)) if self.terms.len() == 1 && self.konst == 0 && self.exact() => Some(l),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Ne,
    LtU,
    LtS,
    LeU,
    LeS,
    GtU,
    GtS,
    GeU,
    GeS,
}

impl Cmp {
    /// The comparison with its operands swapped (`a < b` is `b > a`).
    fn swapped(self) -> Cmp {
        use Cmp::*;
        match self {
            Ne => Ne,
            LtU => GtU,
            LtS => GtS,
            LeU => GeU,
            LeS => GeS,
            GtU => LtU,
            GtS => LtS,
            GeU => LeU,
            GeS => LeS,
        }
    }

    /// The comparison that holds exactly when this one does not (`a < b`
    /// and `a >= b`); `!=` has none here (`==` is not one of these).
    fn negated(self) -> Option<Cmp> {
        use Cmp::*;
        Some(match self {
            Ne => return None,
            LtU => GeU,
            LtS => GeS,
            LeU => GtU,
            LeS => GtS,
            GtU => LeU,
            GtS => LeS,
            GeU => LtU,
            GeS => LtS,
        })
    }
}

#[derive(Clone, Debug)]
enum Sym {
    Top,
    Val(Affine),
    Cmp(Cmp, Affine, Affine),
    /// A v128 whose every i32 lane is at most an i32 lane of the v128
    /// local the loop never writes.
    Lanes(u32),
    /// An unknown i32 made by the operator at this index in this iteration
    /// (a load's result): two uses of it are the same value.
    Opaque(u32),
    /// A comparison of two such values: 0 or 1.
    Flag(Flag),
    /// A value plus a [`Flag`] (a merge's `i + (y >= x)`).
    PlusFlag(Affine, Flag),
}

/// `a OP b` for two values made by the operators at indices `a` and `b`
/// in the same iteration ([`Sym::Opaque`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Flag {
    cmp: Cmp,
    a: u32,
    b: u32,
}

impl Flag {
    /// Whether exactly one of the two flags is 1, whatever the values.
    fn complements(self, other: Flag) -> bool {
        let Some(not) = self.cmp.negated() else { return false };
        (other.cmp == not && (other.a, other.b) == (self.a, self.b)) || (other.cmp == not.swapped() && (other.a, other.b) == (self.b, self.a))
    }
}

impl Sym {
    /// The symbol as an i32 operand of arithmetic: a comparison is 0 or 1.
    fn into_value(self) -> Sym {
        match self {
            Sym::Cmp(..) | Sym::Flag(_) => Sym::Val(Affine::range(0, 1)),
            Sym::PlusFlag(a, _) => a.add(&Affine::range(0, 1), 1).map_or(Sym::Top, Sym::Val),
            s => s,
        }
    }
}

/// The climbing local a `br_if` condition bounds, if the branch is taken
/// (`leaves`: it leaves the loop; otherwise it is the loop's back edge)
/// only when the local's new value is at least a bound (`leaves`), or
/// below it (the back edge): `l' >= B` or `B <= l'` to leave, `l' < B` or
/// `B > l'` to go on (or `>`, `<=` with `B + 1`, `inclusive`).
fn climb_exit(condition: &Sym, leaves: bool, climbing: &BTreeMap<u32, i64>) -> Option<Climb> {
    let Sym::Cmp(cmp, a, b) = condition else { return None };
    let next = |x: &Affine| match x.terms.iter().next() {
        Some((&Var::ClimbNext(l), &1)) if x.terms.len() == 1 && x.konst == 0 && x.exact() => Some(l),
        _ => None,
    };
    let (cmp, local, bound) = match (next(a), next(b)) {
        (Some(l), None) => (*cmp, l, b),
        (None, Some(l)) => (cmp.swapped(), l, a),
        _ => return None,
    };
    if !bound.exact() || bound.terms.keys().any(|v| !matches!(v, Var::Entry(_))) {
        return None;
    }
    // What going on requires of `l' OP bound`.
    use Cmp::*;
    let (signed, inclusive) = match (leaves, cmp) {
        (true, GeS) | (false, LtS) => (true, false),
        (true, GeU) | (false, LtU) => (false, false),
        (true, GtS) | (false, LeS) => (true, true),
        (true, GtU) | (false, LeU) => (false, true),
        _ => return None,
    };
    Some(Climb { local, step: *climbing.get(&local)?, signed, inclusive, bound: bound.clone() })
}

/// How the loop continues: `IV + step` compared with `bound` after each
/// iteration.
#[derive(Clone, Debug)]
pub enum Exit {
    /// Continues while `IV + step != bound` (either sign of step).
    Ne,
    /// Continues while `IV + step < bound` (`inclusive`: `<=`), step > 0.
    Below { signed: bool, inclusive: bool },
    /// Continues while `IV + step > bound` (`inclusive`: `>=`), step < 0.
    Above { signed: bool, inclusive: bool },
}

/// Accesses of one memory whose addresses differ only in their constant.
#[derive(Clone, Debug)]
pub struct Group {
    pub memory: u32,
    /// The address without its constant: entry terms, and a coefficient
    /// for each induction local.
    pub entry_terms: BTreeMap<Var, i64>,
    pub ivs: BTreeMap<u32, i64>,
    /// How much the address moves per iteration: every induction local
    /// moves by its step once per iteration.
    pub slope: i64,
    /// The smallest constant, and the largest constant + offset + width.
    pub min_konst: i64,
    pub max_end: i64,
}

/// The induction variable of a counted loop and how the loop ends.
#[derive(Clone, Debug)]
pub struct Counted {
    pub iv: u32,
    pub step: i64,
    pub exit: Exit,
    /// The bound, as an i32 expression over entry locals.
    pub bound: Affine,
}

/// A counted loop inside the loop, whose iteration count the pre-check
/// computes once: its induction local's first value and its bound do not
/// change while the loop around runs.
#[derive(Clone, Debug)]
pub struct InnerCount {
    /// Index of its `loop` operator.
    pub at: usize,
    /// Its induction local, step, exit and bound, the bound over locals
    /// the outer loop never writes.
    pub counted: Counted,
    /// The induction local's first value, over the same locals.
    pub start: Affine,
}

/// How the loop bounds a climbing local ([`Var::Climbing`]): it reaches its
/// back edge only if the local's new value is below `bound` (or at most
/// `bound`, `inclusive`), compared signed or not; a `br_if` at the loop's
/// top level that leaves the loop when the new value is at least the
/// bound, or the loop's own `br_if 0` continuing while it is below.
#[derive(Clone, Debug, PartialEq)]
pub struct Climb {
    pub local: u32,
    /// The largest step.
    pub step: i64,
    pub signed: bool,
    pub inclusive: bool,
    /// Over locals the loop never writes.
    pub bound: Affine,
}

/// The largest step of a climbing local.
const MAX_CLIMB_STEP: i64 = 1 << 16;

/// What the rewrite needs to version one loop.
#[derive(Clone, Debug)]
pub struct LoopPlan {
    /// Index (in the function's operators) of the loop's `end`.
    pub end: usize,
    /// `None` for a loop of another shape: then only addresses that do not
    /// change from one iteration to the next (but for bounded parts) are
    /// proven.
    pub counted: Option<Counted>,
    /// Locals the loop writes only with values in `[0, R]`: at loop entry
    /// the pre-check requires the same of their value, so they stay in
    /// `[0, R]` all through the loop.
    pub ranged: BTreeMap<u32, i64>,
    pub groups: Vec<Group>,
    /// Operator indices of the accesses the pre-check proves.
    pub proven: BTreeSet<usize>,
    /// The counted loops inside whose iteration number a proven address
    /// uses.
    pub inner: Vec<InnerCount>,
    /// The locals the loop moves by a constant once per iteration (its
    /// induction local among them): a loop around it follows them.
    pub steps: BTreeMap<u32, i64>,
    /// The climbing locals a proven address uses, with the exit that bounds
    /// each.
    pub climbs: Vec<Climb>,
    /// For a loop without a counted exit whose proven addresses move with
    /// its induction locals: two climbing locals (both in `climbs`) whose
    /// steps are a comparison and its negation, so that each iteration
    /// moves exactly one of them by 1 (a merge's read positions). After `t`
    /// iterations they have moved `t` in all, and each stays in its range
    /// `[lo, hi]`, so no iteration after number `(hi_a - lo_a) + (hi_b -
    /// lo_b)` starts: that is the last iteration's number, as a counted
    /// exit's is (the merge's write position then moves as an induction
    /// local does).
    pub trip: Option<(u32, u32)>,
}

/// Function and type arities for calls (the rest of the operators carry
/// their own).
pub struct Arity<'a> {
    /// (params, results) of each type index (`None` for non-function types).
    pub types: &'a [Option<(u32, u32)>],
    /// Type index of every function, imported ones first.
    pub functions: &'a [u32],
}

struct NoModule;

impl wasmparser::ModuleArity for NoModule {
    fn sub_type_at(&self, _: u32) -> Option<&wasmparser::SubType> {
        None
    }
    fn tag_type_arity(&self, _: u32) -> Option<(u32, u32)> {
        None
    }
    fn type_index_of_function(&self, _: u32) -> Option<u32> {
        None
    }
    fn func_type_of_cont_type(&self, _: &wasmparser::ContType) -> Option<&wasmparser::FuncType> {
        None
    }
    fn sub_type_of_ref_type(&self, _: &wasmparser::RefType) -> Option<&wasmparser::SubType> {
        None
    }
    fn control_stack_height(&self) -> u32 {
        0
    }
    fn label_block(&self, _: u32) -> Option<(wasmparser::BlockType, wasmparser::FrameKind)> {
        None
    }
}

impl Arity<'_> {
    fn of(&self, op: &Operator) -> Option<(u32, u32)> {
        match *op {
            Operator::Call { function_index } => self.types.get(*self.functions.get(function_index as usize)? as usize).copied().flatten(),
            Operator::CallIndirect { type_index, .. } => {
                let (p, r) = self.types.get(type_index as usize).copied().flatten()?;
                Some((p + 1, r))
            }
            _ => op.operator_arity(&NoModule),
        }
    }
}

/// The loops worth versioning, by the index of their `loop` operator.
/// `provable(op)`: whether a proof could help the access at this operator
/// (code.rs decides: it knows the slots).
///
/// Each loop of at most [`MAX_VERSIONED_OPS`] operators gets a plan if a
/// pre-check proves one of its accesses (loops inside it included). A
/// loop is then versioned if it proves an access that no versioned loop
/// inside it does, or every access one of them does (which runs that
/// loop's pre-check once instead of once per iteration), and if at most
/// one level of versioned loops is inside it: versioning copies a loop, so
/// a loop is emitted at most four times, and the innermost loops, the
/// hottest, keep their versions.
pub fn plan(ops: &[Operator], arity: &Arity, provable: &dyn Fn(&Operator) -> bool) -> BTreeMap<usize, LoopPlan> {
    let mut plans = BTreeMap::new();
    let mut open: Vec<Option<usize>> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match op {
            Operator::Block { .. } | Operator::If { .. } | Operator::Try { .. } | Operator::TryTable { .. } => open.push(None),
            Operator::Loop { .. } => open.push(Some(i)),
            Operator::End => {
                if let Some(Some(start)) = open.pop() {
                    if i - start <= MAX_VERSIONED_OPS {
                        if let Some(p) = plan_loop(ops, start, i, arity, provable, &plans) {
                            plans.insert(start, p);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // Inner loops first (a loop ends before the loops around it do).
    let mut by_end: Vec<usize> = plans.keys().copied().collect();
    by_end.sort_by_key(|s| plans[s].end);
    let mut levels: BTreeMap<usize, u32> = BTreeMap::new();
    for start in by_end {
        let end = plans[&start].end;
        let inside: Vec<usize> = levels.range(start + 1..end).map(|(&s, _)| s).collect();
        let below = inside.iter().map(|s| levels[s]).max().unwrap_or(0);
        let proven_inside: BTreeSet<usize> = inside.iter().flat_map(|s| plans[s].proven.iter().copied()).collect();
        // A loop that proves all a versioned loop inside it proves runs
        // that loop's pre-check once, not once per iteration (a
        // convolution's taps, inside the loop over its outputs).
        let hoists = inside.iter().any(|s| plans[s].proven.is_subset(&plans[&start].proven));
        if below < MAX_VERSIONING_LEVELS && (hoists || !plans[&start].proven.is_subset(&proven_inside)) {
            levels.insert(start, below + 1);
        } else {
            plans.remove(&start);
        }
    }
    plans
}

/// Versioning copies a loop (and a versioned loop inside it once more), so
/// only loops up to this size are versioned; LLVM's hot loops are far
/// smaller.
const MAX_VERSIONED_OPS: usize = 4000;

/// Versioned loops nest at most this deep: a loop is emitted at most
/// 2^this times.
const MAX_VERSIONING_LEVELS: u32 = 2;

/// A dependency on "the values the loop writes to ranged local l" (see
/// [`Sim::havoc`]), without one on l's value at loop entry: `l | WRITES_OF`.
const WRITES_OF: u32 = 1 << 31;

struct Frame {
    height: usize,
    results: usize,
    /// Locals as they were when the frame opened (restored at `else`).
    saved: BTreeMap<u32, Sym>,
    written: BTreeSet<u32>,
    /// Whether the code around the frame is unreachable.
    parent_dead: bool,
}

struct Sim<'a> {
    /// Locals the loop writes, with their value now (absent: unknown, i.e.
    /// still the previous iteration's).
    locals: BTreeMap<u32, Sym>,
    written: &'a BTreeSet<u32>,
    ivs: &'a BTreeSet<u32>,
    /// Climbing locals, with their largest step.
    climbing: &'a BTreeMap<u32, i64>,
    ranged: &'a BTreeMap<u32, i64>,
    /// For each ranged local, the ranged locals its written values rely on.
    write_deps: BTreeMap<u32, BTreeSet<u32>>,
}

impl Sim<'_> {
    fn read(&mut self, l: u32) -> Sym {
        if !self.written.contains(&l) {
            return Sym::Val(Affine::var(Var::Entry(l)));
        }
        match self.locals.get(&l) {
            Some(s) => s.clone(),
            None if self.ivs.contains(&l) => Sym::Val(Affine::var(Var::Iv(l))),
            None if self.climbing.contains_key(&l) => Sym::Val(Affine::var(Var::Climbing(l))),
            None => match self.ranged.get(&l) {
                Some(&r) => Sym::Val(Affine::range(0, r).with_deps(&BTreeSet::from([l]))),
                None => Sym::Top,
            },
        }
    }

    /// The iteration count of the counted loop `c` inside, whose `loop` is
    /// at `at`, when its induction local's first value and its bound are,
    /// here, exact forms over locals the loop never writes.
    fn inner_count(&mut self, at: usize, c: &Counted) -> Option<InnerCount> {
        let fixed = |a: &Affine| a.exact() && a.deps.is_empty() && a.terms.keys().all(|v| matches!(v, Var::Entry(_)));
        let Sym::Val(start) = self.read(c.iv) else { return None };
        let mut bound = Affine::konst(c.bound.konst);
        for (&v, &coef) in &c.bound.terms {
            let Var::Entry(l) = v else { return None };
            let Sym::Val(x) = self.read(l) else { return None };
            bound = bound.add(&x.scale(coef)?, 1)?;
        }
        (fixed(&start) && fixed(&bound)).then(|| InnerCount { at, counted: Counted { bound, ..c.clone() }, start })
    }

    /// What the simulation assumes of local `l` where it holds either its
    /// value now or one written by the code ahead (at the head of a loop
    /// inside the loop that writes it; after a block that writes it): a
    /// ranged local is in `[0, R]` (every write is checked to be), which
    /// relies on its value now and on what the loop writes to it, not on
    /// its entry value unless its value now does. Any other local is
    /// unknown.
    fn havoc(&mut self, l: u32) -> Sym {
        let Some(&r) = self.ranged.get(&l) else { return Sym::Top };
        let mut deps = BTreeSet::from([l | WRITES_OF]);
        match self.read(l).into_value() {
            Sym::Val(a) if a.real_range().is_some_and(|(_, hi)| hi <= r) => deps.extend(&a.deps),
            _ => {
                deps.insert(l);
            }
        }
        Sym::Val(Affine::range(0, r).with_deps(&deps))
    }
}

/// The locals written between the `loop` at `body[0]` and its `end`.
fn written_in_loop(body: &[Operator]) -> BTreeSet<u32> {
    let mut depth = 0usize;
    let mut out = BTreeSet::new();
    for op in body {
        match *op {
            Operator::Block { .. } | Operator::If { .. } | Operator::Loop { .. } => depth += 1,
            Operator::End => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                out.insert(local_index);
            }
            _ => {}
        }
    }
    out
}

fn block_arity(ty: &BlockType) -> Option<(usize, usize)> {
    match ty {
        BlockType::Empty => Some((0, 0)),
        BlockType::Type(_) => Some((0, 1)),
        BlockType::FuncType(_) => None,
    }
}

/// What the i32 result of a load is known to be.
fn loaded_range(op: &Operator) -> Option<i64> {
    Some(match op {
        Operator::I32Load8U { .. } | Operator::I32AtomicLoad8U { .. } => 0xff,
        Operator::I32Load16U { .. } | Operator::I32AtomicLoad16U { .. } => 0xffff,
        _ => return None,
    })
}

/// `inside`: the plans of the loops before this one's end (those inside it
/// among them).
fn plan_loop(ops: &[Operator], start: usize, end: usize, arity: &Arity, provable: &dyn Fn(&Operator) -> bool, inside: &BTreeMap<usize, LoopPlan>) -> Option<LoopPlan> {
    let Operator::Loop { blockty: BlockType::Empty } = ops[start] else { return None };
    let body = &ops[start + 1..end];
    // Pass 1: the locals the loop writes, the candidates for the induction
    // variable (written once, at the loop's top level), and the shape.
    let mut writes: BTreeMap<u32, (usize, bool)> = BTreeMap::new();
    let mut depth = 0u32;
    let mut any_access = false;
    let mut other_back_edge = false;
    for (k, op) in body.iter().enumerate() {
        let top_level = depth == 0;
        match *op {
            Operator::Block { .. } | Operator::If { .. } | Operator::Loop { .. } => depth += 1,
            Operator::End => depth = depth.checked_sub(1)?,
            Operator::Else => {}
            Operator::Br { relative_depth } | Operator::BrIf { relative_depth } => {
                if relative_depth == depth && !(k + 1 == body.len() && matches!(op, Operator::BrIf { .. })) {
                    other_back_edge = true;
                }
            }
            Operator::BrTable { ref targets } => {
                for t in targets.targets().chain(std::iter::once(Ok(targets.default()))) {
                    if t.ok()? == depth {
                        other_back_edge = true;
                    }
                }
            }
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                let e = writes.entry(local_index).or_insert((0, top_level));
                e.0 += 1;
                e.1 &= top_level;
            }
            Operator::Try { .. }
            | Operator::TryTable { .. }
            | Operator::Catch { .. }
            | Operator::CatchAll
            | Operator::Delegate { .. }
            | Operator::Rethrow { .. }
            | Operator::BrOnNull { .. }
            | Operator::BrOnNonNull { .. }
            | Operator::BrOnCast { .. }
            | Operator::BrOnCastFail { .. } => return None,
            _ => {
                if access(op).is_some() && provable(op) {
                    any_access = true;
                }
            }
        }
    }
    if !any_access {
        return None;
    }
    // The locals each loop inside writes, once for all the simulation's rounds.
    let inner_writes: BTreeMap<usize, BTreeSet<u32>> =
        body.iter().enumerate().filter(|(_, op)| matches!(op, Operator::Loop { .. })).map(|(k, _)| (k, written_in_loop(&body[k..]))).collect();
    let counted_shape = !other_back_edge && matches!(body.last(), Some(Operator::BrIf { relative_depth: 0 }));
    let written: BTreeSet<u32> = writes.keys().copied().collect();
    let mut ivs: BTreeSet<u32> = if counted_shape { writes.iter().filter(|(_, &(n, top))| n == 1 && top).map(|(&l, _)| l).collect() } else { BTreeSet::new() };
    let mut ranged: BTreeMap<u32, i64> = BTreeMap::new();
    let mut climbing: BTreeMap<u32, i64> = BTreeMap::new();
    let mut guessed = false;
    // Pass 2: simulate one iteration. A candidate induction variable whose
    // write is not `IV + c`, or a local assumed bounded that gets another
    // value, is dropped and the simulation runs again; the first run also
    // proposes the bounded locals.
    for _ in 0..=(2 * ivs.len() + written.len() + 1) {
        let sim = Sim { locals: BTreeMap::new(), written: &written, ivs: &ivs, climbing: &climbing, ranged: &ranged, write_deps: BTreeMap::new() };
        match simulate(sim, body, start + 1, counted_shape, &inner_writes, inside, arity, provable) {
            Outcome::Bail => return None,
            Outcome::Drop(l) => {
                ivs.remove(&l);
                climbing.remove(&l);
                ranged.remove(&l);
            }
            Outcome::Climb(l, step) => {
                ivs.remove(&l);
                climbing.insert(l, step);
            }
            Outcome::Done { steps, condition, accesses, bounded, write_deps, inner, climbs, climb_flags } => {
                if !guessed {
                    guessed = true;
                    let proposed: BTreeMap<u32, i64> = bounded.into_iter().filter(|(l, r)| r.is_some() && !ivs.contains(l)).map(|(l, r)| (l, r.unwrap())).collect();
                    if !proposed.is_empty() {
                        ranged = proposed;
                        continue;
                    }
                }
                // Only the assumptions a proven address relies on, directly
                // or through another ranged local's writes, are checked.
                let mut used: BTreeSet<u32> = accesses.iter().flat_map(|a| a.2.deps.iter().copied()).collect();
                let mut work: Vec<u32> = used.iter().copied().collect();
                while let Some(l) = work.pop() {
                    for &d in write_deps.get(&(l & !WRITES_OF)).into_iter().flatten() {
                        if used.insert(d) {
                            work.push(d);
                        }
                    }
                }
                ranged.retain(|l, _| used.contains(l));
                return finish(end, steps, condition, accesses, ranged, inner, climbs, &climb_flags);
            }
        }
    }
    None
}

#[allow(clippy::large_enum_variant)] // one value per simulation run
enum Outcome {
    Bail,
    /// This local is not what it was assumed to be.
    Drop(u32),
    /// This induction candidate moves by a step in `[0, c]`, not by a
    /// constant: it may be climbing.
    Climb(u32, i64),
    Done {
        steps: BTreeMap<u32, i64>,
        condition: Option<Sym>,
        accesses: Vec<(usize, u32, Affine, i64)>,
        /// For each local the loop writes: the largest value written, if
        /// every write is a value in [0, R].
        bounded: BTreeMap<u32, Option<i64>>,
        write_deps: BTreeMap<u32, BTreeSet<u32>>,
        inner: Vec<InnerCount>,
        /// The climbing locals whose exit was found.
        climbs: BTreeMap<u32, Climb>,
        /// The climbing locals of step 1 whose step is a [`Flag`].
        climb_flags: BTreeMap<u32, Flag>,
    },
}

/// `inner_writes`: for each loop inside (by its index in `body`), the
/// locals it writes.
#[allow(clippy::too_many_arguments)]
fn simulate(
    mut sim: Sim,
    body: &[Operator],
    first: usize,
    counted_shape: bool,
    inner_writes: &BTreeMap<usize, BTreeSet<u32>>,
    inside: &BTreeMap<usize, LoopPlan>,
    arity: &Arity,
    provable: &dyn Fn(&Operator) -> bool,
) -> Outcome {
    let mut stack: Vec<Sym> = Vec::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut dead = false;
    let mut steps = BTreeMap::new();
    let mut accesses = Vec::new();
    let mut bounded: BTreeMap<u32, Option<i64>> = BTreeMap::new();
    let mut inner = Vec::new();
    let mut climbs: BTreeMap<u32, Climb> = BTreeMap::new();
    let mut climb_flags: BTreeMap<u32, Flag> = BTreeMap::new();
    let last = body.len() - 1;
    macro_rules! pop {
        () => {
            match stack.pop() {
                Some(s) => s,
                None => return Outcome::Bail,
            }
        };
    }
    for (k, op) in body.iter().enumerate() {
        if k == last && counted_shape {
            // The loop's own br_if 0: its condition.
            if dead || !frames.is_empty() {
                return Outcome::Bail;
            }
            let condition = pop!();
            if let Some(c) = climb_exit(&condition, false, sim.climbing) {
                climbs.entry(c.local).or_insert(c);
            }
            return Outcome::Done { steps, condition: Some(condition), accesses, bounded, write_deps: sim.write_deps, inner, climbs, climb_flags };
        }
        // Control structure is followed in dead code too.
        match op {
            Operator::Block { blockty } | Operator::If { blockty } => {
                let Some((params, results)) = block_arity(blockty) else { return Outcome::Bail };
                if !dead && matches!(op, Operator::If { .. }) {
                    pop!();
                }
                frames.push(Frame { height: stack.len().saturating_sub(params), results, saved: sim.locals.clone(), written: BTreeSet::new(), parent_dead: dead });
                continue;
            }
            Operator::Loop { blockty } => {
                // A loop inside the loop: at its head every local it writes
                // holds the value of one of its iterations. For a counted
                // loop that runs the same iterations all through this one,
                // those of the locals it steps are known in terms of its
                // iteration number.
                let Some((params, results)) = block_arity(blockty) else { return Outcome::Bail };
                if !dead {
                    let mut stepped = BTreeMap::new();
                    let shape = inside.get(&(first + k)).and_then(|p| Some((p.counted.as_ref()?, &p.steps)));
                    if let Some((count, steps)) = shape.and_then(|(c, steps)| Some((sim.inner_count(first + k, c)?, steps))) {
                        let iteration = Affine::var(Var::InnerIter((first + k) as u32));
                        for (&l, &step) in steps {
                            if let (Sym::Val(v), Some(moved)) = (sim.read(l), iteration.scale(step)) {
                                if let Some(now) = v.add(&moved, 1) {
                                    stepped.insert(l, Sym::Val(now));
                                }
                            }
                        }
                        inner.push(count);
                    }
                    for &l in &inner_writes[&k] {
                        let assumed = stepped.remove(&l).unwrap_or_else(|| sim.havoc(l));
                        sim.locals.insert(l, assumed);
                    }
                }
                frames.push(Frame { height: stack.len().saturating_sub(params), results, saved: sim.locals.clone(), written: BTreeSet::new(), parent_dead: dead });
                continue;
            }
            Operator::Else => {
                let Some(f) = frames.last_mut() else { return Outcome::Bail };
                stack.truncate(f.height);
                sim.locals = f.saved.clone();
                dead = f.parent_dead;
                continue;
            }
            Operator::End => {
                let Some(f) = frames.pop() else { return Outcome::Bail };
                stack.truncate(f.height);
                stack.extend(std::iter::repeat_n(Sym::Top, f.results));
                // A local written inside has the value it had before or
                // one written inside (after a loop inside, what was assumed
                // at its head holds too).
                sim.locals = f.saved;
                for &l in &f.written {
                    let assumed = sim.havoc(l);
                    sim.locals.insert(l, assumed);
                    if let Some(p) = frames.last_mut() {
                        p.written.insert(l);
                    }
                }
                dead = f.parent_dead;
                continue;
            }
            _ => {}
        }
        if dead {
            continue;
        }
        match *op {
            Operator::I32Const { value } => stack.push(Sym::Val(Affine::konst(i64::from(value)))),
            Operator::LocalGet { local_index } => stack.push(sim.read(local_index)),
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                let mut v = pop!();
                let flag = match v {
                    Sym::PlusFlag(_, f) => Some(f),
                    _ => None,
                };
                if flag.is_some() {
                    v = v.into_value();
                }
                let only = |a: &Affine, var: Var| a.terms.len() == 1 && a.terms.get(&var) == Some(&1);
                if sim.ivs.contains(&local_index) {
                    // Its one write, at the top level: must be IV + c, or
                    // IV + [0, c] for a climbing local.
                    let step = match &v {
                        Sym::Val(a) if a.exact() && only(a, Var::Iv(local_index)) && a.konst != 0 => a.konst,
                        Sym::Val(a) if only(a, Var::Iv(local_index)) && a.konst == 0 && a.lo == 0 && a.hi > 0 && a.hi <= MAX_CLIMB_STEP => {
                            return Outcome::Climb(local_index, a.hi)
                        }
                        _ => return Outcome::Drop(local_index),
                    };
                    steps.insert(local_index, step);
                }
                if let Some(&c) = sim.climbing.get(&local_index) {
                    // Its one write: l + [0, c]; from here on the local is
                    // its new value, which an exit compares with a bound.
                    match &v {
                        Sym::Val(a) if only(a, Var::Climbing(local_index)) && a.konst == 0 && a.lo == 0 && a.hi == c => {
                            v = Sym::Val(Affine::var(Var::ClimbNext(local_index)));
                            if let Some(f) = flag.filter(|_| c == 1) {
                                climb_flags.insert(local_index, f);
                            }
                        }
                        _ => return Outcome::Drop(local_index),
                    }
                }
                if matches!(op, Operator::LocalTee { .. }) {
                    stack.push(v.clone());
                }
                // A flag or a value made in this iteration is kept as it is
                // (a later use is the same value); its range is its value's.
                let range = match v.clone().into_value() {
                    Sym::Val(a) => a.real_range(),
                    _ => None,
                };
                let v = match v {
                    Sym::Flag(_) | Sym::Opaque(_) => v,
                    v => v.into_value(),
                };
                if let Some(&r) = sim.ranged.get(&local_index) {
                    if !range.is_some_and(|(_, hi)| hi <= r) {
                        return Outcome::Drop(local_index);
                    }
                }
                if let Sym::Val(a) = &v {
                    sim.write_deps.entry(local_index).or_default().extend(&a.deps);
                }
                let e = bounded.entry(local_index).or_insert(Some(0));
                *e = match (*e, range) {
                    (Some(r), Some((_, hi))) => Some(r.max(hi)),
                    _ => None,
                };
                sim.locals.insert(local_index, v);
                if let Some(f) = frames.last_mut() {
                    f.written.insert(local_index);
                }
            }
            Operator::I32Add | Operator::I32Sub | Operator::I32Mul | Operator::I32Shl | Operator::I32And | Operator::I32Or | Operator::I32ShrU | Operator::I32RemU => {
                let b = pop!();
                let a = pop!();
                if let (Operator::I32Add, Sym::Val(x), Sym::Flag(f)) | (Operator::I32Add, Sym::Flag(f), Sym::Val(x)) = (op, &a, &b) {
                    stack.push(Sym::PlusFlag(x.clone(), *f));
                    continue;
                }
                let (a, b) = (a.into_value(), b.into_value());
                let (x, y) = match (&a, &b) {
                    (Sym::Val(x), Sym::Val(y)) => (Some(x), Some(y)),
                    (Sym::Val(x), _) => (Some(x), None),
                    (_, Sym::Val(y)) => (None, Some(y)),
                    _ => (None, None),
                };
                let kx = x.and_then(Affine::as_konst);
                let ky = y.and_then(Affine::as_konst);
                let rx = x.and_then(Affine::real_range);
                let ry = y.and_then(Affine::real_range);
                let r = match op {
                    Operator::I32Add => x.zip(y).and_then(|(x, y)| x.add(y, 1)),
                    Operator::I32Sub => x.zip(y).and_then(|(x, y)| x.add(y, -1)),
                    Operator::I32Mul => match (kx, ky) {
                        (_, Some(k)) if k.abs() <= MAX_COEF => x.and_then(|x| x.scale(k)),
                        (Some(k), _) if k.abs() <= MAX_COEF => y.and_then(|y| y.scale(k)),
                        _ => None,
                    },
                    Operator::I32Shl => match ky {
                        Some(k) if (k & 31) <= 24 => x.and_then(|x| x.scale(1 << (k & 31))),
                        _ => None,
                    },
                    // Bit operations on values known exactly (in [0, 2^32)).
                    Operator::I32And => {
                        // A constant mask bounds the result by itself; else
                        // the smaller of the operands' bounds.
                        let mask = kx.or(ky).map(|k| k & 0xffff_ffff);
                        match (mask, rx, ry) {
                            (Some(m), _, _) => Some(Affine::range(0, m)),
                            (None, Some(a), Some(b)) if a.1 <= b.1 => Some(Affine::range(0, a.1).with_deps(&x.unwrap().deps)),
                            (None, _, Some(b)) => Some(Affine::range(0, b.1).with_deps(&y.unwrap().deps)),
                            (None, Some(a), None) => Some(Affine::range(0, a.1).with_deps(&x.unwrap().deps)),
                            // A mask the loop never changes (a table's
                            // size - 1, loaded before the loop).
                            _ => y.and_then(Affine::as_entry_local).or_else(|| x.and_then(Affine::as_entry_local)).map(|l| Affine::var(Var::UpTo(l))),
                        }
                    }
                    Operator::I32Or => rx.zip(ry).map(|(a, b)| {
                        Affine::range(a.0.max(b.0), (a.1 + b.1).min(0xffff_ffff)).with_deps(&x.unwrap().deps).with_deps(&y.unwrap().deps)
                    }),
                    Operator::I32ShrU => match ky.map(|k| k & 31) {
                        Some(k) => Some(match rx {
                            Some((lo, hi)) => Affine::range(lo >> k, hi >> k).with_deps(&x.unwrap().deps),
                            None => Affine::range(0, 0xffff_ffff >> k),
                        }),
                        None => None,
                    },
                    Operator::I32RemU => match ky.map(|k| k & 0xffff_ffff) {
                        Some(k) if k > 0 => Some(Affine::range(0, k - 1)),
                        Some(_) => None,
                        None => y.and_then(Affine::as_entry_local).map(|l| Affine::var(Var::Below(l))),
                    },
                    _ => unreachable!("not one of the arithmetic operators above"),
                };
                stack.push(r.map_or(Sym::Top, Sym::Val));
            }
            Operator::I32Ne | Operator::I32LtU | Operator::I32LtS | Operator::I32LeU | Operator::I32LeS | Operator::I32GtU | Operator::I32GtS | Operator::I32GeU | Operator::I32GeS => {
                let b = pop!();
                let a = pop!();
                let cmp = match op {
                    Operator::I32Ne => Cmp::Ne,
                    Operator::I32LtU => Cmp::LtU,
                    Operator::I32LtS => Cmp::LtS,
                    Operator::I32LeU => Cmp::LeU,
                    Operator::I32LeS => Cmp::LeS,
                    Operator::I32GtU => Cmp::GtU,
                    Operator::I32GtS => Cmp::GtS,
                    Operator::I32GeU => Cmp::GeU,
                    _ => Cmp::GeS,
                };
                stack.push(match (a.into_value(), b.into_value()) {
                    (Sym::Val(x), Sym::Val(y)) => Sym::Cmp(cmp, x, y),
                    (Sym::Opaque(a), Sym::Opaque(b)) => Sym::Flag(Flag { cmp, a, b }),
                    _ => Sym::Val(Affine::range(0, 1)),
                });
            }
            Operator::V128And => {
                // Bits of a v128 local the loop never writes: each i32 lane
                // of the result is at most that local's lane.
                let b = pop!();
                let a = pop!();
                let lanes = |s: &Sym| match s {
                    Sym::Lanes(l) => Some(*l),
                    // A v128 operand that is a plain entry local is one of
                    // the function's v128 locals (the module validates).
                    Sym::Val(x) => x.as_entry_local(),
                    _ => None,
                };
                stack.push(lanes(&b).or_else(|| lanes(&a)).map_or(Sym::Top, Sym::Lanes));
            }
            Operator::I32x4ExtractLane { .. } => {
                let v = pop!();
                stack.push(match v {
                    Sym::Lanes(l) => Sym::Val(Affine::var(Var::UpToLanes(l))),
                    _ => Sym::Top,
                });
            }
            Operator::BrIf { relative_depth } => {
                // Leaves the loop or a block inside it; the values it
                // carries stay on the stack when it does not branch. One at
                // the loop's top level that leaves the loop may bound a
                // climbing local for the iterations after this one.
                let condition = pop!();
                if frames.is_empty() && relative_depth >= 1 {
                    if let Some(c) = climb_exit(&condition, true, sim.climbing) {
                        climbs.entry(c.local).or_insert(c);
                    }
                }
            }
            Operator::Br { .. } | Operator::BrTable { .. } | Operator::Return | Operator::Unreachable | Operator::Throw { .. } | Operator::ThrowRef | Operator::ReturnCall { .. } | Operator::ReturnCallIndirect { .. } => {
                dead = true;
            }
            _ => {
                if let Some(a) = access(op) {
                    let address_at = stack.len().checked_sub(1 + a.above.len());
                    let Some(address_at) = address_at else { return Outcome::Bail };
                    if provable(op) {
                        if let Sym::Val(addr) = stack[address_at].clone().into_value() {
                            accesses.push((first + k, a.memory, addr, (a.memarg.offset + a.width) as i64));
                        }
                    }
                }
                let Some((params, results)) = arity.of(op) else { return Outcome::Bail };
                if stack.len() < params as usize {
                    return Outcome::Bail;
                }
                stack.truncate(stack.len() - params as usize);
                match loaded_range(op) {
                    Some(hi) if results == 1 => stack.push(Sym::Val(Affine::range(0, hi))),
                    _ if results == 1 => stack.push(Sym::Opaque((first + k) as u32)),
                    _ => stack.extend(std::iter::repeat_n(Sym::Top, results as usize)),
                }
            }
        }
    }
    if counted_shape {
        return Outcome::Bail;
    }
    Outcome::Done { steps, condition: None, accesses, bounded, write_deps: sim.write_deps, inner, climbs, climb_flags }
}

/// The exit of a counted loop, from the condition of its `br_if 0`.
fn counted(steps: &BTreeMap<u32, i64>, condition: Sym) -> Option<Counted> {
    // `br_if X` is `X != 0`.
    let (cmp, lhs, rhs) = match condition {
        Sym::Cmp(c, l, r) => (c, l, r),
        Sym::Val(x) => (Cmp::Ne, x, Affine::konst(0)),
        _ => return None,
    };
    // Normalize to `IV + step OP bound`, the bound free of induction terms.
    let (cmp, ivside, bound) = if rhs.has_iv() { (cmp.swapped(), rhs, lhs) } else { (cmp, lhs, rhs) };
    if bound.terms.keys().any(|v| !matches!(v, Var::Entry(_))) || !bound.exact() || !ivside.exact() || ivside.terms.len() != 1 {
        return None;
    }
    let (&Var::Iv(iv), &1) = ivside.terms.iter().next()? else { return None };
    let step = *steps.get(&iv)?;
    if ivside.konst != step {
        return None; // compares something other than the updated IV
    }
    let exit = match cmp {
        Cmp::Ne => Exit::Ne,
        Cmp::LtU | Cmp::LeU | Cmp::LtS | Cmp::LeS if step > 0 => {
            Exit::Below { signed: matches!(cmp, Cmp::LtS | Cmp::LeS), inclusive: matches!(cmp, Cmp::LeU | Cmp::LeS) }
        }
        Cmp::GtU | Cmp::GeU | Cmp::GtS | Cmp::GeS if step < 0 => {
            Exit::Above { signed: matches!(cmp, Cmp::GtS | Cmp::GeS), inclusive: matches!(cmp, Cmp::GeU | Cmp::GeS) }
        }
        _ => return None,
    };
    Some(Counted { iv, step, exit, bound })
}

#[allow(clippy::too_many_arguments)]
fn finish(
    end: usize,
    steps: BTreeMap<u32, i64>,
    condition: Option<Sym>,
    accesses: Vec<(usize, u32, Affine, i64)>,
    ranged: BTreeMap<u32, i64>,
    inner: Vec<InnerCount>,
    climbs: BTreeMap<u32, Climb>,
    climb_flags: &BTreeMap<u32, Flag>,
) -> Option<LoopPlan> {
    let counted = condition.and_then(|c| counted(&steps, c));
    // Without a counted exit, two climbing locals of which exactly one
    // moves, by 1, every iteration count the iterations (see [`LoopPlan::trip`]).
    let flagged: Vec<(u32, Flag)> = climb_flags.iter().filter(|(l, _)| climbs.contains_key(l)).map(|(&l, &f)| (l, f)).collect();
    let trip = match counted {
        Some(_) => None,
        None => flagged.iter().enumerate().find_map(|(n, &(a, fa))| flagged[n + 1..].iter().find(|&&(_, fb)| fa.complements(fb)).map(|&(b, _)| (a, b))),
    };
    let mut groups: Vec<Group> = Vec::new();
    let mut proven = BTreeSet::new();
    for (index, memory, addr, end_bytes) in accesses {
        // Induction locals other than the exit's also move once per
        // iteration; without a counted exit there is no iteration count.
        let ivs = addr.iv_coefs();
        if !ivs.is_empty() && ((counted.is_none() && trip.is_none()) || ivs.keys().any(|l| !steps.contains_key(l))) {
            continue;
        }
        // A climbing local is bounded only by an exit.
        if addr.terms.keys().any(|v| matches!(v, Var::Climbing(l) | Var::ClimbNext(l) if !climbs.contains_key(l))) {
            continue;
        }
        let Some(slope) = ivs.iter().try_fold(0i64, |acc, (l, &a)| acc.checked_add(a.checked_mul(steps[l])?)) else { continue };
        if slope.abs() > MAX_COEF {
            continue;
        }
        let entry_terms = addr.entry_terms();
        proven.insert(index);
        let (low, high) = (addr.konst + addr.lo, addr.konst + addr.hi + end_bytes);
        match groups.iter_mut().find(|g| g.memory == memory && g.ivs == ivs && g.entry_terms == entry_terms) {
            Some(g) => {
                g.min_konst = g.min_konst.min(low);
                g.max_end = g.max_end.max(high);
            }
            None => groups.push(Group { memory, entry_terms, ivs, slope, min_konst: low, max_end: high }),
        }
    }
    if proven.is_empty() {
        return None;
    }
    let used: BTreeSet<usize> = groups.iter().flat_map(|g| g.entry_terms.keys()).filter_map(|v| if let Var::InnerIter(at) = v { Some(*at as usize) } else { None }).collect();
    let inner = inner.into_iter().filter(|c| used.contains(&c.at)).collect();
    let trip = trip.filter(|_| groups.iter().any(|g| !g.ivs.is_empty()));
    let mut climbing_used: BTreeSet<u32> =
        groups.iter().flat_map(|g| g.entry_terms.keys()).filter_map(|v| if let Var::Climbing(l) | Var::ClimbNext(l) = v { Some(*l) } else { None }).collect();
    climbing_used.extend(trip.iter().flat_map(|&(a, b)| [a, b]));
    let climbs = climbs.into_values().filter(|c| climbing_used.contains(&c.local)).collect();
    Some(LoopPlan { end, counted, ranged, groups, proven, inner, steps, climbs, trip })
}
