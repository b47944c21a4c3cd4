#!/usr/bin/env python3
"""Helpers of tests/library/sqlite/run.sh.

  check.py placement MODULE K SQLITE3_H   sqlite's static data is in memory K and
                                          nowhere else, the application's in memory 0
  check.py plain MODULE SQLITE3_H         all of it in memory 0 (the needles are real)
  check.py memories DUMPDIR MODULE        after a run on V8 (--dump-memories): the
                                          default memory kept its initial size, memory 4
                                          grew to hold sqlite's multi-megabyte values
  check.py makedb PATH                    writes the host's database (host.sql reads it)
  check.py db PATH STAGE                  the database file a run left, read with
                                          Python's sqlite3: created, reopened or host
  check.py leftovers DIR                  no journal or lock of sqlite's left in DIR

Each prints one line per failed check and exits 1 if there was one.
"""
import re
import sqlite3
import sys
from pathlib import Path


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
                    while b[p] != 0x0B:  # the offset: a constant expression
                        p += 1
                    p += 1
                n, p = leb(b, p)
                memories.setdefault(memory, bytearray()).extend(b[p:p + n])
                p += n
        at = end
    return memories


def module_memories(module):
    """(index, initial pages) of every memory the module defines."""
    b = Path(module).read_bytes()
    at = 8
    found = []
    while at < len(b):
        sid = b[at]
        size, at = leb(b, at + 1)
        if sid == 5:
            count, p = leb(b, at)
            for i in range(count):
                flags, p = leb(b, p)
                initial, p = leb(b, p)
                if flags & 1:
                    _, p = leb(b, p)
                found.append((i, initial))
        at += size
    return found


def sqlite_data(sqlite3_h):
    """Static data that sqlite3.c's code keeps in every program."""
    m = re.search(r'#define SQLITE_SOURCE_ID\s+"([^"]+)"', Path(sqlite3_h).read_text(errors="replace"))
    assert m, f"{sqlite3_h}: no SQLITE_SOURCE_ID"
    return {
        "sqlite3_sourceid()": m.group(1).encode(),
        "the keyword table (zKWText)": b"REINDEXEDESCAPEACHECKEYBEFOREIGNOREGEXPLAINSTEAD",
        "sqlite3ErrStr's messages": b"database is locked",
        "the parser's messages": b"no such table: %s",
    }


# The application's own strings (examples/sqlite/app.c).
APP_DATA = {"app.c's format strings": b"(%d row%s)", "app.c's prompt": b"exec> "}


def placement(module, k, sqlite3_h):
    memories = data_by_memory(module)
    problems = []
    for name, needle in sqlite_data(sqlite3_h).items():
        if needle not in memories.get(k, b""):
            problems.append(f"{module}: {name} is not in memory {k}'s data")
        for m, data in memories.items():
            if m != k and needle in data:
                problems.append(f"{module}: {name} is in memory {m}'s data")
    for name, needle in APP_DATA.items():
        if needle not in memories.get(0, b""):
            problems.append(f"{module}: {name} not in memory 0's data")
    size0, sizek = len(memories.get(0, b"")), len(memories.get(k, b""))
    if size0 > 16384:
        problems.append(f"{module}: memory 0 holds {size0} bytes of static data; the application and its C library need a few KiB")
    if sizek < 50000:
        problems.append(f"{module}: memory {k} holds {sizek} bytes of static data; sqlite's are about 60 KB")
    if not problems:
        print(f"static data: memory 0 {size0} bytes, memory {k} {sizek} bytes")
    return problems


def plain(module, sqlite3_h):
    memories = data_by_memory(module)
    problems = [f"{module}: {name} is not in memory 0's data"
                for name, needle in {**sqlite_data(sqlite3_h), **APP_DATA}.items() if needle not in memories.get(0, b"")]
    if set(memories) - {0}:
        problems.append(f"{module}: data in memories {sorted(set(memories) - {0})}")
    if not problems:
        print(f"static data: memory 0 {len(memories.get(0, b''))} bytes")
    return problems


def memories(dump, module):
    problems = []
    initial = dict(module_memories(module))
    m0 = Path(dump, "memory.bin").stat().st_size
    m4 = Path(dump, "memory4.bin").stat().st_size
    if m0 != initial[0] * 65536:
        problems.append(f"the default memory is {m0} bytes after the run; it started with {initial[0]} pages")
    if m4 < 4 << 20:
        problems.append(f"memory 4 is {m4} bytes after the run; sqlite's 3 MB string and 1 MB blob should have grown it")
    if not problems:
        print(f"after the run: memory 0 {m0} bytes (its initial {initial[0]} pages), memory 4 {m4} bytes")
    return problems


def makedb(path):
    Path(path).unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE readings(sensor TEXT NOT NULL, at INTEGER, value REAL);
        CREATE VIEW hot AS SELECT sensor, at, value FROM readings WHERE value > 30;
    """)
    rows = [(s, t, round(20 + ((t * 37 + len(s) * 11) % 170) / 10, 1)) for s in ("kitchen", "attic", "cellar") for t in range(1, 41)]
    db.executemany("INSERT INTO readings VALUES (?, ?, ?)", rows)
    db.commit()
    db.close()
    return []


def db(path, stage):
    problems = []
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append(f"{path}: integrity_check fails")
        if stage == "created":
            got = con.execute("SELECT count(*), sum(qty), max(name) FROM items").fetchone()
            want = (5000, sum(i % 97 for i in range(1, 5001)), "item-05000")
            if got != want:
                problems.append(f"{path}: items {got}, expected {want}")
            if not con.execute("SELECT 1 FROM sqlite_schema WHERE name = 'items_by_qty'").fetchone():
                problems.append(f"{path}: no index items_by_qty")
        elif stage == "reopened":
            got = con.execute("SELECT count(*), sum(qty) FROM items").fetchone()
            kept = [i for i in range(1, 4901)]
            want = (4901, sum(i % 97 + (1000 if i % 100 == 0 else 0) for i in kept) - 1)
            if got != want:
                problems.append(f"{path}: items {got}, expected {want}")
            if con.execute("SELECT note FROM items WHERE name = 'reopened'").fetchone() != ("added by the second run",):
                problems.append(f"{path}: the second run's row is missing")
        elif stage == "host":
            if con.execute("SELECT count(*) FROM readings WHERE sensor = 'wasm' AND at = 99 AND value = 1.5").fetchone()[0] != 1:
                problems.append(f"{path}: the row the application inserted is missing")
            if con.execute("SELECT count(*) FROM readings").fetchone()[0] != 121:
                problems.append(f"{path}: expected 121 readings")
        else:
            problems.append(f"unknown stage {stage}")
        con.close()
    except sqlite3.Error as e:
        problems.append(f"{path}: Python's sqlite3 {sqlite3.sqlite_version}: {e}")
    if not problems:
        print(f"{path}: read by Python's sqlite3 {sqlite3.sqlite_version}: {stage}, integrity ok")
    return problems


def leftovers(directory):
    return [f"{p} is left over" for p in Path(directory).iterdir() if p.name.endswith(("-journal", ".lock", "-wal", "-shm"))]


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    commands = {
        "placement": lambda: placement(args[0], int(args[1]), args[2]),
        "plain": lambda: plain(args[0], args[1]),
        "memories": lambda: memories(args[0], args[1]),
        "makedb": lambda: makedb(args[0]),
        "db": lambda: db(args[0], args[1]),
        "leftovers": lambda: leftovers(args[0]),
    }
    if cmd not in commands:
        sys.exit(f"check.py: unknown command {cmd}")
    problems = commands[cmd]()
    for p in problems:
        print(f"  {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
