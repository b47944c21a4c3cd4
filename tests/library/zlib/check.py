#!/usr/bin/env python3
"""Helpers of tests/library/zlib/run.sh, checked against Python's zlib.

  check.py inputs DIR                    writes the test inputs into DIR
  check.py app INPUT STDOUT [STREAM]     checks what examples/zlib/app.c printed
                                         for INPUT (and the stream it wrote)
  check.py placement MODULE K            zlib's tables and strings are static
                                         data of memory K, none in memory 0
  check.py whole MODULE K                besides: memory 0 holds no static data
  check.py init-error LOG                LOG is clang's error for run.sh's init.c:
                                         zlib.h's deflateInit() read through
                                         `#pragma mmcc memory(push, 3)` passes
                                         ZLIB_VERSION, a memory-0 literal, as
                                         zlib's memory-3 `const char *version`

Each prints one line per failed check and exits 1 if there was one.
"""
import gzip
import random
import re
import struct
import sys
import zlib
from pathlib import Path

ZLIB_VERSION = "1.2.13"


def inputs(directory):
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261201)
    words = [bytes(rng.choice(b"etaoinshrdlucmfwypvbgkjqxz") for _ in range(rng.randint(1, 10))) for _ in range(3000)]
    text = bytearray()
    line = 0
    while len(text) < 4 * 1024 * 1024:
        line += 1
        text += b"%d: " % line + b" ".join(rng.choice(words) for _ in range(rng.randint(3, 14))) + b"\n"
    (d / "text.txt").write_bytes(bytes(text))
    (d / "empty.bin").write_bytes(b"")
    (d / "random.bin").write_bytes(rng.randbytes(1024 * 1024 + 17))


def app(input_path, stdout_path, stream_path=None):
    data = Path(input_path).read_bytes()
    out = Path(stdout_path).read_text(errors="replace")
    problems = []

    def field(pattern):
        m = re.search(pattern, out, re.M)
        if not m:
            problems.append(f"no line matching {pattern!r} in the output")
        return m

    m = field(r"^zlib (\S+) in memory 3 \(header (\S+)\)$")
    if m and (m.group(1) != ZLIB_VERSION or m.group(2) != ZLIB_VERSION):
        problems.append(f"versions {m.group(1)}/{m.group(2)}, expected {ZLIB_VERSION}")
    m = field(r"^input: (\d+) bytes$")
    if m and int(m.group(1)) != len(data):
        problems.append(f"input: {m.group(1)} bytes, the file has {len(data)}")
    reference = zlib.compress(data, 6)
    same_zlib = zlib.ZLIB_RUNTIME_VERSION == ZLIB_VERSION
    m = field(r"^deflate: (\d+) bytes$")
    if m and same_zlib and int(m.group(1)) != len(reference):
        problems.append(f"deflate: {m.group(1)} bytes, Python's zlib {zlib.ZLIB_RUNTIME_VERSION} makes {len(reference)}")
    m = field(r"^inflate: (\d+) bytes, round trip (\S+)$")
    if m and (int(m.group(1)) != len(data) or m.group(2) != "ok"):
        problems.append(f"inflate: {m.group(0)}")
    m = field(r"^crc32: zlib 0x([0-9a-f]{8}), app 0x([0-9a-f]{8}), (\S+)$")
    crc = zlib.crc32(data)
    if m and (int(m.group(1), 16) != crc or int(m.group(2), 16) != crc):
        problems.append(f"crc32: {m.group(1)}/{m.group(2)}, Python's is {crc:08x}")
    m = field(r"^compress2: (\d+) bytes, uncompress: (\d+) bytes, round trip (\S+)$")
    if m and (int(m.group(2)) != len(data) or m.group(3) != "ok" or (same_zlib and int(m.group(1)) != len(reference))):
        problems.append(f"compress2: {m.group(0)}")
    if not re.search(r"^ok$", out, re.M) or "FAIL" in out:
        problems.append("the app reported a failure")
    if stream_path:
        stream = Path(stream_path).read_bytes()
        try:
            if zlib.decompress(stream) != data:
                problems.append("the stream the app wrote decompresses to other bytes")
        except zlib.error as e:
            problems.append(f"the stream the app wrote does not decompress: {e}")
        if same_zlib and stream != reference:
            problems.append("the stream differs from Python's zlib.compress(data, 6) (same zlib version)")
        m = field(r"^gzip: .*, (-?\d+) bytes written and (-?\d+) read back, round trip (\S+)$")
        if m and (int(m.group(1)) != len(data) or int(m.group(2)) != len(data) or m.group(3) != "ok"):
            problems.append(f"gzip: {m.group(0)}")
        try:
            if gzip.decompress(Path(stream_path + ".gz").read_bytes()) != data:
                problems.append("the gzip file the app wrote decompresses to other bytes")
        except (OSError, EOFError) as e:
            problems.append(f"the gzip file the app wrote does not decompress: {e}")
    return problems


