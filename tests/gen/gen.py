#!/usr/bin/env python3
"""A random multi-memory C program generator for differential testing.

    python3 tests/gen/gen.py SEED [-o FILE]

prints (or writes) one C program whose data lives in several WebAssembly
memories at once: `__memory(N)` globals (scalars, arrays, structs with
nested structs, unions and bitfields), pointers into one memory stored in
another (and pointers to those), `__wasm_memory` arrays, per-memory heaps
(mm_malloc/mm_realloc/mm_free, a linked list, allocation churn), bulk
copies and fills between memories (memcpy, memmove, memset, their
__builtin_ forms, __builtin_memcpy_inline, mm_copy, mm_memcpy/memmove/
memset), struct assignment across memories, atomics (__atomic_*, __sync_*,
C11 on _Atomic objects), volatile objects, memory-N strings (mm_strlen,
mm_strcmp, mm_strcopy, mm_strdup_to, mm_strchr), loops, and helper
functions taking memory-N pointers.

The program is free of undefined behaviour by construction, so that its
build by plain clang with <mmcc.h>'s qualifiers defined away (everything in
memory 0) is an oracle for mmcc's build:

  - every value is computed in uint32_t or uint64_t (each leaf is cast, so
    nothing is promoted to int and no signed arithmetic can overflow);
    shift counts are masked, divisors are `| 1`;
  - every index is a constant below the length, `(e) % LEN`, or a loop
    variable whose bound is at most the length; pointers carry a window
    (the elements valid from them) and are indexed within it;
  - every object is initialized before it is read (globals are zeroed or
    initialized, locals are initialized, heap blocks are filled after
    mm_malloc and realloc'ed tails after mm_realloc);
  - expressions have no side effects (calls, atomics and volatile accesses
    are whole statements), so evaluation order cannot matter;
  - memcpy-like copies are used only where source and destination cannot
    overlap (different memories, or different objects); everything else is
    a memmove;
  - nothing prints addresses, sizes of memories, or padding bytes (struct
    bytes are read only through fields); strcmp results are reduced to
    their sign; no floating point (NaN bits differ between engines).

The program prints a few intermediate values and checksums, then
`checksum <hex>`, and exits with a code derived from the checksum (often
0). A header comment `// flags: ...` lists compiler flags for both builds
(-msimd128 and -matomics on some seeds) and `// memories: ...` the numbered
memories it uses, which tests/gen/run.py checks mmcc's build really uses.

The same SEED always gives the same program (for a given GEN_VERSION).
"""

import argparse
import random
import re
import sys

# Version 2 is version 1 with memory 97 in place of 99 and the workaround
# for found/static_wasm_memory_split.c; every other seed is the same
# program (the random numbers are seeded as in version 1). Version 3 drops
# the workarounds for found/i24_load.c and found/static_wasm_memory_split.c
# (both fixed): bitfields of every width, static __wasm_memory arrays.
# Version 4 drops the last one, for found/heap_state_past_memory_end.c
# (fixed): memories with a heap are no longer given room after their data.
GEN_VERSION = 4

SCALARS = ["u8", "u16", "u32", "u64"]
CTYPE = {"u8": "uint8_t", "u16": "uint16_t", "u32": "uint32_t", "u64": "uint64_t"}
SIZE = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}
# Memory numbers: not 10 and 20 (LLVM's externref/funcref address spaces);
# mostly small ones, now and then a large one. At most 97, so that with two
# wasm_memory arrays a module has at most 100 memories: wasmtime
# (wasmparser) and JSC refuse more (V8 runs them), and so does mmcc itself
# today (tests/gen/found/memory_100.c), although it documents 1 to 255.
MEMORY_POOL = [m for m in range(1, 40) if m not in (10, 20)] + [63, 64, 97]


def q(mem):
    """The qualifier that puts an object or pointee into memory `mem`
    (nothing for memory 0: __memory(0) would be a distinct type)."""
    return "" if mem == 0 else "__memory(%d) " % mem


class Struct:
    def __init__(self, name, fields):
        self.name = name
        self.fields = fields  # [(field name, ftype)]; see Gen.field_type

    @property
    def c(self):
        return "struct " + self.name


class Union:
    def __init__(self, name, wide, narrow, count):
        self.name = name
        self.wide = wide        # the whole-width member `w` (u32 or u64)
        self.narrow = narrow    # `p`: an array of a narrower type, same size
        self.count = count

    @property
    def c(self):
        return "union " + self.name


class View:
    """Something that can be indexed or read: a global, a local, a heap
    block, a pointer (its window), a parameter, a wasm_memory array.

    name      the C expression of the object (or of the pointer)
    mem       its memory (0 = default memory; 'w' = a wasm_memory array)
    elem      'u8'..'u64', a Struct or a Union
    length    None: a single object; otherwise the number of elements valid
              from `name` (an array's length or a pointer's window)
    roots     the set of underlying objects it may refer to (for overlap)
    """

    def __init__(self, name, mem, elem, length, roots, addressable=True,
                 writable=True, atomic=False, volatile=False, kind="global"):
        self.name = name
        self.mem = mem
        self.elem = elem
        self.length = length
        self.roots = roots
        self.addressable = addressable
        self.writable = writable
        self.atomic = atomic      # C11 _Atomic elements
        self.volatile = volatile
        self.kind = kind


class Scope:
    """What a function body can see: views, scalar locals and loop
    variables (name -> bound)."""

    def __init__(self, views, locals_, loopvars=None):
        self.views = views
        self.locals = locals_          # [(name, 'u32'|'u64')]
        self.loopvars = loopvars or []  # [(name, bound)]

    def with_loop(self, var, bound):
        return Scope(self.views, self.locals, self.loopvars + [(var, bound)])


