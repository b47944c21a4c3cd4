// Bitfields of every width 1..63 at every byte offset 0..7, in memories 2
// and 3, unsigned and signed, starting on a byte and 3 bits into one.
// Packed structs make clang's storage unit for a W-bit field ceil(W/8)
// bytes (ceil((W+3)/8) behind a 3-bit field, up to i72), so this reads and
// writes every odd-sized integer the legalizer splits (i24, i40, i48, i56,
// i72) at every alignment, through globals (constant addresses) and
// through pointers (in noinline functions, so LLVM cannot forward a stored
// value to the load and must really read the memory back). The values
// have every byte nonzero, and the field's top bit set, so a piece that is
// lost or read from the wrong place changes the result; the neighbouring
// bytes are checked too, so a store that spills over is caught. Prints a
// checksum of everything read and the number of values that differ from
// what C says they must be.
#include <stdint.h>
#include <stdio.h>
#include <mmcc.h>

#define NOINLINE __attribute__((noinline))

static uint64_t mask_of(int w) { return w >= 64 ? ~0ull : (1ull << w) - 1; }

/* The value a W-bit field holds after storing v: truncated, with its top
   bit set by the callers. */
static uint64_t as_unsigned(uint64_t v, int w) { return v & mask_of(w); }
static int64_t as_signed(uint64_t v, int w) { return (int64_t)(v << (64 - w)) >> (64 - w); }

static uint64_t checksum = 0xcbf29ce484222325ull;
static unsigned mismatches;

static void mix(uint64_t v) { checksum = (checksum ^ v) * 0x100000001b3ull; }

/* Not inlined: a thousand inlined copies make -O2 builds three times slower,
   and the loads are the same either way (their values are extended to the
   argument's 64 bits). */
NOINLINE static void expect(uint64_t got, uint64_t want) {
    mix(got);
    if (got != want)
        mismatches++;
}

/* For each (offset K, width W): struct a has an unsigned field f and a
   signed field g of width W between marker bytes; struct b has f behind a
   3-bit field, so it starts 3 bits into byte K. Memory 2 holds one of each
   as globals; memory 3 holds arrays of two, written and read through
   pointers to element 1. */
