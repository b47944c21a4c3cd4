// Types whose storage LLVM splits into pieces: bitfield storage units of
// 24, 40, 48 and 56 bits, _BitInt(N) of odd widths, and vectors of three
// elements, in memories 2 and 3 (globals and through pointers).
#include <stdint.h>
#include <stdio.h>
#include <mmcc.h>

struct packed24 { unsigned a : 7, b : 9, c : 8; } __attribute__((packed));
struct packed40 { uint64_t a : 13, b : 27; } __attribute__((packed));
struct packed48 { uint64_t a : 5, b : 31, c : 12; } __attribute__((packed));
struct packed56 { uint64_t a : 20, b : 20, c : 16; } __attribute__((packed));
struct mixed { char tag; struct packed56 wide; struct packed24 narrow; int16_t tail; } __attribute__((packed));

__memory(2) struct packed24 p24[5];
__memory(2) struct packed40 p40[5];
__memory(3) struct packed48 p48[5];
__memory(3) struct mixed records[4] = {{'a', {1, 2, 3}, {4, 5, 6}, -7}};

typedef float float3 __attribute__((ext_vector_type(3)));
__memory(2) float3 points[4];

__memory(3) _BitInt(37) odd37[6];
__memory(2) unsigned _BitInt(100) odd100[3];

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }

__attribute__((noinline)) static void fill(__memory(3) struct mixed *r, int i) {
    r->tag = (char)('a' + i);
    r->wide.a = 0xfffff - (unsigned)i;
    r->wide.b = 12345u * (unsigned)i;
    r->wide.c = 0xbeef ^ (unsigned)i;
    r->narrow.a = 0x55 + (unsigned)i;
    r->narrow.b = 300 + (unsigned)i;
    r->narrow.c = 0xa0 | (unsigned)i;
    r->tail = (int16_t)(-1000 * i);
}

int main(void) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < 5; i++) {
        p24[i].a = (unsigned)(i * 37); p24[i].b = (unsigned)(i * 101); p24[i].c = (unsigned)(255 - i);
        p40[i].a = (uint64_t)(i * 999); p40[i].b = (uint64_t)(0x7ffffff - i * 12345);
        p48[i].a = (uint64_t)i; p48[i].b = (uint64_t)(0x7fffffff - i); p48[i].c = (uint64_t)(i * 300);
    }
    for (int i = 1; i < 4; i++)
        fill(&records[i], i);
    for (int i = 0; i < 5; i++) {
        h = mix(h, p24[i].a); h = mix(h, p24[i].b); h = mix(h, p24[i].c);
        h = mix(h, p40[i].a); h = mix(h, p40[i].b);
        h = mix(h, p48[i].a); h = mix(h, p48[i].b); h = mix(h, p48[i].c);
    }
    for (int i = 0; i < 4; i++) {
        h = mix(h, (uint64_t)records[i].tag);
        h = mix(h, records[i].wide.a); h = mix(h, records[i].wide.b); h = mix(h, records[i].wide.c);
        h = mix(h, records[i].narrow.a); h = mix(h, records[i].narrow.b); h = mix(h, records[i].narrow.c);
        h = mix(h, (uint64_t)(int64_t)records[i].tail);
    }
    printf("bitfields %016llx\n", (unsigned long long)h);

    for (int i = 0; i < 4; i++)
        points[i] = (float3){(float)i, (float)i * 0.5f, -(float)i};
    float3 sum = {0, 0, 0};
    for (int i = 0; i < 4; i++)
        sum += points[i] * points[(i + 1) % 4];
    printf("float3 %.3f %.3f %.3f\n", (double)sum.x, (double)sum.y, (double)sum.z);

    for (int i = 0; i < 6; i++)
        odd37[i] = (_BitInt(37))(i - 3) * 12345678901ll;
    for (int i = 0; i < 3; i++)
        odd100[i] = ((unsigned _BitInt(100))0xabcdef << (30 * i)) | (unsigned)i;
    long long s37 = 0;
    for (int i = 0; i < 6; i++)
        s37 += (long long)odd37[i] / 7;
    unsigned _BitInt(100) x100 = 0;
    for (int i = 0; i < 3; i++)
        x100 ^= odd100[i] >> i;
    printf("bitint %lld %016llx%016llx\n", s37, (unsigned long long)(x100 >> 64), (unsigned long long)x100);
    return 0;
}