def leb(b, at):
    result = shift = 0
    while True:
        byte = b[at]
        at += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, at


def data_by_memory(module):
    """The bytes of each memory's active data segments."""
    b = Path(module).read_bytes()
    assert b[:4] == b"\0asm", f"{module}: not a wasm module"
    at = 8
    memories = {}
    while at < len(b):
        sid = b[at]
        size, at = leb(b, at + 1)
        end = at + size
        if sid == 11:
            count, p = leb(b, at)
            for _ in range(count):
                flags, p = leb(b, p)
                memory = 0
                if flags == 2:
                    memory, p = leb(b, p)
                if flags in (0, 2):
                    # a constant expression: i32.const N end
                    while b[p] != 0x0B:
                        p += 1
                    p += 1
                n, p = leb(b, p)
                memories.setdefault(memory, bytearray()).extend(b[p:p + n])
                p += n
        at = end
    return memories


# What zlib puts in static data (and every program that compresses and
# decompresses keeps): the CRC-32 table (crc32.h), inflate's messages
# (inflate.c), zError's table (zutil.c) and the length codes of trees.h.
ZLIB_DATA = {
    "crc32 table": struct.pack("<4I", 0x00000000, 0x77073096, 0xEE0E612C, 0x990951BA),
    "inflate's messages": b"incorrect header check",
    "z_errmsg": b"incompatible version",
    "trees.h _length_code": bytes(range(8)) + bytes([8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 12, 12]),
}


def placement(module, k, whole=False):
    memories = data_by_memory(module)
    problems = []
    for name, needle in ZLIB_DATA.items():
        if needle not in memories.get(k, b""):
            problems.append(f"{module}: {name} is not in memory {k}'s data")
        for m, data in memories.items():
            if m != k and needle in data:
                problems.append(f"{module}: {name} is in memory {m}'s data")
    if whole and memories.get(0):
        problems.append(f"{module}: memory 0 holds {len(memories[0])} bytes of static data (a whole program in memory {k} should hold none)")
    return problems


# clang's diagnostic for init.c (run.sh): line 4 is
#   int init(z_streamp zs) { return deflateInit(zs, Z_DEFAULT_COMPRESSION); }
# after zlib.h included inside the pragma, so deflateInit_'s `const char
# *version` is a memory-3 pointer and the literal ZLIB_VERSION is not.
INIT_ERROR = [
    r"^\S*init\.c:4:33: error: passing 'char \*' to parameter of type "
    r"'const __attribute__\(\(address_space\(3\)\)\) char \*' changes address space of pointer$",
    r"^\S*zlib\.h:\d+:\d+: note: expanded from macro 'deflateInit'$",
    r"^\S*zlib\.h:\d+:\d+: note: expanded from macro 'ZLIB_VERSION'$",
    r"^\S*zlib\.h:\d+:\d+: note: passing argument to parameter 'version' here$",
    r"^1 error generated\.$",
]


def init_error(log):
    text = Path(log).read_text(errors="replace")
    problems = [f"no line matching {p!r}" for p in INIT_ERROR if not re.search(p, text, re.M)]
    errors = re.findall(r"^\S+: (?:fatal )?error: .*$", text, re.M)
    if len(errors) != 1:
        problems.append(f"{len(errors)} errors, expected the one: {errors}")
    return problems


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "inputs":
        inputs(*args)
        return 0
    if cmd == "app":
        problems = app(*args)
    elif cmd == "placement":
        problems = placement(args[0], int(args[1]))
    elif cmd == "whole":
        problems = placement(args[0], int(args[1]), whole=True)
    elif cmd == "init-error":
        problems = init_error(*args)
    else:
        sys.exit(f"check.py: unknown command {cmd}")
    for p in problems:
        print(f"  {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