#define DEFINE(K, W, U, S)                                                                              \
    struct a_##K##_##W { unsigned char pad[K]; U f : W; unsigned char mid; S g : W; unsigned char after; } \
        __attribute__((packed));                                                                        \
    struct b_##K##_##W { unsigned char pad[K]; U lead : 3; U f : W; unsigned char after; }             \
        __attribute__((packed));                                                                        \
    __memory(2) struct a_##K##_##W a2_##K##_##W;                                                        \
    __memory(2) struct b_##K##_##W b2_##K##_##W;                                                        \
    __memory(3) struct a_##K##_##W a3_##K##_##W[2];                                                     \
    __memory(3) struct b_##K##_##W b3_##K##_##W[2];                                                     \
    NOINLINE void put2_##K##_##W(uint64_t v) {                                                          \
        for (int i = 0; i < K; i++)                                                                     \
            a2_##K##_##W.pad[i] = b2_##K##_##W.pad[i] = (unsigned char)(0xa1 + i);                      \
        a2_##K##_##W.mid = 0xc3;                                                                        \
        a2_##K##_##W.after = b2_##K##_##W.after = 0xe5;                                                 \
        a2_##K##_##W.f = (U)v;                                                                          \
        a2_##K##_##W.g = (S)(~v | (1ull << (W - 1)));                                                   \
        b2_##K##_##W.lead = 5;                                                                          \
        b2_##K##_##W.f = (U)(v >> 1 | (1ull << (W - 1)));                                               \
    }                                                                                                   \
    NOINLINE void get2_##K##_##W(uint64_t v) {                                                          \
        for (int i = 0; i < K; i++) {                                                                   \
            expect(a2_##K##_##W.pad[i], 0xa1u + i);                                                     \
            expect(b2_##K##_##W.pad[i], 0xa1u + i);                                                     \
        }                                                                                               \
        expect(a2_##K##_##W.mid, 0xc3);                                                                 \
        expect(a2_##K##_##W.after, 0xe5);                                                               \
        expect(b2_##K##_##W.after, 0xe5);                                                               \
        expect(a2_##K##_##W.f, as_unsigned(v, W));                                                      \
        expect((uint64_t)(int64_t)a2_##K##_##W.g, (uint64_t)as_signed(~v | (1ull << (W - 1)), W));      \
        expect(b2_##K##_##W.lead, 5);                                                                   \
        expect(b2_##K##_##W.f, as_unsigned(v >> 1 | (1ull << (W - 1)), W));                             \
    }                                                                                                   \
    NOINLINE void put3_##K##_##W(__memory(3) struct a_##K##_##W *a, __memory(3) struct b_##K##_##W *b,  \
                                 uint64_t v) {                                                          \
        for (int i = 0; i < K; i++)                                                                     \
            a->pad[i] = b->pad[i] = (unsigned char)(0xb2 + i);                                          \
        a->mid = 0xd4;                                                                                  \
        a->after = b->after = 0xf6;                                                                     \
        a->f = (U)(v * 3 | (1ull << (W - 1)));                                                          \
        a->g = (S)v;                                                                                    \
        b->lead = 6;                                                                                    \
        b->f = (U)(~v | (1ull << (W - 1)));                                                             \
    }                                                                                                   \
    NOINLINE void get3_##K##_##W(__memory(3) struct a_##K##_##W *a, __memory(3) struct b_##K##_##W *b,  \
                                 uint64_t v) {                                                          \
        for (int i = 0; i < K; i++) {                                                                   \
            expect(a->pad[i], 0xb2u + i);                                                               \
            expect(b->pad[i], 0xb2u + i);                                                               \
        }                                                                                               \
        expect(a->mid, 0xd4);                                                                           \
        expect(a->after, 0xf6);                                                                         \
        expect(b->after, 0xf6);                                                                         \
        expect(a->f, as_unsigned(v * 3 | (1ull << (W - 1)), W));                                       \
        expect((uint64_t)(int64_t)a->g, (uint64_t)as_signed(v, W));                                     \
        expect(b->lead, 6);                                                                             \
        expect(b->f, as_unsigned(~v | (1ull << (W - 1)), W));                                           \
        /* Element 0 was never written: still zero, so no store spilled back. */                       \
        expect(a3_##K##_##W[0].f | (uint64_t)a3_##K##_##W[0].g | a3_##K##_##W[0].after, 0);           \
        expect(b3_##K##_##W[0].f | b3_##K##_##W[0].lead | b3_##K##_##W[0].after, 0);                  \
    }                                                                                                   \
    static void test_##K##_##W(uint64_t v) {                                                            \
        put2_##K##_##W(v);                                                                              \
        put3_##K##_##W(&a3_##K##_##W[1], &b3_##K##_##W[1], v);                                          \
        get2_##K##_##W(v);                                                                              \
        get3_##K##_##W(&a3_##K##_##W[1], &b3_##K##_##W[1], v);                                          \
    }

#define OFFSETS(X, W, U, S) X(0, W, U, S) X(1, W, U, S) X(2, W, U, S) X(3, W, U, S) \
                            X(4, W, U, S) X(5, W, U, S) X(6, W, U, S) X(7, W, U, S)
/* Widths up to 32 as unsigned/int fields (their reads extend to 32 bits,
   as in the case found: `unsigned b : 24`), wider ones as 64-bit fields. */
#define NARROW(X, Y) Y(X, 1) Y(X, 2) Y(X, 3) Y(X, 4) Y(X, 5) Y(X, 6) Y(X, 7) Y(X, 8)          \
                     Y(X, 9) Y(X, 10) Y(X, 11) Y(X, 12) Y(X, 13) Y(X, 14) Y(X, 15) Y(X, 16)  \
                     Y(X, 17) Y(X, 18) Y(X, 19) Y(X, 20) Y(X, 21) Y(X, 22) Y(X, 23) Y(X, 24) \
                     Y(X, 25) Y(X, 26) Y(X, 27) Y(X, 28) Y(X, 29) Y(X, 30) Y(X, 31) Y(X, 32)
#define WIDE(X, Y) Y(X, 33) Y(X, 34) Y(X, 35) Y(X, 36) Y(X, 37) Y(X, 38) Y(X, 39) Y(X, 40)   \
                   Y(X, 41) Y(X, 42) Y(X, 43) Y(X, 44) Y(X, 45) Y(X, 46) Y(X, 47) Y(X, 48)   \
                   Y(X, 49) Y(X, 50) Y(X, 51) Y(X, 52) Y(X, 53) Y(X, 54) Y(X, 55) Y(X, 56)   \
                   Y(X, 57) Y(X, 58) Y(X, 59) Y(X, 60) Y(X, 61) Y(X, 62) Y(X, 63)
#define NARROW_TYPES(X, W) OFFSETS(X, W, unsigned, int)
#define WIDE_TYPES(X, W) OFFSETS(X, W, uint64_t, int64_t)

NARROW(DEFINE, NARROW_TYPES)
WIDE(DEFINE, WIDE_TYPES)

#define CALL(K, W, U, S) test_##K##_##W(v);

int main(void) {
    /* Every byte nonzero, and different from its neighbours. */
    const uint64_t values[] = {0x8192a3b4c5d6e7f9ull, 0x7f6e5d4c3b2a1987ull};
    for (int i = 0; i < 2; i++) {
        uint64_t v = values[i];
        NARROW(CALL, NARROW_TYPES)
        WIDE(CALL, WIDE_TYPES)
        printf("round %d: checksum %016llx\n", i, (unsigned long long)checksum);
    }
    printf("mismatches %u\n", mismatches);
    return mismatches != 0;
}