class Gen:
    def __init__(self, seed, workarounds=True):
        self.seed = seed
        self.workarounds = workarounds
        self.data_bytes = {}    # memory -> upper bound of its static data
        self.r = random.Random(seed * 7919 + 1)
        self.counter = 0
        self.out_types = []
        self.out_globals = []
        self.out_funcs = []
        self.structs = []
        self.unions = []
        self.globals = []       # Views of the global objects
        self.pointers = []      # (View of the window, decl info) for pointer globals
        self.strings = []       # dicts: name, mem, cap, maxlen
        self.volatiles = []     # Views of volatile scalars
        self.funcs = []         # dicts: name, params, returns
        self.heap_mems = set()
        # Memories the program accesses for sure, even at -O0 (its
        # `// memories:` line, which run.py checks).
        self.used_mems = set()
        self.counter_mems = {}   # function name -> memory of its static call counter
        self.flags = []

    # ---- small helpers ---------------------------------------------------

    def fresh(self, prefix):
        self.counter += 1
        return "%s%d" % (prefix, self.counter)

    def chance(self, p):
        return self.r.random() < p

    def const(self, ty):
        r = self.r
        k = r.random()
        if k < 0.35:
            v = r.randint(0, 9)
        elif k < 0.7:
            v = r.randint(0, 0xFFFF)
        elif ty == "u64":
            v = r.getrandbits(64)
        else:
            v = r.getrandbits(32)
        if ty in ("u8", "u16"):
            v &= (1 << (8 * SIZE[ty])) - 1  # initializers that fit
        return "%d%s" % (v, "ull" if ty == "u64" else "u")

    def pick_mem(self, allow0=True):
        if allow0 and self.chance(0.15):
            return 0
        return self.r.choice(self.mems)

    # ---- types -------------------------------------------------------------

    def gen_types(self):
        r = self.r
        for _ in range(r.randint(1, 2)):
            wide = r.choice(["u32", "u64"])
            narrow = r.choice([t for t in SCALARS if SIZE[t] < SIZE[wide]])
            u = Union(self.fresh("un"), wide, narrow, SIZE[wide] // SIZE[narrow])
            self.unions.append(u)
            self.out_types.append("%s { %s w; %s p[%d]; };" % (
                u.c, CTYPE[wide], CTYPE[narrow], u.count))
        for _ in range(r.randint(2, 4)):
            fields = []
            for i in range(r.randint(2, 6)):
                fields.append(("f%d" % i, self.field_type()))
            if all(isinstance(t, tuple) and t[0] == "bf" for _, t in fields):
                fields.append(("f%d" % len(fields), "u32"))
            s = Struct(self.fresh("st"), fields)
            self.structs.append(s)
            body = " ".join(self.field_decl(n, t) for n, t in fields)
            self.out_types.append("%s { %s };" % (s.c, body))

    def field_type(self):
        r = self.r
        k = r.random()
        if k < 0.45:
            return r.choice(SCALARS)
        if k < 0.6:
            return ("arr", r.choice(SCALARS), r.randint(2, 6))
        if k < 0.75:
            # (Bitfields of every width: the odd-sized loads of
            # tests/gen/found/i24_load.c are fixed.)
            return ("bf", r.randint(1, 31))
        if k < 0.87 and self.structs:
            return r.choice(self.structs)
        if self.unions:
            return r.choice(self.unions)
        return "u32"

    def field_decl(self, name, t):
        if isinstance(t, str):
            return "%s %s;" % (CTYPE[t], name)
        if isinstance(t, (Struct, Union)):
            return "%s %s;" % (t.c, name)
        if t[0] == "arr":
            return "%s %s[%d];" % (CTYPE[t[1]], name, t[2])
        return "unsigned int %s : %d;" % (name, t[1])

    def elem_c(self, elem):
        return CTYPE[elem] if isinstance(elem, str) else elem.c

    def size_bound(self, t):
        """An upper bound of sizeof(t) (padding included)."""
        if isinstance(t, str):
            return SIZE[t]
        if isinstance(t, Union):
            return SIZE[t.wide]
        if isinstance(t, Struct):
            return sum(8 + self.size_bound(ft) for _, ft in t.fields)
        if t[0] == "arr":
            return SIZE[t[1]] * t[2]
        return 4

    def account(self, mem, elem, length):
        self.data_bytes[mem] = self.data_bytes.get(mem, 0) + 16 + self.size_bound(elem) * (length or 1)

    def elem_size_expr(self, elem):
        return "sizeof(%s)" % self.elem_c(elem)

    # ---- initializers ------------------------------------------------------

    def init_of(self, t):
        """A constant initializer for a value of type t."""
        if isinstance(t, str):
            return self.const(t)
        if isinstance(t, Struct):
            return "{" + ", ".join(self.init_of(ft) for _, ft in t.fields) + "}"
        if isinstance(t, Union):
            return "{" + self.const(t.wide) + "}"
        if t[0] == "arr":
            return "{" + ", ".join(self.const(t[1]) for _ in range(t[2])) + "}"
        return "%du" % self.r.randint(0, (1 << t[1]) - 1)

    # ---- globals -------------------------------------------------------

    def gen_globals(self):
        r = self.r
        for _ in range(r.randint(6, 12)):
            mem = self.pick_mem()
            elem = r.choice(SCALARS) if self.chance(0.5) else r.choice(self.structs + self.unions)
            k = r.random()
            if k < 0.2:
                length = None
            elif k < 0.9:
                length = r.randint(2, 40)
            else:
                # Now and then a big one: beyond one 64 KiB page.
                length = r.randint(17000, 25000) if isinstance(elem, str) and SIZE[elem] == 4 else r.randint(40, 300)
            name = self.fresh("g")
            const = self.chance(0.08)
            init = ""
            if const or self.chance(0.4):
                if length is None:
                    init = " = " + self.init_of(elem)
                else:
                    n = min(length, r.randint(1, 8))
                    init = " = {" + ", ".join(self.init_of(elem) for _ in range(n)) + "}"
            static = "static " if self.chance(0.3) else ""
            decl = "%s%s%s%s %s%s%s;" % (static, q(mem), "const " if const else "",
                                          self.elem_c(elem), name,
                                          "" if length is None else "[%d]" % length, init)
            self.out_globals.append(decl)
            if not const:
                # clang folds reads of a const global at constant places
                # (a scalar, a struct's field, an array's element) even at
                # -O0, so its memory may have no instruction at all.
                self.used_mems.add(mem)
            self.account(mem, elem, length)
            self.globals.append(View(name, mem, elem, length, {name}, writable=not const))
        # C11 atomics: _Atomic scalars and arrays in some memory.
        for _ in range(r.randint(0, 2)):
            mem = self.pick_mem()
            self.used_mems.add(mem)
            elem = r.choice(["u32", "u64", "u16", "u8"])
            length = None if self.chance(0.5) else r.randint(2, 8)
            name = self.fresh("ag")
            self.out_globals.append("%s_Atomic %s %s%s;" % (q(mem), CTYPE[elem], name,
                                                          "" if length is None else "[%d]" % length))
            self.account(mem, elem, length)
            self.globals.append(View(name, mem, elem, length, {name}, atomic=True))
        # Volatile scalars: read and written only as whole statements.
        for _ in range(r.randint(0, 2)):
            mem = self.pick_mem()
            self.used_mems.add(mem)
            elem = r.choice(SCALARS)
            name = self.fresh("vg")
            self.out_globals.append("%svolatile %s %s;" % (q(mem), CTYPE[elem], name))
            self.volatiles.append(View(name, mem, elem, None, {name}, volatile=True))
        # wasm_memory arrays: memories of their own, indexed only.
        for _ in range(r.randint(0, 2)):
            atomic = self.chance(0.2)
            elem = r.choice(["u32", "u64"]) if atomic else (
                r.choice(SCALARS) if self.chance(0.6) else r.choice(self.structs))
            length = r.randint(4, 64)
            name = self.fresh("wm")
            extra = r.choice(["", "", "__wasm_memory_private ", "__wasm_memory_pages(1) "])
            static = "static " if not extra and self.chance(0.3) else ""
            init = ""
            if not atomic and self.chance(0.4):
                init = " = {" + ", ".join(self.init_of(elem) for _ in range(r.randint(1, 4))) + "}"
            self.out_globals.append("%s__wasm_memory %s%s%s %s[%d]%s;" % (
                static, extra, "_Atomic " if atomic else "", self.elem_c(elem), name, length, init))
            self.globals.append(View(name, "w", elem, length, {name}, addressable=False,
                                     atomic=atomic, kind="wasm"))
        # Strings in memories >= 1.
        for _ in range(r.randint(0, 3)):
            mem = r.choice(self.mems)
            self.used_mems.add(mem)
            text = "".join(r.choice("abcdefgh") for _ in range(r.randint(0, 10)))
            cap = len(text) + r.randint(1, 24)
            name = self.fresh("str")
            self.out_globals.append('%schar %s[%d] = "%s";' % (q(mem), name, cap, text))
            self.account(mem, "u8", cap)
            self.strings.append({"name": name, "mem": mem, "cap": cap, "maxlen": len(text)})

    def addressable_arrays(self):
        return [g for g in self.globals if g.addressable and g.length is not None
                and not g.atomic]

    def gen_pointers(self):
        """Pointer globals: into memory A, stored in memory B, initialized with
        a target's address; sometimes a table of them, or a pointer to one."""
        r = self.r
        targets = self.addressable_arrays()
        if not targets:
            return
        for _ in range(r.randint(1, 4)):
            t = r.choice(targets)
            # Every array of t's memory and element type long enough is a
            # candidate target; the window is what all of them allow.
            off = r.randint(0, t.length // 2)
            window = t.length - off
            cands = [c for c in targets if c.mem == t.mem and c.elem == t.elem
                     and c.length >= window and c.writable == t.writable]
            store = self.pick_mem()
            self.used_mems.update([store, t.mem])
            ptr_t = "%s%s%s *%s" % (q(t.mem), "const " if not t.writable else "", self.elem_c(t.elem), q(store))
            roots = {c.name for c in cands}
            info = {"cands": cands, "window": window, "mem": t.mem, "elem": t.elem,
                    "writable": t.writable}
            if self.chance(0.25):
                n = r.randint(2, 4)
                name = self.fresh("ptab")
                inits = []
                for _ in range(n):
                    c = r.choice(cands)
                    inits.append("&%s[%d]" % (c.name, r.randint(0, c.length - window)))
                self.out_globals.append("%s%s[%d] = {%s};" % (ptr_t, name, n, ", ".join(inits)))
                info["table"] = (name, n)
                self.pointers.append(info)
                continue
            name = self.fresh("pg")
            self.out_globals.append("%s%s = &%s[%d];" % (ptr_t, name, t.name, off))
            info["name"] = name
            self.pointers.append(info)
            self.globals.append(View(name, t.mem, t.elem, window, roots, writable=t.writable,
                                     kind="pointer"))
            if self.chance(0.4):
                pmem = self.pick_mem()
                self.used_mems.add(pmem)
                pp = self.fresh("pp")
                self.out_globals.append("%s%s%s *%s%s = &%s;" % (
                    q(t.mem), "const " if not t.writable else "", self.elem_c(t.elem),
                    q(store), "*" + q(pmem) + pp, name))
                self.globals.append(View("(*%s)" % pp, t.mem, t.elem, window, roots,
                                         writable=t.writable, kind="pointer"))
                info.setdefault("aliases", []).append("(*%s)" % pp)

    # ---- expressions ---------------------------------------------------

    def index(self, n, scope, depth=1):
        """An index expression in [0, n)."""
        r = self.r
        loops = [(v, b) for v, b in scope.loopvars if b <= n]
        k = r.random()
        if loops and k < 0.45:
            v, b = r.choice(loops)
            if self.chance(0.3) and b < n:
                return "%s + %du" % (v, r.randint(0, n - b))
            return v
        if k < 0.7 or depth <= 0:
            return "%du" % r.randint(0, n - 1)
        return "(%s) %% %du" % (self.expr("u32", scope, depth - 1), n)

    def lvalue(self, view, scope, depth=1, want_addr=False):
        """(C lvalue, scalar type or ('bf', w)) of a random scalar inside view."""
        base = view.name
        if view.length is not None:
            base = "%s[%s]" % (view.name, self.index(view.length, scope, depth))
        return self.descend(base, view.elem, scope, depth, want_addr)

    def descend(self, base, t, scope, depth, want_addr):
        r = self.r
        while True:
            if isinstance(t, str):
                return base, t
            if isinstance(t, Union):
                if self.chance(0.5):
                    return base + ".w", t.wide
                return "%s.p[%du]" % (base, r.randrange(t.count)), t.narrow
            fields = t.fields
            if want_addr:
                fields = [f for f in fields if not (isinstance(f[1], tuple) and f[1][0] == "bf")]
            name, ft = r.choice(fields)
            base = base + "." + name
            if isinstance(ft, tuple) and ft[0] == "arr":
                return "%s[%s]" % (base, self.index(ft[2], scope, depth)), ft[1]
            if isinstance(ft, tuple):
                return base, ft
            t = ft

    def readable_views(self, scope):
        return [v for v in scope.views if not v.volatile]

    def leaf(self, ty, scope, depth):
        r = self.r
        k = r.random()
        cast = "(%s)" % CTYPE[ty]
        if k < 0.2:
            return self.const(ty)
        if k < 0.35 and (scope.locals or scope.loopvars):
            names = [n for n, _ in scope.locals] + [v for v, _ in scope.loopvars]
            return "%s%s" % (cast, r.choice(names))
        views = self.readable_views(scope)
        if not views:
            return self.const(ty)
        v = r.choice(views)
        lv, _ = self.lvalue(v, scope, depth)
        return "%s%s" % (cast, lv)

    def expr(self, ty, scope, depth=2):
        r = self.r
        if depth <= 0 or self.chance(0.3):
            return self.leaf(ty, scope, depth)
        k = r.random()
        a = self.expr(ty, scope, depth - 1)
        if k < 0.55:
            op = r.choice(["+", "-", "*", "^", "&", "|", "+", "^"])
            return "(%s %s %s)" % (a, op, self.expr(ty, scope, depth - 1))
        if k < 0.65:
            mask = 63 if ty == "u64" else 31
            op = r.choice(["<<", ">>"])
            return "(%s %s (%s & %du))" % (a, op, self.expr("u32", scope, depth - 1), mask)
        if k < 0.72:
            op = r.choice(["/", "%"])
            return "(%s %s (%s | 1u))" % (a, op, self.expr(ty, scope, depth - 1))
        if k < 0.82:
            op = r.choice(["<", "<=", "==", "!=", ">"])
            return "(%s)(%s %s %s)" % (CTYPE[ty], a, op, self.expr(ty, scope, depth - 1))
        if k < 0.9:
            return "(%s ? %s : %s)" % (self.expr("u32", scope, depth - 1), a,
                                       self.expr(ty, scope, depth - 1))
        if k < 0.95:
            return "(~%s)" % a
        other = "u64" if ty == "u32" else "u32"
        return "(%s)%s" % (CTYPE[ty], self.expr(other, scope, depth - 1))

    # ---- statements ------------------------------------------------------

    def writable_views(self, scope):
        return [v for v in scope.views if v.writable and not v.volatile]

    def stmt_assign(self, scope, ind):
        r = self.r
        views = self.writable_views(scope)
        if not views:
            return []
        v = r.choice(views)
        lv, t = self.lvalue(v, scope)
        ety = "u64" if t == "u64" else "u32"
        k = r.random()
        e = self.expr(ety, scope, r.randint(1, 3))
        if k < 0.5:
            return [ind + "%s = %s;" % (lv, e)]
        if k < 0.85:
            op = r.choice(["+=", "-=", "^=", "|=", "&=", "*="])
            return [ind + "%s %s %s;" % (lv, op, e)]
        if k < 0.93:
            return [ind + "%s%s;" % (lv, r.choice(["++", "--"]))]
        # A shift written out: a compound shift on a narrow lvalue would shift an int.
        mask = 63 if t == "u64" else 31
        return [ind + "%s = (%s)lv_shift_%s((%s)%s, %s & %du);" % (
            lv, self.lv_ctype(t), ety, CTYPE[ety], lv, self.expr("u32", scope, 1), mask)]

    def lv_ctype(self, t):
        return "unsigned int" if isinstance(t, tuple) else CTYPE[t]

    def stmt_local(self, scope, ind, fn_locals):
        """t = expr; into an existing local."""
        if not fn_locals:
            return []
        name, ty = self.r.choice(fn_locals)
        return [ind + "%s %s %s;" % (name, self.r.choice(["=", "+=", "^="]),
                                     self.expr(ty, scope, self.r.randint(1, 3)))]

    def stmt_struct_copy(self, scope, ind):
        """Whole-struct (or union) assignment, across memories too."""
        r = self.r
        aggr = [v for v in scope.views if not isinstance(v.elem, str)]
        dsts = [v for v in aggr if v.writable]
        if not dsts:
            return []
        d = r.choice(dsts)
        srcs = [v for v in aggr if v.elem == d.elem]
        s = r.choice(srcs)
        dl = d.name if d.length is None else "%s[%s]" % (d.name, self.index(d.length, scope))
        sl = s.name if s.length is None else "%s[%s]" % (s.name, self.index(s.length, scope))
        return [ind + "%s = %s;" % (dl, sl)]

    def may_overlap(self, a, b):
        if a.mem != b.mem:
            return False  # memories never overlap (and in the plain build they are different objects)
        return bool(a.roots & b.roots) or a.kind == "param" or b.kind == "param"

    def stmt_bulk(self, scope, ind):
        """memcpy/memmove/memset and friends on ranges of addressable views."""
        r = self.r
        views = [v for v in scope.views if v.addressable and not v.atomic and not v.volatile]
        dsts = [v for v in views if v.writable]
        if not dsts:
            return []
        d = r.choice(dsts)
        dlen = d.length or 1

        def addr(v, i):
            if v.length is None:
                return "&%s" % v.name
            return r.choice(["&%s[%d]" % (v.name, i), "%s + %d" % (v.name, i)])

        if self.chance(0.3):
            n = r.randint(0, dlen)
            i = r.randint(0, dlen - n)
            c = r.choice(["0", "0xff", str(r.randint(1, 254))])
            size = "%d * %s" % (n, self.elem_size_expr(d.elem))
            form = r.choice(["memset", "__builtin_memset", "mm"])
            if form == "mm" and d.mem != 0:
                return [ind + "mm_memset(%d, %s, %s, %s);" % (d.mem, addr(d, i), c, size)]
            return [ind + "%s(%s, %s, %s);" % ("memset" if form == "mm" else form, addr(d, i), c, size)]
        # Same element type: copy elements; two arrays of (padding-free)
        # scalars: copy bytes between different types.
        same = [v for v in views if v.elem == d.elem]
        bytewise = [v for v in views if isinstance(v.elem, str) and isinstance(d.elem, str)]
        if bytewise and self.chance(0.3):
            s = r.choice(bytewise)
            sbytes = (s.length or 1) * SIZE[s.elem]
            dbytes = dlen * SIZE[d.elem]
            n = r.randint(0, min(sbytes, dbytes))
            # Byte offsets aligned to both element sizes keep addresses on
            # element boundaries (&x[i] forms).
            di = r.randint(0, (dbytes - n) // SIZE[d.elem])
            si = r.randint(0, (sbytes - n) // SIZE[s.elem])
            size = str(n)
        else:
            s = r.choice(same)
            slen = s.length or 1
            n = r.randint(0, min(slen, dlen))
            di = r.randint(0, dlen - n)
            si = r.randint(0, slen - n)
            size = "%d * %s" % (n, self.elem_size_expr(d.elem))
        da, sa = addr(d, di), addr(s, si)
        if self.may_overlap(d, s):
            if d.mem != 0 and self.chance(0.4):
                return [ind + "mm_memmove(%d, %s, %s, %s);" % (d.mem, da, sa, size)]
            return [ind + "%s(%s, %s, %s);" % (r.choice(["memmove", "__builtin_memmove"]), da, sa, size)]
        form = r.random()
        if form < 0.3:
            return [ind + "memcpy(%s, %s, %s);" % (da, sa, size)]
        if form < 0.45:
            return [ind + "__builtin_memcpy(%s, %s, %s);" % (da, sa, size)]
        if form < 0.6:
            return [ind + "__builtin_memcpy_inline(%s, %s, %s);" % (da, sa, size)]
        if form < 0.8 and d.mem != s.mem:
            return [ind + "mm_copy(%d, %s, %d, %s, %s);" % (d.mem, da, s.mem, sa, size)]
        if form < 0.9 and d.mem == s.mem and d.mem != 0:
            return [ind + "mm_memcpy(%d, %s, %s, %s);" % (d.mem, da, sa, size)]
        return [ind + "memmove(%s, %s, %s);" % (da, sa, size)]

    def stmt_atomic(self, scope, ind, fn_locals):
        r = self.r
        c11 = [v for v in scope.views if v.atomic and v.addressable]
        wasm_atomic = [v for v in scope.views if v.atomic and not v.addressable]
        plain = [v for v in scope.views if v.addressable and not v.atomic and v.writable
                 and not v.volatile]
        locs = [n for n, _ in fn_locals]
        if not locs:
            return []
        t = r.choice(locs)
        k = r.random()
        if wasm_atomic and k < 0.15:
            v = r.choice(wasm_atomic)
            lv, ty = self.lvalue(v, scope)
            return [ind + "%s %s %s;" % (lv, r.choice(["+=", "-=", "|=", "^=", "&=", "="]),
                                         self.expr("u64" if ty == "u64" else "u32", scope, 1))]
        if c11 and k < 0.45:
            v = r.choice(c11)
            lv, ty = self.lvalue(v, scope)
            e = self.expr("u64" if ty == "u64" else "u32", scope, 1)
            form = r.choice(["fetch", "fetch_explicit", "load", "store", "xchg", "cas", "rmw"])
            if form == "fetch":
                return [ind + "%s ^= (uint64_t)atomic_fetch_%s(&%s, %s);" % (
                    t, r.choice(["add", "sub", "or", "and", "xor"]), lv, e)]
            if form == "fetch_explicit":
                return [ind + "%s += (uint64_t)atomic_fetch_%s_explicit(&%s, %s, %s);" % (
                    t, r.choice(["add", "sub", "xor"]), lv, e,
                    r.choice(["memory_order_relaxed", "memory_order_acq_rel", "memory_order_seq_cst"]))]
            if form == "load":
                return [ind + "%s += (uint64_t)atomic_load(&%s);" % (t, lv)]
            if form == "store":
                return [ind + "atomic_store(&%s, %s);" % (lv, e)]
            if form == "xchg":
                return [ind + "%s ^= (uint64_t)atomic_exchange(&%s, %s);" % (t, lv, e)]
            if form == "rmw":
                return [ind + "%s %s %s;" % (lv, r.choice(["+=", "^=", "|="]), e)]
            exp = self.fresh("ex")
            return [ind + "{",
                    ind + "    %s %s = %s;" % (CTYPE[ty], exp, self.expr(ty if ty == "u64" else "u32", scope, 1)),
                    ind + "    %s += (uint64_t)atomic_compare_exchange_%s(&%s, &%s, %s);" % (
                        t, "strong", lv, exp, e),
                    ind + "    %s ^= (uint64_t)%s;" % (t, exp),
                    ind + "}"]
        if not plain:
            return []
        v = r.choice(plain)
        lv, ty = self.lvalue(v, scope, want_addr=True)
        ety = "u64" if ty == "u64" else "u32"
        e = "(%s)%s" % (CTYPE[ty], self.expr(ety, scope, 1))
        order = r.choice(["__ATOMIC_SEQ_CST", "__ATOMIC_RELAXED", "__ATOMIC_ACQ_REL"])
        form = r.random()
        if form < 0.35:
            op = r.choice(["fetch_add", "fetch_sub", "fetch_and", "fetch_or", "fetch_xor",
                           "fetch_nand", "add_fetch", "xor_fetch", "fetch_max", "fetch_min"])
            return [ind + "%s += (uint64_t)__atomic_%s(&%s, %s, %s);" % (t, op, lv, e, order)]
        if form < 0.45:
            return [ind + "%s ^= (uint64_t)__atomic_load_n(&%s, %s);" % (
                t, lv, r.choice(["__ATOMIC_SEQ_CST", "__ATOMIC_ACQUIRE", "__ATOMIC_RELAXED"]))]
        if form < 0.55:
            return [ind + "__atomic_store_n(&%s, %s, %s);" % (
                lv, e, r.choice(["__ATOMIC_SEQ_CST", "__ATOMIC_RELEASE", "__ATOMIC_RELAXED"]))]
        if form < 0.65:
            return [ind + "%s += (uint64_t)__atomic_exchange_n(&%s, %s, __ATOMIC_SEQ_CST);" % (t, lv, e)]
        if form < 0.8:
            exp = self.fresh("ex")
            return [ind + "{",
                    ind + "    %s %s = (%s)%s;" % (CTYPE[ty], exp, CTYPE[ty], self.expr(ety, scope, 1)),
                    ind + "    %s += (uint64_t)__atomic_compare_exchange_n(&%s, &%s, %s, %d, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);" % (
                        t, lv, exp, e, 0),
                    ind + "    %s ^= (uint64_t)%s;" % (t, exp),
                    ind + "}"]
        if form < 0.9:
            return [ind + "%s += (uint64_t)__sync_fetch_and_%s(&%s, %s);" % (
                t, r.choice(["add", "sub", "or", "and", "xor"]), lv, e)]
        return [ind + "%s ^= (uint64_t)__sync_val_compare_and_swap(&%s, %s, %s);" % (
            t, lv, "(%s)%s" % (CTYPE[ty], self.expr(ety, scope, 1)), e)]

    def stmt_volatile(self, scope, ind, fn_locals):
        if not self.volatiles or not fn_locals:
            return []
        v = self.r.choice(self.volatiles)
        t, ty = self.r.choice(fn_locals)
        if self.chance(0.5):
            return [ind + "%s = %s;" % (v.name, self.expr("u64" if v.elem == "u64" else "u32", scope, 2))]
        return [ind + "%s += (%s)%s;" % (t, CTYPE[ty], v.name)]

    def stmt_pointer_move(self, scope, ind):
        """Point a pointer global (or a table entry) at another candidate."""
        if not self.pointers:
            return []
        info = self.r.choice(self.pointers)
        c = self.r.choice(info["cands"])
        target = "&%s[%d]" % (c.name, self.r.randint(0, c.length - info["window"]))
        if "table" in info:
            name, n = info["table"]
            return [ind + "%s[%s] = %s;" % (name, self.index(n, scope), target)]
        lhs = self.r.choice([info["name"]] + info.get("aliases", []))
        return [ind + "%s = %s;" % (lhs, target)]

    def stmt_table_use(self, scope, ind):
        """Read or write through a pointer table entry."""
        tabs = [p for p in self.pointers if "table" in p]
        if not tabs:
            return []
        info = self.r.choice(tabs)
        name, n = info["table"]
        v = View("%s[%s]" % (name, self.index(n, scope)), info["mem"], info["elem"],
                 info["window"], {c.name for c in info["cands"]}, writable=info["writable"],
                 kind="pointer")
        lv, t = self.lvalue(v, scope)
        if info["writable"] and self.chance(0.6):
            return [ind + "%s += %s;" % (lv, self.expr("u64" if t == "u64" else "u32", scope, 2))]
        return [ind + "mix((uint64_t)%s);" % lv]

    def stmt_call(self, scope, ind, fn_locals, callable_funcs):
        if not callable_funcs or not fn_locals:
            return []
        f = self.r.choice(callable_funcs)
        args = self.call_args(f, scope)
        if args is None:
            return []
        t, ty = self.r.choice(fn_locals)
        return [ind + "%s %s (%s)%s(%s);" % (t, self.r.choice(["+=", "^=", "="]), CTYPE[ty],
                                              f["name"], ", ".join(args))]

    def call_args(self, f, scope):
        args = []
        for p in f["params"]:
            if p["kind"] == "scalar":
                args.append(self.expr(p["ty"], scope, 2))
            elif p["kind"] == "byval":
                cands = [v for v in scope.views if v.elem == p["elem"]]
                if not cands:
                    return None
                v = self.r.choice(cands)
                args.append(v.name if v.length is None else "%s[%s]" % (v.name, self.index(v.length, scope)))
            else:
                cands = [v for v in scope.views if v.addressable and v.mem == p["mem"]
                         and v.elem == p["elem"] and (v.length or 1) >= p["window"]
                         and (v.writable or not p["writable"]) and not v.atomic and not v.volatile]
                if not cands:
                    return None
                v = self.r.choice(cands)
                off = self.r.randint(0, (v.length or 1) - p["window"])
                if v.length is None:
                    args.append("&%s" % v.name)
                else:
                    args.append(self.r.choice(["%s + %d" % (v.name, off), "&%s[%d]" % (v.name, off)]))
        return args

    def stmt_string(self, scope, ind, fn_locals):
        r = self.r
        if not self.strings or not fn_locals:
            return []
        t, _ = r.choice(fn_locals)
        s = r.choice(self.strings)
        same = [x for x in self.strings if x["mem"] == s["mem"]]
        k = r.random()
        if k < 0.25:
            return [ind + "%s += (uint64_t)mm_strlen(%d, %s);" % (t, s["mem"], s["name"])]
        if k < 0.4:
            o = r.choice(same)
            fn = r.choice(["mm_strcmp(%d, %s, %s)", "mm_strncmp(%d, %s, %s, 3)"]) % (s["mem"], s["name"], o["name"])
            return [ind + "%s += (uint64_t)sign_of(%s);" % (t, fn)]
        if k < 0.55:
            p = self.fresh("cp")
            return [ind + "{",
                    ind + "    %schar *%s = mm_strchr(%d, %s, '%s');" % (q(s["mem"]), p, s["mem"], s["name"], r.choice("abcdefgh")),
                    ind + "    %s ^= %s ? (uint64_t)(%s - %s) : 777u;" % (t, p, p, s["name"]),
                    ind + "}"]
        if k < 0.7:
            # A character inside the string's capacity, never its last byte.
            i = r.randint(0, s["cap"] - 2) if s["cap"] >= 2 else None
            if i is None:
                return []
            s["maxlen"] = s["cap"] - 1
            return [ind + "%s[%d] = (char)('a' + %s %% 8u);" % (s["name"], i, self.expr("u32", scope, 1))]
        if k < 0.85:
            fits = [x for x in self.strings if x["maxlen"] < s["cap"] and x is not s]
            if not fits:
                return []
            src = r.choice(fits)
            s["maxlen"] = max(s["maxlen"], src["maxlen"])
            return [ind + "mm_strcopy(%d, %s, %d, %s);" % (s["mem"], s["name"], src["mem"], src["name"])]
        d = r.choice(self.mems)
        self.heap_mems.add(d)
        p = self.fresh("dup")
        return [ind + "{",
                ind + "    %schar *%s = mm_strdup_to(%d, %d, %s);" % (q(d), p, d, s["mem"], s["name"]),
                ind + "    if (%s) { %s += (uint64_t)mm_strlen(%d, %s) * 3u + (uint64_t)%s[0]; mm_free(%d, %s); }" % (
                    p, t, d, p, p, d, p),
                ind + "}"]

    def block(self, scope, ind, n, fn_locals, funcs, depth, allow_strings):
        lines = []
        r = self.r
        for _ in range(n):
            k = r.random()
            if k < 0.1 and depth > 0:
                var = self.fresh("i")
                bound = r.randint(1, 24)
                lines.append(ind + "for (uint32_t %s = 0; %s < %du; %s++) {" % (var, var, bound, var))
                lines += self.block(scope.with_loop(var, bound), ind + "    ", r.randint(1, 4),
                                    fn_locals, funcs, depth - 1, False)
                lines.append(ind + "}")
            elif k < 0.16 and depth > 0:
                lines.append(ind + "if (%s) {" % self.expr("u32", scope, 2))
                lines += self.block(scope, ind + "    ", r.randint(1, 3), fn_locals, funcs, depth - 1, False)
                if self.chance(0.5):
                    lines.append(ind + "} else {")
                    lines += self.block(scope, ind + "    ", r.randint(1, 3), fn_locals, funcs, depth - 1, False)
                lines.append(ind + "}")
            elif k < 0.45:
                lines += self.stmt_assign(scope, ind)
            elif k < 0.55:
                lines += self.stmt_local(scope, ind, fn_locals)
            elif k < 0.62:
                lines += self.stmt_struct_copy(scope, ind)
            elif k < 0.72:
                lines += self.stmt_bulk(scope, ind)
            elif k < 0.8:
                lines += self.stmt_atomic(scope, ind, fn_locals)
            elif k < 0.83:
                lines += self.stmt_volatile(scope, ind, fn_locals)
            elif k < 0.86:
                lines += self.stmt_pointer_move(scope, ind)
            elif k < 0.89:
                lines += self.stmt_table_use(scope, ind)
            elif k < 0.95:
                lines += self.stmt_call(scope, ind, fn_locals, funcs)
            elif allow_strings:
                lines += self.stmt_string(scope, ind, fn_locals)
            if self.chance(0.05) and fn_locals:
                lines.append(ind + "mix(%s);" % r.choice(fn_locals)[0])
        return lines

    # ---- helper functions ------------------------------------------------

    def gen_functions(self):
        r = self.r
        arrays = self.addressable_arrays()
        for fi in range(r.randint(2, 5)):
            name = self.fresh("fn")
            params = []
            pviews = []
            for pi in range(r.randint(1, 4)):
                k = r.random()
                pname = "a%d" % pi
                if k < 0.6 and arrays:
                    a = r.choice(arrays)
                    window = r.randint(1, a.length)
                    writable = a.writable and self.chance(0.75)
                    params.append({"kind": "ptr", "name": pname, "mem": a.mem, "elem": a.elem,
                                   "window": window, "writable": writable})
                    pviews.append(View(pname, a.mem, a.elem, window, set(), writable=writable,
                                       kind="param"))
                elif k < 0.75 and self.structs:
                    s = r.choice(self.structs)
                    params.append({"kind": "byval", "name": pname, "elem": s})
                    pviews.append(View(pname, 0, s, None, {name + pname}, kind="local"))
                else:
                    ty = r.choice(["u32", "u64"])
                    params.append({"kind": "scalar", "name": pname, "ty": ty})
            decl_params = []
            locals_ = []
            for p in params:
                if p["kind"] == "ptr":
                    decl_params.append("%s%s%s *%s" % ("const " if not p["writable"] else "", q(p["mem"]),
                                                       self.elem_c(p["elem"]), p["name"]))
                elif p["kind"] == "byval":
                    decl_params.append("%s %s" % (p["elem"].c, p["name"]))
                else:
                    decl_params.append("%s %s" % (CTYPE[p["ty"]], p["name"]))
                    locals_.append((p["name"], p["ty"]))
            body = []
            # Locals: scalars, and sometimes a stack array in memory 0.
            self.declare_locals("t", r.randint(1, 3), body, locals_)
            lviews = []
            if self.chance(0.5):
                elem = r.choice(SCALARS + self.structs)
                n = r.randint(2, 16)
                ln = "loc"
                body.append("    %s %s[%d];" % (self.elem_c(elem), ln, n))
                body.append("    memset(%s, %d, sizeof %s);" % (ln, r.randint(0, 255), ln))
                lviews.append(View(ln, 0, elem, n, {name + ln}, kind="local"))
            counter = None
            if self.chance(0.4):
                cm = self.pick_mem()
                # In memory cm only if the function is called (unused
                # static functions are not compiled, even at -O0).
                self.counter_mems[name] = cm
                counter = "calls"
                body.append("    static %suint32_t %s;" % (q(cm), counter))
                body.append("    %s += 1u;" % counter)
                lviews.append(View(counter, cm, "u32", None, {name + counter}, kind="local"))
            scope = Scope(self.globals + pviews + lviews, locals_)
            body += self.block(scope, "    ", r.randint(3, 10), [l for l in locals_ if l[0].startswith("t")],
                               [f for f in self.funcs], 2, False)
            ret = " ^ ".join("(uint32_t)%s" % n for n, _ in locals_)
            if counter:
                ret += " ^ (%s << 16)" % counter
            for pv in pviews:
                if pv.kind == "param" and self.chance(0.7):
                    lv, _ = self.lvalue(pv, scope, 0)
                    ret += " ^ (uint32_t)%s" % lv
            body.append("    return %s;" % ret)
            self.out_funcs.append("static uint32_t %s(%s) {\n%s\n}" % (
                name, ", ".join(decl_params), "\n".join(body)))
            self.funcs.append({"name": name, "params": params})

    # ---- main ----------------------------------------------------------

    def declare_locals(self, prefix, count, lines, locals_):
        """count initialized uint32_t/uint64_t locals prefix0, prefix1, ..."""
        for i in range(count):
            ty = self.r.choice(["u32", "u64"])
            name = "%s%d" % (prefix, i)
            lines.append("    %s %s = %s;" % (CTYPE[ty], name, self.const(ty)))
            locals_.append((name, ty))

    def hash_value_lines(self, expr, t, ind, out, scope_idx):
        """Lines that mix every scalar of `expr` (of type t) into the hash,
        field by field (never padding bytes)."""
        if isinstance(t, str):
            out.append(ind + "mix((uint64_t)%s);" % expr)
        elif isinstance(t, Union):
            out.append(ind + "mix((uint64_t)%s.w);" % expr)
        elif isinstance(t, Struct):
            for fname, ft in t.fields:
                self.hash_value_lines(expr + "." + fname, ft, ind, out, scope_idx)
        elif t[0] == "arr":
            v = "k%d" % scope_idx[0]
            scope_idx[0] += 1
            out.append(ind + "for (uint32_t %s = 0; %s < %du; %s++)" % (v, v, t[2], v))
            self.hash_value_lines("%s[%s]" % (expr, v), t[1], ind + "    ", out, scope_idx)
        else:
            out.append(ind + "mix((uint64_t)%s);" % expr)

    def hash_view_lines(self, v, ind, out, scope_idx, limit=None):
        if v.length is None:
            self.hash_value_lines(v.name, v.elem, ind, out, scope_idx)
            return
        n = v.length if limit is None else min(v.length, limit)
        var = "k%d" % scope_idx[0]
        scope_idx[0] += 1
        out.append(ind + "for (uint32_t %s = 0; %s < %du; %s++) {" % (var, var, n, var))
        self.hash_value_lines("%s[%s]" % (v.name, var), v.elem, ind + "    ", out, scope_idx)
        out.append(ind + "}")

    def gen_main(self):
        r = self.r
        lines = ["int main(void) {"]
        locals_ = []
        self.declare_locals("m", r.randint(2, 4), lines, locals_)
        heap_views = []
        frees = []
        # Heap blocks on several memories, filled before use; some grown
        # with mm_realloc (the new tail filled too).
        for _ in range(r.randint(1, 4)):
            mem = r.choice(self.mems + [0] if self.chance(0.2) else self.mems)
            elem = r.choice(SCALARS + self.structs)
            n = r.randint(1, 48)
            name = self.fresh("h")
            size = "%du * %s" % (n, self.elem_size_expr(elem))
            ptr_t = "%s%s *" % (q(mem), self.elem_c(elem))
            calloc = False
            if mem == 0:
                lines.append("    %s%s = malloc(%s);" % (ptr_t, name, size))
            elif self.chance(0.3):
                calloc = True
                lines.append("    %s%s = mm_calloc(%d, %du, %s);" % (ptr_t, name, mem, n, self.elem_size_expr(elem)))
                self.heap_mems.add(mem)
            else:
                lines.append("    %s%s = mm_malloc(%d, %s);" % (ptr_t, name, mem, size))
                self.heap_mems.add(mem)
            lines.append("    if (!%s) { printf(\"out of memory\\n\"); return 99; }" % name)
            if not calloc:
                fill = r.choice(["memset", "mm_memset", "loop"]) if mem else "memset"
                if fill == "memset":
                    lines.append("    memset(%s, %d, %s);" % (name, r.randint(0, 255), size))
                elif fill == "mm_memset":
                    lines.append("    mm_memset(%d, %s, %d, %s);" % (mem, name, r.randint(0, 255), size))
                else:
                    lines.append("    memset(%s, 0, %s);" % (name, size))
                    if isinstance(elem, str):
                        lines.append("    for (uint32_t j = 0; j < %du; j++) %s[j] = (%s)(j * %du + %du);" % (
                            n, name, CTYPE[elem], r.randint(1, 999), r.randint(0, 99)))
            if mem and self.chance(0.3):
                n2 = n + r.randint(1, 40)
                tmp = self.fresh("re")
                lines.append("    %s%s = mm_realloc(%d, %s, %du * %s);" % (ptr_t, tmp, mem, name, n2,
                                                                          self.elem_size_expr(elem)))
                lines.append("    if (!%s) { printf(\"out of memory\\n\"); return 98; }" % tmp)
                lines.append("    %s = %s;" % (name, tmp))
                lines.append("    memset(%s + %d, %d, %du * %s);" % (name, n, r.randint(0, 255), n2 - n,
                                                                    self.elem_size_expr(elem)))
                n = n2
            if mem == 0:
                self.used_mems.add(0)
            heap_views.append(View(name, mem, elem, n, {name}, kind="heap"))
            frees.append((mem, name))
        scope = Scope(self.globals + heap_views, locals_)
        fl = locals_
        phase = 0
        idx = [0]
        extra = self.gen_list(lines, locals_) + self.gen_churn(lines, locals_)
        for phase in range(r.randint(2, 4)):
            lines += self.block(scope, "    ", r.randint(6, 16), fl, self.funcs, 2, True)
            lines.append("    printf(\"phase %d: %%016llx %%llu\\n\", (unsigned long long)hstate, (unsigned long long)%s);" % (
                phase, r.choice(locals_)[0]))
        for n, _ in locals_:
            lines.append("    mix(%s);" % n)
        # Every global, field by field, every heap block, every string.
        for v in self.globals + heap_views:
            if v.kind == "pointer":
                lv, _ = self.lvalue(v, scope, 0)
                lines.append("    mix((uint64_t)%s);" % lv)
                continue
            self.hash_view_lines(v, "    ", lines, idx)
        for v in self.volatiles:
            lines.append("    mix((uint64_t)%s);" % v.name)
        for s in self.strings:
            lines.append("    mix((uint64_t)mm_strlen(%d, %s));" % (s["mem"], s["name"]))
            lines.append("    for (uint32_t k = 0; %s[k]; k++) mix((uint64_t)%s[k]);" % (s["name"], s["name"]))
        for p in self.pointers:
            if "table" in p:
                name, n = p["table"]
                lines.append("    for (uint32_t k = 0; k < %du; k++) mix((uint64_t)%s);" % (
                    n, self.descend("%s[k][%du]" % (name, p["window"] - 1), p["elem"], Scope([], []), 0, False)[0]))
        for mem, name in frees:
            lines.append("    %s;" % ("free(%s)" % name if mem == 0 else "mm_free(%d, %s)" % (mem, name)))
        lines += extra
        lines.append("    printf(\"checksum %016llx\\n\", (unsigned long long)hstate);")
        if self.chance(0.3):
            lines.append("    return (int)(hstate %% %du);" % r.randint(2, 100))
        else:
            lines.append("    return 0;")
        lines.append("}")
        return lines

    def gen_list(self, lines, locals_):
        """A linked list on memory N's heap whose head lives in memory M,
        walked recursively and iteratively, then freed (returns the lines
        that run at the end)."""
        r = self.r
        if not self.chance(0.5):
            return []
        n = r.choice(self.mems)
        m = self.pick_mem()
        self.heap_mems.add(n)
        self.used_mems.update([m, n])
        node = self.fresh("node")
        self.out_types.append("struct %s { uint32_t v; %sstruct %s *next; uint16_t tag; };" % (node, q(n), node))
        head = self.fresh("head")
        self.out_globals.append("%sstruct %s *%s%s;" % (q(n), node, q(m), head))
        self.out_funcs.append(
            "static uint32_t walk_%s(%sstruct %s *p, uint32_t depth) {\n"
            "    return p ? p->v * 3u + p->tag + walk_%s(p->next, depth + 1u) : depth;\n}" % (
                node, q(n), node, node))
        count = r.randint(1, 30)
        t = r.choice(locals_)[0]
        lines += [
            "    for (uint32_t j = 0; j < %du; j++) {" % count,
            "        %sstruct %s *nd = mm_malloc(%d, sizeof *nd);" % (q(n), node, n),
            "        if (!nd) { printf(\"out of memory\\n\"); return 97; }",
            "        nd->v = j * %du + (uint32_t)%s;" % (r.randint(1, 1000), t),
            "        nd->tag = (uint16_t)(j ^ %du);" % r.randint(0, 65535),
            "        nd->next = %s;" % head,
            "        %s = nd;" % head,
            "    }",
            "    mix(walk_%s(%s, 0u));" % (node, head),
        ]
        if self.chance(0.5):
            # Reverse it in place: pointers read from and written to memory N.
            lines += [
                "    {",
                "        %sstruct %s *prev = 0, *cur = %s;" % (q(n), node, head),
                "        while (cur) { %sstruct %s *nx = cur->next; cur->next = prev; prev = cur; cur = nx; }" % (q(n), node),
                "        %s = prev;" % head,
                "    }",
                "    mix(walk_%s(%s, 0u));" % (node, head),
            ]
        return [
            "    while (%s) {" % head,
            "        %sstruct %s *nd = %s;" % (q(n), node, head),
            "        mix((uint64_t)nd->v);",
            "        %s = nd->next;" % head,
            "        mm_free(%d, nd);" % n,
            "    }",
        ]

    def gen_churn(self, lines, locals_):
        """Allocation churn on one memory's heap: blocks of varying sizes
        allocated, filled, checked and freed in a scrambled order."""
        r = self.r
        if not self.chance(0.5):
            return []
        n = r.choice(self.mems)
        self.heap_mems.add(n)
        slots = r.randint(2, 8)
        rounds = r.randint(4, 60)
        mul = r.randint(1, 97)
        maxsz = r.choice([16, 64, 300, 5000, 70000])
        lines += [
            "    {",
            "        %suint8_t *slot[%d] = {0};" % (q(n), slots),
            "        uint32_t size[%d] = {0};" % slots,
            "        for (uint32_t j = 0; j < %du; j++) {" % rounds,
            "            uint32_t s = (j * %du + 7u) %% %du;" % (mul, slots),
            "            if (slot[s]) {",
            "                uint64_t sum = 0;",
            "                for (uint32_t b = 0; b < size[s]; b += 1u + size[s] / 64u) sum = sum * 31u + slot[s][b];",
            "                mix(sum ^ size[s]);",
            "                mm_free(%d, slot[s]);" % n,
            "            }",
            "            size[s] = 1u + (j * %du) %% %du;" % (r.randint(1, 9999), maxsz),
            "            slot[s] = mm_malloc(%d, size[s]);" % n,
            "            if (!slot[s]) { printf(\"out of memory\\n\"); return 96; }",
            "            mm_memset(%d, slot[s], (int)(j & 255u), size[s]);" % n,
            "            slot[s][size[s] - 1u] = (uint8_t)(j * 7u);",
            "        }",
            "        for (uint32_t s = 0; s < %du; s++) if (slot[s]) { mix(slot[s][0] + slot[s][size[s] - 1u]); mm_free(%d, slot[s]); }" % (slots, n),
            "    }",
        ]
        return []

    # ---- the whole program ------------------------------------------------

    def called_functions(self, main):
        """The helper functions main calls, directly or through others."""
        bodies = {f["name"]: text for f, text in zip(self.funcs, self.out_funcs)}
        called, work = set(), ["\n".join(main)]
        while work:
            text = work.pop()
            for name in bodies:
                if name not in called and re.search(r"\b%s\(" % name, text):
                    called.add(name)
                    work.append(bodies[name].split("{", 1)[1])
        return called

    def generate(self):
        r = self.r
        count = r.randint(2, 6)
        self.mems = sorted(r.sample(MEMORY_POOL[:25], count - 1) + [r.choice(MEMORY_POOL)])
        self.mems = sorted(set(self.mems))
        self.gen_types()
        self.gen_globals()
        self.gen_pointers()
        hmem = self.pick_mem()
        self.used_mems.add(hmem)
        self.gen_functions()
        main = self.gen_main()
        if self.chance(0.4):
            self.flags.append("-msimd128")
        if self.chance(0.3):
            self.flags.append("-matomics")
        for name in self.called_functions(main):
            if name in self.counter_mems:
                self.used_mems.add(self.counter_mems[name])
        numbered = sorted(m for m in self.used_mems | self.heap_mems if m != 0)
        head = [
            "// Generated by tests/gen/gen.py %d (generator version %d): a random" % (self.seed, GEN_VERSION),
            "// program with data in several memories; see docs/generator.md.",
            "// flags: %s" % " ".join(self.flags),
            "// memories: %s" % " ".join(str(m) for m in numbered),
            "#include <mmcc.h>",
            "#include <stdatomic.h>",
            "#include <stdint.h>",
            "#include <stdio.h>",
            "#include <stdlib.h>",
            "#include <string.h>",
            "",
        ]
        helpers = [
            "%suint64_t hstate = %du;" % (q(hmem), r.getrandbits(32)),
            "static void mix(uint64_t v) { hstate = (hstate ^ v) * 1099511628211ull + (hstate >> 29); }",
            "static uint32_t lv_shift_u32(uint32_t v, uint32_t s) { return v << (s & 31u); }",
            "static uint64_t lv_shift_u64(uint64_t v, uint32_t s) { return v << (s & 63u); }",
            "static int sign_of(int v) { return (v > 0) - (v < 0); }",
        ]
        declares = []
        body = head + self.out_types + [""] + declares + self.out_globals + [""] + helpers + [""]
        body += ["\n".join(x for x in self.out_funcs), ""] if self.out_funcs else []
        body += main
        return "\n".join(body) + "\n"


def generate(seed, workarounds=True):
    return Gen(seed, workarounds).generate()


def main():
    ap = argparse.ArgumentParser(description="random multi-memory C program generator")
    ap.add_argument("seed", type=int)
    ap.add_argument("-o", "--output")
    ap.add_argument("--no-workarounds", action="store_true",
                    help="do not steer around known mmcc bugs (see tests/gen/found/)")
    args = ap.parse_args()
    src = generate(args.seed, not args.no_workarounds)
    if args.output:
        with open(args.output, "w") as f:
            f.write(src)
    else:
        sys.stdout.write(src)


if __name__ == "__main__":
    main()
