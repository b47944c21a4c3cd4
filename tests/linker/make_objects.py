#!/usr/bin/env python3
"""Write hand-made WebAssembly relocatable objects for the linker tests.

The objects follow Linking.md (the format LLVM and wasm-ld use) plus mmcc's
multi-memory extension (docs/object-format.md): one `env.__linear_memory.<key>`
import per non-default memory, memory-indexed instructions whose memory index
is a 5-byte padded ULEB128, and the `mmcc.memories` custom section.  They are
written byte by byte so that the linker is tested apart from the compiler.

Usage: make_objects.py OUTDIR     (writes OUTDIR/*.o; stdlib only)
"""

import os
import sys

# ---------------------------------------------------------------- encoding


def uleb(v, pad=0):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v or len(out) + 1 < pad:
            out.append(b | 0x80)
        else:
            out.append(b)
            break
    return bytes(out)


def sleb(v, pad=0):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        done = (v == 0 and not b & 0x40) or (v == -1 and b & 0x40)
        if not done or len(out) + 1 < pad:
            out.append(b | 0x80)
        else:
            out.append(b)
            break
    return bytes(out)


def string(s):
    if isinstance(s, str):
        s = s.encode()
    return uleb(len(s)) + s


def vec(items):
    items = list(items)
    return uleb(len(items)) + b"".join(items)


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


def custom(name, payload):
    return section(0, string(name) + payload)


I32 = 0x7F

# Relocation types (Linking.md).
R_FUNCTION_INDEX_LEB = 0
R_TABLE_INDEX_I32 = 2
R_MEMORY_ADDR_LEB = 3
R_MEMORY_ADDR_SLEB = 4
R_MEMORY_ADDR_I32 = 5

# Symbol kinds and flags.
SYM_FUNCTION, SYM_DATA, SYM_TABLE = 0, 1, 5
F_UNDEFINED, F_NO_STRIP = 0x10, 0x80

# Segment flags (linking section, segment info).
SEG_TLS = 2

# mmcc.memories flags.
HAS_MIN, HAS_MAX, SHARED, EXPORT_NAME, PRIVATE, IMPORT = 1, 2, 4, 8, 16, 32


# ---------------------------------------------------------------- code


class Code:
    """A function body with relocations (offsets relative to the body)."""

    def __init__(self, params=(), results=(), locals_=()):
        self.params, self.results = tuple(params), tuple(results)
        self.locals = list(locals_)
        self.b = bytearray()
        self.relocs = []      # (type, offset, index, addend)
        self.memrelocs = []   # (offset, object memory index)

    def op(self, *bs):
        self.b += bytes(bs)
        return self

    def u(self, v):
        self.b += uleb(v)
        return self

    def memidx(self, index, pad=5):
        """A memory index immediate on a non-default memory (relocated)."""
        self.memrelocs.append((len(self.b), index))
        self.b += uleb(index, pad)
        return self

    def local_get(self, i):
        return self.op(0x20).u(i)

    def i32_const(self, v):
        self.b += b"\x41" + sleb(v)
        return self

    def memarg(self, opcode, align, offset, mem):
        self.b += bytes(opcode) if isinstance(opcode, (tuple, list)) else bytes([opcode])
        if mem is None:  # The default memory: exactly as LLVM writes it.
            self.u(align).u(offset)
        else:
            self.u(align | 0x40).memidx(mem).u(offset)
        return self

    def load(self, mem=None, offset=0):
        return self.memarg(0x28, 2, offset, mem)  # i32.load

    def store(self, mem=None, offset=0):
        return self.memarg(0x36, 2, offset, mem)  # i32.store

    def load8_u(self, mem=None, offset=0):
        return self.memarg(0x2D, 0, offset, mem)

    def atomic_load(self, mem=None, offset=0):
        return self.memarg((0xFE, 0x10), 2, offset, mem)  # i32.atomic.load

    def memory_size(self, mem):
        return self.op(0x3F).memidx(mem)

    def memory_grow(self, mem):
        return self.op(0x40).memidx(mem)

    def memory_fill(self, mem):
        return self.op(0xFC).u(11).memidx(mem)

    def memory_copy(self, dst, src):
        return self.op(0xFC).u(10).memidx(dst).memidx(src)

    def call(self, sym):
        self.op(0x10)
        self.relocs.append((R_FUNCTION_INDEX_LEB, len(self.b), sym, None))
        self.b += uleb(0, 5)  # Patched by finalize() with the object index.
        return self

    def addr(self, sym, addend=0):
        """i32.const <address of a data symbol> (relocated)."""
        self.op(0x41)
        self.relocs.append((R_MEMORY_ADDR_SLEB, len(self.b), sym, addend))
        self.b += sleb(0, 5)
        return self

    def addr_offset(self, opcode, align, sym, mem=None, addend=0):
        """A load/store whose offset immediate is the address of a data
        symbol (R_WASM_MEMORY_ADDR_LEB), as LLVM writes `global[i]`."""
        self.b += bytes([opcode])
        if mem is None:
            self.u(align)
        else:
            self.u(align | 0x40).memidx(mem)
        self.relocs.append((R_MEMORY_ADDR_LEB, len(self.b), sym, addend))
        self.b += uleb(0, 5)
        return self

    def drop(self):
        return self.op(0x1A)

    def end(self):
        return self.op(0x0B)


# ---------------------------------------------------------------- objects


