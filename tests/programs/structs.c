// Arrays of structs, nested and packed (unaligned) fields, struct
// assignment and memcpy within and across memories.
#include <stdio.h>
#include <string.h>
#include "region.h"

struct point { short x, y; };
struct particle {
    struct point pos;
    int mass;
    double energy;
    unsigned char tag[6];
    long long id;
};
struct __attribute__((packed)) header {
    char kind;
    int length;     /* unaligned */
    short flags;    /* unaligned */
    long long stamp;
};

static long long checksum(const __memory(1) struct particle *p, int n) {
    long long s = 0;
    for (int i = 0; i < n; i++) {
        s = s * 31 + p[i].pos.x * 7 + p[i].pos.y + p[i].mass + (long long)p[i].energy + p[i].id;
        for (int k = 0; k < 6; k++)
            s += p[i].tag[k];
    }
    return s;
}

int main(void) {
    REGION(1, struct particle, ps, 32, 64);
    REGION(2, struct particle, copy, 32, 128);
    REGION(3, struct header, hs, 16, 33);   /* odd base: every field unaligned */

    for (int i = 0; i < 32; i++) {
        ps[i].pos.x = (short)(i * 3 - 40);
        ps[i].pos.y = (short)(1000 - i * i);
        ps[i].mass = i * 1000 + 7;
        ps[i].energy = i * 0.5 + 1.25;
        for (int k = 0; k < 6; k++)
            ps[i].tag[k] = (unsigned char)(i + k * 40);
        ps[i].id = 1LL << (i % 40);
    }
    printf("checksum %lld\n", checksum(ps, 32));

    /* Struct assignment within memory 1 and across memories 1 -> 2. */
    ps[31] = ps[0];
    for (int i = 0; i < 32; i++)
        copy[i] = ps[i];
    memcpy(copy + 4, ps + 20, 3 * sizeof *ps);
    long long s = 0;
    for (int i = 0; i < 32; i++)
        s = s * 3 + copy[i].mass + copy[i].pos.x;
    printf("copied %lld\n", s);

    /* memset in memory 2, memmove with overlap inside memory 2. */
    memset(copy, 0, 2 * sizeof *copy);
    memmove(copy + 1, copy + 3, 10 * sizeof *copy);
    printf("after move %d %d %d\n", copy[0].mass, copy[1].mass, copy[10].mass);

    for (int i = 0; i < 16; i++) {
        hs[i].kind = (char)('a' + i);
        hs[i].length = i * 70000;
        hs[i].flags = (short)-i;
        hs[i].stamp = -1234567890123LL * i;
    }
    long long h = 0;
    for (int i = 0; i < 16; i++)
        h += hs[i].kind + hs[i].length + hs[i].flags + hs[i].stamp;
    printf("packed %lld\n", h);
    return 0;
}
