/* tlv.c: the TLV1 parser (see tlv.h). Plain C for one memory, no system
 * calls: memcpy, memset and memcmp are all it needs of the C library.
 *
 * It has a DELIBERATE BUG, of the kind behind many real CVEs (a length
 * field trusted for the destination because it was checked against the
 * source): a NAME field's length is checked against the bytes left in the
 * input, but never against the 64-byte name buffer it is copied into. The
 * buffer is the first field of `struct record`, a local variable of
 * tlv_parse, so a longer NAME overwrites
 *
 *   - record.value, the pointer where VALUE bytes are copied, and
 *     record.room, how many may still be: the next VALUE field then copies
 *     attacker-chosen bytes to an attacker-chosen address (a
 *     write-what-where, as in a real exploit);
 *   - and, the longer it is, whatever lies above on the C stack and past
 *     its top (up to 65535 bytes).
 *
 * examples/parser/README.md shows what this does with the parser in memory
 * 5 and with everything in one memory.
 *
 * Compiled with -DTLV_DEBUG it also traces each field with fprintf, which
 * needs WASI (fd_write): linked with --memory=5:wasi=deny, that is a link
 * error.
 */
#include "tlv.h"

#include <string.h>
#ifdef TLV_DEBUG
#include <stdio.h>
#endif

/* The entry being parsed. */
struct record {
    char name[TLV_NAME_MAX + 1]; /* NAME, NUL-terminated */
    uint8_t *value;              /* where the next VALUE bytes go */
    uint32_t room;               /* how many bytes may still go there */
    uint32_t id;
};

static void begin(struct record *r, struct tlv_entry *e) {
    memset(r->name, 0, sizeof r->name);
    r->value = e->value;
    r->room = sizeof e->value;
    r->id = 0;
}

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int tlv_parse(const uint8_t *data, size_t size, struct tlv_entry *entries, size_t max_entries) {
    if (size < 4 || memcmp(data, "TLV1", 4) != 0)
        return TLV_EMAGIC;
    const uint8_t *p = data + 4, *end = data + size;
    size_t count = 0;
    struct record rec;
    if (max_entries == 0)
        return 0;
    begin(&rec, &entries[0]);
    while (p < end) {
        if (end - p < 3)
            return TLV_ETRUNCATED;
        unsigned type = p[0], len = (unsigned)p[1] | (unsigned)p[2] << 8;
        p += 3;
        if (len > (size_t)(end - p)) /* the source is checked ... */
            return TLV_ETRUNCATED;
#ifdef TLV_DEBUG
        fprintf(stderr, "tlv: field %u, %u bytes\n", type, len);
#endif
        switch (type) {
        case TLV_NAME:
            /* THE BUG: ... the destination is not. len may be anything up
             * to 65535; rec.name holds 64 bytes. The fix is one line:
             *     if (len > TLV_NAME_MAX) return TLV_ENAME; */
            memcpy(rec.name, p, len);
            rec.name[len] = 0;
            break;
        case TLV_ID:
            if (len != 4)
                return TLV_EID;
            rec.id = le32(p);
            break;
        case TLV_VALUE: { /* bounded, correctly: never more than rec.room */
            uint32_t n = len < rec.room ? len : rec.room;
            memcpy(rec.value, p, n);
            rec.value += n;
            rec.room -= n;
            break;
        }
        case TLV_NOTE:
            break;
        case TLV_END: {
            struct tlv_entry *e = &entries[count];
            memcpy(e->name, rec.name, sizeof e->name);
            e->name[TLV_NAME_MAX] = 0;
            e->id = rec.id;
            e->value_len = (uint32_t)sizeof e->value - rec.room;
            if (++count == max_entries)
                return (int)count;
            begin(&rec, &entries[count]);
            break;
        }
        default:
            return TLV_ETYPE;
        }
        p += len;
    }
    return (int)count;
}

const char *tlv_strerror(int result) {
    switch (result) {
    case TLV_EMAGIC:
        return "not a TLV1 file";
    case TLV_ETRUNCATED:
        return "a field runs past the end of the file";
    case TLV_ETYPE:
        return "a field of unknown type";
    case TLV_EID:
        return "an id that is not 4 bytes";
    default:
        return result >= 0 ? "ok" : "unknown error";
    }
}