class Obj:
    """A relocatable object; memories maps object memory index -> entry."""

    def __init__(self):
        self.types = []
        self.func_imports = []   # (module, field, type, symbol name)
        self.funcs = []          # (name, Code, flags)
        self.data = []           # dicts, see datum()
        self.data_imports = []   # names of undefined data symbols
        self.data_aliases = []   # (name, data index, offset, size)
        self.table_import = False  # import env.__indirect_function_table
        self.mm_extra_zero_fills = []  # (segment, size) beyond the data's
        self.mm_omit_zero_fills = False  # end the section after the relocs
        self.mm_memories = []    # dicts, see memory()
        self.features = ["+mutable-globals", "+sign-ext"]
        self.mm_raw = None       # replace the mmcc.memories payload
        self.mm_extra_relocs = []
        self.mm_reloc_order = None
        self.omit_mm_section = False
        self.drop_sections = set()  # section ids or custom names left out
        self.extra_memory_imports = 0

    def type_index(self, params, results):
        t = (tuple(params), tuple(results))
        if t not in self.types:
            self.types.append(t)
        return self.types.index(t)

    def memory(self, key, flags=0, min_=None, max_=None, export=None,
               module=None, field=None, name=None):
        """Declare a non-default memory; returns its object memory index."""
        index = len(self.mm_memories) + 1
        self.mm_memories.append(dict(index=index, key=key, flags=flags,
                                     min=min_, max=max_, export=export,
                                     module=module, field=field, name=name))
        return index

    def import_func(self, name, params=(), results=()):
        self.func_imports.append(("env", name, self.type_index(params, results), name))

    def func(self, name, code, flags=0):
        code.end()
        self.type_index(code.params, code.results)
        self.funcs.append((name, code, flags))

    def datum(self, name, payload=b"", flags=0, memidx=None, seg=None,
              align=0, zero_fill=None, relocs=(), segflags=0, size=None):
        """A data symbol in a segment of its own (object memory index
        memidx; None: the default memory, written as LLVM does).

        seg: segment name (default .data.<name>); align: log2 alignment;
        zero_fill: size of a zero-filled segment (payload empty);
        relocs: (type, offset in payload, symbol, addend) in the data;
        size: the symbol's size (default: zero_fill or the payload's)."""
        if size is None:
            size = zero_fill if zero_fill is not None else len(payload)
        self.data.append(dict(name=name, payload=bytes(payload), flags=flags,
                              memidx=memidx, seg=seg or ".data." + name,
                              align=align, zero_fill=zero_fill,
                              relocs=list(relocs), segflags=segflags,
                              size=size))

    def import_data(self, name):
        self.data_imports.append(name)

    # -- symbols: imported functions, defined functions, data
    def symbols(self):
        syms = []
        for i, (_, _, _, name) in enumerate(self.func_imports):
            syms.append((SYM_FUNCTION, F_UNDEFINED, i, name))
        for i, (name, _, flags) in enumerate(self.funcs):
            syms.append((SYM_FUNCTION, flags, len(self.func_imports) + i, name))
        for i, d in enumerate(self.data):
            syms.append((SYM_DATA, d["flags"], i, d["name"]))
        for name in self.data_imports:
            syms.append((SYM_DATA, F_UNDEFINED, None, name))
        for name, i, offset, size in self.data_aliases:
            syms.append((SYM_DATA, 0, (i, offset, size), name))
        if self.table_import:  # As LLVM writes it for function pointers.
            syms.append((SYM_TABLE, F_UNDEFINED | F_NO_STRIP, 0,
                         "__indirect_function_table"))
        return syms

    def symbol_index(self, name):
        for i, s in enumerate(self.symbols()):
            if s[3] == name:
                return i
        raise KeyError(name)

    def encode(self):
        out = bytearray(b"\0asm\x01\0\0\0")
        sections = []  # (id or name, payload) in order, to count indices

        for f in self.funcs:
            self.type_index(f[1].params, f[1].results)
        types = vec(b"\x60" + vec(bytes([t]) for t in p) + vec(bytes([t]) for t in r)
                    for p, r in self.types)
        sections.append((1, types))

        imports = [string("env") + string("__linear_memory") + b"\x02\x00" + uleb(0)]
        for m in self.mm_memories:
            key = m["name"] if m["name"] is not None else str(m["key"])
            imports.append(string("env") + string("__linear_memory." + key) + b"\x02\x00" + uleb(0))
        for k in range(self.extra_memory_imports):
            imports.append(string("env") + string("__extra.%d" % k) + b"\x02\x00" + uleb(0))
        for module, field, t, _ in self.func_imports:
            imports.append(string(module) + string(field) + b"\x00" + uleb(t))
        if self.table_import:
            imports.append(string("env") + string("__indirect_function_table") +
                           b"\x01\x70\x00" + uleb(0))
        sections.append((2, vec(imports)))

        sections.append((3, vec(uleb(self.type_index(c.params, c.results))
                                for _, c, _ in self.funcs)))

        # Code section, with relocation offsets relative to its contents.
        code = bytearray(uleb(len(self.funcs)))
        relocs, memrelocs = [], []
        for name, c, _ in self.funcs:
            local_decls = vec(uleb(1) + bytes([t]) for t in c.locals)
            body = bytearray(local_decls) + c.b
            start = len(code) + len(uleb(len(body))) + len(local_decls)
            for typ, off, sym, addend in c.relocs:
                index = self.symbol_index(sym)
                if typ == R_FUNCTION_INDEX_LEB:
                    body[len(local_decls) + off:len(local_decls) + off + 5] = uleb(index, 5)
                relocs.append((typ, start + off, index, addend))
            for off, mem in c.memrelocs:
                memrelocs.append((start + off, mem))
            code += uleb(len(body)) + body
        code_index = len(sections)
        sections.append((10, bytes(code)))
        self.code_size = len(code)
        self.memrelocs = memrelocs

        data_index = None
        data_relocs = []
        if self.data:
            contents = bytearray(uleb(len(self.data)))
            for d in self.data:
                if d["memidx"] is not None:
                    contents += uleb(2) + uleb(d["memidx"]) + b"\x41\x00\x0b"
                else:
                    contents += uleb(0) + b"\x41\x00\x0b"
                contents += uleb(len(d["payload"]))
                for typ, off, sym, addend in d["relocs"]:
                    data_relocs.append((typ, len(contents) + off,
                                        self.symbol_index(sym), addend))
                contents += d["payload"]
            data_index = len(sections)
            sections.append((11, bytes(contents)))

        # linking: symbol table and segment info.
        symtab = []
        for kind, flags, index, name in self.symbols():
            e = bytes([kind]) + uleb(flags)
            if kind == SYM_TABLE:
                e += uleb(index)
            elif kind == SYM_FUNCTION:
                e += uleb(index)
                if not flags & F_UNDEFINED:
                    e += string(name)
            elif flags & F_UNDEFINED:
                e += string(name)
            elif isinstance(index, tuple):  # another symbol in a segment
                e += string(name) + uleb(index[0]) + uleb(index[1]) + uleb(index[2])
            else:
                e += string(name) + uleb(index) + uleb(0) + uleb(self.data[index]["size"])
            symtab.append(e)
        linking = uleb(2) + bytes([8]) + string_payload(vec(symtab))
        if self.data:
            seginfo = vec(string(d["seg"]) + uleb(d["align"]) + uleb(d["segflags"])
                          for d in self.data)
            linking += bytes([5]) + string_payload(seginfo)
        sections.append(("linking", linking))

        def reloc_entries(rs):
            return vec(bytes([t]) + uleb(o) + uleb(i) +
                       (sleb(a) if a is not None else b"")
                       for t, o, i, a in rs)
        if relocs:
            sections.append(("reloc.CODE", uleb(code_index) + reloc_entries(relocs)))
        if data_relocs:
            sections.append(("reloc.DATA", uleb(data_index) + reloc_entries(data_relocs)))

        if self.features:
            sections.append(("target_features", vec(
                f[:1].encode() + string(f[1:]) for f in self.features)))

        mm = self.mm_section()
        if mm is not None:
            sections.append(("mmcc.memories", mm))

        for sid, payload in sections:
            if sid in self.drop_sections:
                continue
            if isinstance(sid, str):
                out += custom(sid, payload)
            else:
                out += section(sid, payload)
        return bytes(out)

    def mm_section(self):
        if self.omit_mm_section:
            return None
        if self.mm_raw is not None:
            return self.mm_raw(self) if callable(self.mm_raw) else self.mm_raw
        if not self.mm_memories:
            return None
        return self.mm_payload()

    def mm_payload(self, version=1):
        mems = []
        for m in self.mm_memories:
            e = uleb(m["index"])
            if m["name"] is not None:
                e += b"\x01" + string(m["name"])
            else:
                e += b"\x00" + uleb(m["key"])
            e += uleb(m["flags"])
            if m["flags"] & HAS_MIN:
                e += uleb(m["min"])
            if m["flags"] & HAS_MAX:
                e += uleb(m["max"])
            if m["flags"] & EXPORT_NAME:
                e += string(m["export"])
            if m["flags"] & IMPORT:
                e += string(m["module"]) + string(m["field"])
            mems.append(e)
        relocs = sorted(self.memrelocs) + list(self.mm_extra_relocs)
        if self.mm_reloc_order == "reverse":
            relocs.reverse()
        out = uleb(version) + vec(mems) + vec(uleb(o) + uleb(i) for o, i in relocs)
        if self.mm_omit_zero_fills:
            return out
        fills = [(i, d["zero_fill"]) for i, d in enumerate(self.data)
                 if d["zero_fill"] is not None] + list(self.mm_extra_zero_fills)
        return out + vec(uleb(i) + uleb(n) for i, n in fills)


