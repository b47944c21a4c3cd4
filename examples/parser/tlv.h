/* tlv.h: a parser of TLV1 files, small binary files of named records.
 *
 * Plain C, written for one memory; it knows nothing of multi-memory. The
 * application of examples/parser includes this header inside
 * `#pragma mmcc memory(push, 5)`, so that, with the parser linked into
 * memory 5 (`--in-memory=5`), every pointer below is a memory-5 pointer.
 *
 * The format (all integers little-endian):
 *
 *   "TLV1"                          magic
 *   field*                          until the end of the file
 *
 *   field: type (1 byte), length (2 bytes), length bytes of data
 *     TLV_NAME  (1)   the entry's name (at most TLV_NAME_MAX bytes ...
 *                     supposedly: see tlv.c)
 *     TLV_ID    (2)   the entry's id, 4 bytes
 *     TLV_VALUE (3)   bytes appended to the entry's value (at most
 *                     TLV_VALUE_MAX in all; the rest is dropped)
 *     TLV_NOTE  (4)   a comment, skipped
 *     TLV_END   (0)   the entry is complete (its data is ignored)
 *
 * A file holds any number of entries; fields after the last TLV_END are
 * dropped.
 */
#ifndef TLV_H
#define TLV_H

#include <stddef.h>
#include <stdint.h>

#define TLV_NAME_MAX 63
#define TLV_VALUE_MAX 256

enum tlv_type { TLV_END = 0, TLV_NAME = 1, TLV_ID = 2, TLV_VALUE = 3, TLV_NOTE = 4 };

/* What tlv_parse returns below zero. */
enum tlv_error {
    TLV_EMAGIC = -1,     /* not a TLV1 file */
    TLV_ETRUNCATED = -2, /* a field runs past the end of the file */
    TLV_ETYPE = -3,      /* a field of unknown type */
    TLV_EID = -4,        /* an id that is not 4 bytes */
};

struct tlv_entry {
    char name[TLV_NAME_MAX + 1]; /* NUL-terminated */
    uint32_t id;
    uint32_t value_len;
    uint8_t value[TLV_VALUE_MAX];
};

/* Parses the `size` bytes at `data` into at most `max_entries` entries;
 * returns how many, or a negative enum tlv_error. */
int tlv_parse(const uint8_t *data, size_t size, struct tlv_entry *entries, size_t max_entries);

/* A message for a result of tlv_parse (a static string). */
const char *tlv_strerror(int result);

#endif