def string_payload(b):
    return uleb(len(b)) + b


# ---------------------------------------------------------------- the objects


def mm_a():
    """Uses memories 1 and 3 (object indices 1 and 2) and memory 0."""
    o = Obj()
    o.features.append("+multimemory")
    o.features.append("+bulk-memory")
    m1 = o.memory(1)
    m3 = o.memory(3)
    o.import_func("b_sum", [], [I32])
    o.datum("counter", b"\x2a\0\0\0")
    # load1(p) = memory1[p]
    o.func("load1", Code([I32], [I32]).local_get(0).load(m1, offset=4))
    # store3(p, v): memory3[p] = v
    o.func("store3", Code([I32, I32]).local_get(0).local_get(1).store(m3))
    o.func("size3", Code([], [I32]).memory_size(m3))
    o.func("grow1", Code([I32], [I32]).local_get(0).memory_grow(m1))
    o.func("copy3to1", Code([I32, I32, I32]).local_get(0).local_get(1)
           .local_get(2).memory_copy(m1, m3))
    o.func("fill3", Code([I32, I32, I32]).local_get(0).local_get(1)
           .local_get(2).memory_fill(m3))
    # counter0() = memory0[&counter] (a default-memory load, no memidx)
    o.func("counter0", Code([], [I32]).addr("counter").load())
    # mixed(p) = memory1[p] + memory3[p] + b_sum() + memory0[p]
    o.func("mixed", Code([I32], [I32]).local_get(0).load(m1).local_get(0)
           .load(m3).op(0x6A).call("b_sum").op(0x6A).local_get(0).load8_u()
           .op(0x6A))
    return o


def mm_b():
    """Uses memories 2 and 3 (object indices 1 and 2)."""
    o = Obj()
    o.features.append("+multimemory")
    m2 = o.memory(2)
    m3 = o.memory(3)
    o.func("b_sum", Code([], [I32]).i32_const(0).load(m2).i32_const(0)
           .load(m3, offset=8).op(0x6A))
    o.func("b_store2", Code([I32, I32]).local_get(0).local_get(1).store(m2))
    return o


def mm_c():
    """Uses only memory 3: object memory index 1 is key 3."""
    o = Obj()
    o.features.append("+multimemory")
    m3 = o.memory(3)
    o.func("c_load3", Code([I32], [I32]).local_get(0).load(m3, offset=16))
    o.func("c_size3", Code([], [I32]).memory_size(m3))
    return o


def mm_stub_b():
    """Defines b_sum with no memory use, so that mm_a links without mm_b."""
    o = Obj()
    o.func("b_sum", Code([], [I32]).i32_const(7))
    return o


def mm_decl():
    """Declarations: min/max/export name, private, shared."""
    o = Obj()
    o.features += ["+multimemory", "+atomics", "+bulk-memory"]
    m2 = o.memory(2, HAS_MIN | HAS_MAX | EXPORT_NAME, min_=2, max_=10, export="heap2")
    m4 = o.memory(4, PRIVATE | HAS_MIN, min_=0)
    m5 = o.memory(5, SHARED | HAS_MIN | HAS_MAX, min_=1, max_=16)
    o.func("d_load2", Code([I32], [I32]).local_get(0).load(m2))
    o.func("d_load4", Code([I32], [I32]).local_get(0).load(m4))
    o.func("d_atomic5", Code([I32], [I32]).local_get(0).atomic_load(m5))
    return o


def mm_decl2():
    """Agrees with mm_decl on memory 2 (and narrows max); declares memory 6."""
    o = Obj()
    o.features.append("+multimemory")
    m2 = o.memory(2, HAS_MAX, max_=8)
    m6 = o.memory(6, HAS_MIN, min_=3)
    o.func("d2_load2", Code([I32], [I32]).local_get(0).load(m2))
    o.func("d2_load6", Code([I32], [I32]).local_get(0).load(m6))
    return o


def start_obj():
    """_start calling into the multi-memory functions."""
    o = Obj()
    o.import_func("mixed", [I32], [I32])
    o.func("_start", Code().i32_const(0).call("mixed").drop())
    return o


def mm_run():
    """Functions with known results, for running the linked module.

    Uses memories 1 and 3 (object indices 1 and 2) and memory 0; memory 2 is
    left as a gap.  Expected results are in run.sh.
    """
    o = Obj()
    o.features += ["+multimemory", "+bulk-memory"]
    m1 = o.memory(1)
    m3 = o.memory(3)
    mul, add = 0x6C, 0x6A
    # mem1[16] = 111; mem3[16] = 333; mem0[2048] = 5;
    # return mem1[16] + 1000 * mem3[16] + 1000000 * mem0[2048]  (5333111)
    o.func("t_isolation", Code([], [I32])
           .i32_const(16).i32_const(111).store(m1)
           .i32_const(16).i32_const(333).store(m3)
           .i32_const(2048).i32_const(5).store()
           .i32_const(16).load(m1)
           .i32_const(12).load(m3, offset=4).i32_const(1000).op(mul).op(add)
           .i32_const(2048).load().i32_const(1000000).op(mul).op(add))
    # return 100 * size(1) + 10 * size(3) + size(2)  (110; memory 2 is a gap)
    c = Code([], [I32]).memory_size(m1).i32_const(100).op(mul)
    c.memory_size(m3).i32_const(10).op(mul).op(add)
    o.func("t_size", c)
    # return 10 * grow(3, 2) + size(3)  (13)
    o.func("t_grow", Code([], [I32]).i32_const(2).memory_grow(m3)
           .i32_const(10).op(mul).memory_size(m3).op(add))
    # mem3[100] = 0x01020304; copy 4 bytes to mem1[100]; return mem1[100]
    o.func("t_copy", Code([], [I32])
           .i32_const(100).i32_const(0x01020304).store(m3)
           .i32_const(100).i32_const(100).i32_const(4).memory_copy(m1, m3)
           .i32_const(100).load(m1))
    # fill mem1[200..204) with 0xab; return mem1[200] + mem3[200]
    o.func("t_fill", Code([], [I32])
           .i32_const(200).i32_const(0xAB).i32_const(4).memory_fill(m1)
           .i32_const(200).load(m1).i32_const(200).load(m3).op(add))
    return o


def plain():
    """A single-memory object in the same style (no mmcc.memories)."""
    o = Obj()
    o.datum("value", b"\x05\0\0\0")
    o.func("plain_get", Code([], [I32]).addr("value").load())
    o.func("plain_set", Code([I32]).addr("value").local_get(0).store())
    return o


# -- data in other memories (docs/object-format.md, "Data in other memories")


def md_a():
    """Data in memories 2 and 3 (object indices 1 and 2) and in memory 0,
    with pointers between them and a function pointer in memory 2."""
    o = Obj()
    o.features += ["+multimemory", "+bulk-memory"]
    m2 = o.memory(2)
    m3 = o.memory(3)
    o.import_data("b_arr2")              # memory-2 data of md_b
    o.import_data("__mmcc_heap_base_2")
    o.import_data("__mmcc_heap_base_3")
    o.table_import = True
    o.func("a_func", Code([], [I32]).i32_const(77))
    # Memory 0: a value, and a pointer to memory-2 data (a_tbl2 + 4).
    o.datum("a_val0", b"\x2a\0\0\0", seg=".data.a_val0", align=2)
    o.datum("a_bss0", b"\0\0\0\0", seg=".bss.a_bss0", align=2)
    o.datum("a_ptr0", b"\0\0\0\0", seg=".data.a_ptr0", align=2,
            relocs=[(R_MEMORY_ADDR_I32, 0, "a_tbl2", 4)])
    # Memory 2: initialized data, a pointer to memory-0 data, a function
    # pointer (table index), a 64-byte aligned symbol, zero-filled data.
    o.datum("a_tbl2", bytes(range(0x11, 0x19)), memidx=m2,
            seg=".mmcc.m2.data.a_tbl2", align=2)
    o.datum("a_ptr2to0", b"\0\0\0\0", memidx=m2, seg=".mmcc.m2.data.a_ptr2to0",
            align=2, relocs=[(R_MEMORY_ADDR_I32, 0, "a_val0", 0)])
    o.datum("a_fnptr2", b"\0\0\0\0", memidx=m2, seg=".mmcc.m2.data.a_fnptr2",
            align=2, relocs=[(R_TABLE_INDEX_I32, 0, "a_func", None)])
    o.datum("a_al64", b"\xa6\xa6\xa6\xa6", memidx=m2, seg=".mmcc.m2.data.a_al64",
            align=6)
    o.datum("a_zero2", memidx=m2, seg=".mmcc.m2.bss.a_zero2", align=3,
            zero_fill=100)
    o.datum("a_ptr2to2", b"\0\0\0\0", memidx=m2, seg=".mmcc.m2.data.a_ptr2to2",
            align=2, relocs=[(R_MEMORY_ADDR_I32, 0, "b_arr2", 8)])
    # Memory 3: read-only data.
    o.datum("a_ro3", b"hello\0", memidx=m3, seg=".mmcc.m3.rodata.a_ro3")
    # Addresses, through relocations in code.
    o.func("a_addr_tbl2", Code([], [I32]).addr("a_tbl2"))
    o.func("a_addr_al64", Code([], [I32]).addr("a_al64"))
    o.func("a_addr_zero2", Code([], [I32]).addr("a_zero2"))
    o.func("a_addr_ro3", Code([], [I32]).addr("a_ro3"))
    o.func("a_addr_arr2", Code([], [I32]).addr("b_arr2", 4))
    o.func("a_heap2", Code([], [I32]).addr("__mmcc_heap_base_2"))
    o.func("a_heap3", Code([], [I32]).addr("__mmcc_heap_base_3"))
    # Running: values read through the pointers (see run.sh).
    # t_tbl2() = mem2[a_tbl2 + 4]  (0x18171615)
    o.func("t_tbl2", Code([], [I32]).i32_const(0)
           .addr_offset(0x28, 2, "a_tbl2", mem=m2, addend=4))
    # t_ptr0() = mem2[mem0[a_ptr0]]  (a pointer in memory 0 to memory 2)
    o.func("t_ptr0", Code([], [I32]).addr("a_ptr0").load().load(m2))
    # t_ptr2() = mem0[mem2[a_ptr2to0]]  (42)
    o.func("t_ptr2", Code([], [I32]).addr("a_ptr2to0").load(m2).load())
    # t_ro3() = mem3[a_ro3] as bytes "hell"  (0x6c6c6568)
    o.func("t_ro3", Code([], [I32]).addr("a_ro3").load(m3))
    # t_zero2() = mem2[a_zero2 + 96]  (0: zero-filled)
    o.func("t_zero2", Code([], [I32]).addr("a_zero2", 96).load(m2))
    # t_ptr2to2() = mem2[mem2[a_ptr2to2]]  (b_arr2[2] = 0x0b0a0908)
    o.func("t_ptr2to2", Code([], [I32]).addr("a_ptr2to2").load(m2).load(m2))
    # t_heap2() = memory 2's heap base, and that it is writable memory
    o.func("t_heap2", Code([], [I32]).addr("__mmcc_heap_base_2")
           .i32_const(5).store(m2).addr("__mmcc_heap_base_2").load(m2)
           .addr("__mmcc_heap_base_2").op(0x6A))
    return o


def md_b():
    """More data for memory 2 (object index 1), from a second object."""
    o = Obj()
    o.features.append("+multimemory")
    m2 = o.memory(2)
    o.datum("b_arr2", bytes(range(0, 16)), memidx=m2, seg=".mmcc.m2.data.b_arr2",
            align=3)
    o.datum("b_ro2", b"\xb0\xb1\xb2\xb3", memidx=m2,
            seg=".mmcc.m2.rodata.b_ro2", align=2)
    o.func("b_addr_ro2", Code([], [I32]).addr("b_ro2"))
    return o


def md_unused():
    """An archive member with memory-2 data that nothing references."""
    o = Obj()
    o.features.append("+multimemory")
    m2 = o.memory(2)
    o.datum("u_data2", b"\xee\xee\xee\xee", memidx=m2,
            seg=".mmcc.m2.data.u_data2", align=2)
    o.func("u_get", Code([], [I32]).addr("u_data2").load(m2))
    return o


def md_big():
    """A 1 GiB zero-initialized array in memory 4 (object index 1)."""
    o = Obj()
    o.features.append("+multimemory")
    m4 = o.memory(4)
    o.import_data("__mmcc_heap_base_4")
    o.datum("big", memidx=m4, seg=".mmcc.m4.bss.big", align=4,
            zero_fill=1 << 30)
    o.func("big_addr", Code([], [I32]).addr("big"))
    o.func("big_heap4", Code([], [I32]).addr("__mmcc_heap_base_4"))
    # big_last() = big[(1 << 30) - 4] after storing 7 there
    o.func("t_big_last", Code([], [I32])
           .addr("big", (1 << 30) - 4).i32_const(7).store(m4)
           .addr("big", (1 << 30) - 4).load(m4))
    return o


def md_gc():
    """Memory-2 data that is used and data that is not (--gc-sections)."""
    o = Obj()
    o.features.append("+multimemory")
    m2 = o.memory(2)
    o.datum("gc_used2", b"\xc1\xc2\xc3\xc4", memidx=m2,
            seg=".mmcc.m2.data.gc_used2", align=2)
    o.datum("gc_unused2", b"\xde\xad\xbe\xef", memidx=m2,
            seg=".mmcc.m2.data.gc_unused2", align=2)
    o.datum("gc_unused_zero2", memidx=m2, seg=".mmcc.m2.bss.gc_unused_zero2",
            align=2, zero_fill=1 << 20)
    o.func("gc_get", Code([], [I32]).addr("gc_used2").load(m2))
    o.func("gc_unused_get", Code([], [I32]).addr("gc_unused2").load(m2)
           .addr("gc_unused_zero2").load(m2).op(0x6A))
    return o


def md_shared_zero():
    """A shared memory 2 with zero-filled data only (allowed)."""
    o = Obj()
    o.features += ["+multimemory", "+atomics", "+bulk-memory"]
    m2 = o.memory(2, SHARED | HAS_MAX, max_=4)
    o.datum("sz2", memidx=m2, seg=".mmcc.m2.bss.sz2", align=2, zero_fill=4096)
    o.func("sz_get", Code([], [I32]).addr("sz2").load(m2))
    return o


def md_no_zero_fills():
    """An mmcc.memories section without its zero_fills vector (written
    before it existed): read as having none."""
    o = mm_c()
    o.mm_omit_zero_fills = True
    return o


def md_a_no_zero_fills():
    """md_a without the zero_fills vector: its zero-filled segment is empty."""
    o = md_a()
    o.mm_omit_zero_fills = True
    return o


def md_heap3():
    """References __mmcc_heap_base_3; uses memory 3 only, without data."""
    o = mm_c()
    o.import_data("__mmcc_heap_base_3")
    o.func("h3", Code([], [I32]).addr("__mmcc_heap_base_3"))
    return o


def md_heap9():
    """References __mmcc_heap_base_9; uses memory 3 only."""
    o = mm_c()
    o.import_data("__mmcc_heap_base_9")
    o.func("h9", Code([], [I32]).addr("__mmcc_heap_base_9"))
    return o


def md_bss0():
    """Memory-0 .bss (zero bytes, as LLVM writes it) next to memory-2 data
    and zero fill; no bulk-memory feature (so that --import-memory writes
    the .bss segment to the output)."""
    o = Obj()
    o.features.append("+multimemory")
    m2 = o.memory(2)
    o.datum("zb0", b"\0\0\0\0", seg=".bss.zb0", align=2)
    o.datum("d0", b"\xd0\xd0\xd0\xd0", seg=".data.d0", align=2)
    o.datum("z2", memidx=m2, seg=".mmcc.m2.bss.z2", align=2, zero_fill=64)
    o.datum("d2", b"\xd2\xd2\xd2\xd2", memidx=m2, seg=".mmcc.m2.data.d2", align=2)
    o.func("bss_get", Code([], [I32]).addr("zb0").load().addr("d0").load()
           .op(0x6A).addr("z2").load(m2).op(0x6A).addr("d2").load(m2).op(0x6A))
    return o


# -- bad objects


def bad_version():
    o = mm_c()
    o.mm_raw = lambda self: b"\x03" + self.mm_payload()[1:]
    return o


def bad_truncated():
    o = mm_c()
    o.mm_raw = lambda self: self.mm_payload()[:-3]
    return o


def bad_trailing():
    o = mm_c()
    o.mm_raw = lambda self: self.mm_payload() + b"\x00"
    return o


def bad_offset():
    o = mm_c()
    o.mm_extra_relocs = [(100000, 1)]
    return o


def bad_index():
    o = mm_c()
    o.mm_raw = lambda self: uleb(1) + vec([uleb(1) + b"\x00" + uleb(3) + uleb(0)]) + vec(
        uleb(off) + uleb(2 if k == 0 else i) for k, (off, i) in enumerate(sorted(self.memrelocs)))
    return o


def bad_bytes():
    """A relocation whose offset does not hold the memory index."""
    o = mm_c()
    o.mm_raw = lambda self: uleb(1) + vec([uleb(1) + b"\x00" + uleb(3) + uleb(0)]) + vec(
        [uleb(sorted(self.memrelocs)[0][0] + 1) + uleb(1)])
    return o


def bad_no_code():
    """Functions, but no code section (nor its relocations): the memory
    index relocations point outside the code section. The linker used to
    report that and read on, into the missing code section."""
    o = mm_c()
    o.drop_sections = {10, "reloc.CODE"}
    return o


def bad_unsorted():
    o = mm_a()
    o.mm_reloc_order = "reverse"
    return o


def bad_named():
    o = Obj()
    o.features.append("+multimemory")
    m = o.memory(0, name="frame")
    o.func("n_load", Code([I32], [I32]).local_get(0).load(m))
    return o


def bad_import():
    o = Obj()
    o.features.append("+multimemory")
    m = o.memory(7, IMPORT, module="host", field="mem7")
    o.func("i_load", Code([I32], [I32]).local_get(0).load(m))
    return o


def data_segment_plain_name():
    """Data in memory 3 in a segment not named .mmcc.m3.*."""
    o = mm_c()
    o.datum("in_mem3", b"\x01\x02\x03\x04", memidx=1)
    return o


def bad_zf_index():
    o = md_b()
    o.mm_extra_zero_fills = [(9, 16)]
    return o


def bad_zf_nonempty():
    o = md_b()
    o.mm_extra_zero_fills = [(0, 16)]
    return o


def bad_zf_mem0():
    o = md_b()
    o.datum("zero0", seg=".bss.zero0")
    o.mm_extra_zero_fills = [(2, 16)]
    return o


def bad_zf_twice():
    o = md_b()
    o.datum("zero2", memidx=1, seg=".mmcc.m2.bss.zero2", zero_fill=8)
    o.mm_extra_zero_fills = [(2, 8)]
    return o


def bad_zf_huge():
    o = md_b()
    o.datum("zero2", memidx=1, seg=".mmcc.m2.bss.zero2", zero_fill=1 << 33)
    return o


def bad_zf_offset():
    """A second symbol at offset 4 of an empty (zero-filled) segment."""
    o = md_b()
    o.datum("zero2", memidx=1, seg=".mmcc.m2.bss.zero2", zero_fill=8)
    o.data_aliases.append(("zero2_b", 2, 4, 4))
    return o


def bad_seg_undeclared():
    """A data segment in object memory index 2; only index 1 is declared."""
    o = mm_c()
    o.datum("undeclared", b"\x01\0\0\0", memidx=2, seg=".mmcc.m5.data.undeclared")
    return o


def bad_seg_no_section():
    """A data segment in memory index 1 of an object with one memory and no
    mmcc.memories section."""
    o = plain()
    o.datum("nosec", b"\x01\0\0\0", memidx=1, seg=".mmcc.m2.data.nosec")
    return o


def bad_seg_tls():
    o = md_b()
    o.features.append("+atomics")
    o.datum("tls2", b"\x01\0\0\0", memidx=1, seg=".mmcc.m2.data.tls2",
            segflags=SEG_TLS)
    return o


def bad_shared_data():
    o = Obj()
    o.features += ["+multimemory", "+atomics", "+bulk-memory"]
    m2 = o.memory(2, SHARED | HAS_MAX, max_=4)
    o.datum("sd2", b"\x01\0\0\0", memidx=m2, seg=".mmcc.m2.data.sd2", align=2)
    o.func("sd_get", Code([], [I32]).addr("sd2").load(m2))
    return o


def bad_too_much_data():
    """Two 3 GiB zero-filled arrays in memory 5: more than 4 GiB."""
    o = Obj()
    o.features.append("+multimemory")
    m5 = o.memory(5)
    o.datum("huge1", memidx=m5, seg=".mmcc.m5.bss.huge1", zero_fill=3 << 30)
    o.datum("huge2", memidx=m5, seg=".mmcc.m5.bss.huge2", zero_fill=3 << 30)
    o.func("huge_get", Code([], [I32]).addr("huge1").addr("huge2").op(0x6A))
    return o


def bad_no_section():
    o = mm_c()
    o.omit_mm_section = True
    return o


def bad_flags():
    o = Obj()
    o.features.append("+multimemory")
    m = o.memory(3, 0x100)
    o.func("f_load", Code([I32], [I32]).local_get(0).load(m))
    return o


def bad_key0():
    o = Obj()
    o.features.append("+multimemory")
    m = o.memory(0)
    o.func("k_load", Code([I32], [I32]).local_get(0).load(m))
    return o


def bad_undeclared_import():
    """Imports one memory more than mmcc.memories declares."""
    o = mm_c()
    o.extra_memory_imports = 1
    return o


def bad_export_conflict():
    o = Obj()
    o.features.append("+multimemory")
    m = o.memory(2, EXPORT_NAME, export="other_name")
    o.func("e_load", Code([I32], [I32]).local_get(0).load(m))
    return o


def bad_private_conflict():
    o = Obj()
    o.features.append("+multimemory")
    m = o.memory(2, PRIVATE)
    o.func("p_load", Code([I32], [I32]).local_get(0).load(m))
    return o


def bad_shared_no_atomics():
    o = Obj()
    o.features.append("+multimemory")
    m = o.memory(2, SHARED | HAS_MAX, max_=4)
    o.func("s_load", Code([I32], [I32]).local_get(0).load(m))
    return o


def bad_shared_no_max():
    o = Obj()
    o.features += ["+multimemory", "+atomics"]
    m = o.memory(2, SHARED)
    o.func("s_load", Code([I32], [I32]).local_get(0).load(m))
    return o


def bad_max_lt_min():
    o = Obj()
    o.features.append("+multimemory")
    m = o.memory(2, HAS_MIN | HAS_MAX, min_=5, max_=3)
    o.func("m_load", Code([I32], [I32]).local_get(0).load(m))
    return o


OBJECTS = dict([
    ("mm_a", mm_a), ("mm_b", mm_b), ("mm_c", mm_c), ("mm_stub_b", mm_stub_b),
    ("mm_decl", mm_decl), ("mm_decl2", mm_decl2), ("start", start_obj),
    ("plain", plain), ("mm_run", mm_run),
    ("bad_version", bad_version), ("bad_truncated", bad_truncated),
    ("bad_trailing", bad_trailing), ("bad_offset", bad_offset),
    ("bad_index", bad_index), ("bad_bytes", bad_bytes), ("bad_no_code", bad_no_code),
    ("bad_unsorted", bad_unsorted), ("bad_named", bad_named),
    ("bad_import", bad_import), ("data_segment_plain_name", data_segment_plain_name),
    ("bad_no_section", bad_no_section), ("bad_flags", bad_flags),
    ("bad_key0", bad_key0), ("bad_undeclared_import", bad_undeclared_import),
    ("bad_export_conflict", bad_export_conflict),
    ("bad_private_conflict", bad_private_conflict),
    ("bad_shared_no_atomics", bad_shared_no_atomics),
    ("bad_shared_no_max", bad_shared_no_max),
    ("bad_max_lt_min", bad_max_lt_min),
    ("md_a", md_a), ("md_b", md_b), ("md_unused", md_unused),
    ("md_big", md_big), ("md_gc", md_gc), ("md_shared_zero", md_shared_zero),
    ("md_no_zero_fills", md_no_zero_fills), ("md_heap3", md_heap3),
    ("md_heap9", md_heap9), ("md_bss0", md_bss0),
    ("md_a_no_zero_fills", md_a_no_zero_fills),
    ("bad_zf_index", bad_zf_index), ("bad_zf_nonempty", bad_zf_nonempty),
    ("bad_zf_mem0", bad_zf_mem0), ("bad_zf_twice", bad_zf_twice),
    ("bad_zf_huge", bad_zf_huge), ("bad_zf_offset", bad_zf_offset),
    ("bad_seg_undeclared", bad_seg_undeclared),
    ("bad_seg_no_section", bad_seg_no_section), ("bad_seg_tls", bad_seg_tls),
    ("bad_shared_data", bad_shared_data),
    ("bad_too_much_data", bad_too_much_data),
])


def fuzz_objects():
    """mm_a and md_a with every truncation of their mmcc.memories section,
    and with pseudo-random byte changes in it (deterministic)."""
    import random
    a = mm_a()
    a.encode()  # lays out the code, which gives the relocation offsets
    payload = a.mm_payload()
    # Every truncation but the one that drops exactly the (empty) zero_fills
    # vector, which gives a valid section of the older form.
    for n in range(len(payload) - 1):
        o = mm_a()
        o.mm_raw = payload[:n]
        yield "trunc_%03d" % n, o
    rng = random.Random(1)
    for k in range(150):
        b = bytearray(payload)
        for _ in range(rng.randint(1, 3)):
            b[rng.randrange(len(b))] = rng.choice([0, 1, 2, 3, 5, 0x7F, 0x80, 0xFF, rng.randrange(256)])
        o = mm_a()
        o.mm_raw = bytes(b)
        yield "flip_%03d" % k, o
    # The same on md_a, whose section has a zero fill (linked with md_b).
    d = md_a()
    d.encode()
    payload = d.mm_payload()
    for n in range(len(payload)):
        o = md_a()
        o.mm_raw = payload[:n]
        yield "dtrunc_%03d" % n, o
    for k in range(100):
        b = bytearray(payload)
        for _ in range(rng.randint(1, 3)):
            b[rng.randrange(len(b))] = rng.choice([0, 1, 2, 3, 5, 0x7F, 0x80, 0xFF, rng.randrange(256)])
        o = md_a()
        o.mm_raw = bytes(b)
        yield "dflip_%03d" % k, o


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(os.path.join(outdir, "fuzz"), exist_ok=True)
    for name, fn in OBJECTS.items():
        with open(os.path.join(outdir, name + ".o"), "wb") as f:
            f.write(fn().encode())
    for name, o in fuzz_objects():
        with open(os.path.join(outdir, "fuzz", name + ".o"), "wb") as f:
            f.write(o.encode())


if __name__ == "__main__":
    main()
