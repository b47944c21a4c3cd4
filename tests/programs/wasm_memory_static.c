// `static` wasm_memory arrays indexed with constants. LLVM's global
// optimizer may split a small global of internal linkage whose uses it sees
// into one global per element (or field); an array is one memory, so its
// elements must stay at their offsets in it, at every -O level. Each array
// is written in one noinline function and read in another, so the values
// really go through the memory, and the elements hold different values,
// so any two that became one location print differently.
#include <mmcc.h>
#include <stdint.h>
#include <stdio.h>

#define NOINLINE __attribute__((noinline))

struct pair { int32_t key; float weight; };

static __wasm_memory uint64_t w[4];                          /* the case found */
static __wasm_memory struct pair pairs[3];                   /* split by field too */
static __wasm_memory int16_t grid[2][3];                     /* two dimensions */
static __wasm_memory uint8_t bytes[5] = {1, 2, 3, 4, 5};     /* initialized data */
static __wasm_memory const uint32_t table[4] = {10, 20, 30, 40}; /* only read */
static __wasm_memory uint32_t lone[1];                       /* one element */
static __wasm_memory uint32_t unused[8];                     /* never accessed */
/* Only ever indexed with constants (no loop), so splittable at every level. */
static __wasm_memory uint32_t consts[3];

volatile uint64_t input = 5;

NOINLINE static void put(void) {
    w[1] = input;
    w[3] = input + 2;
    pairs[0].key = 7;
    pairs[2].key = -9;
    pairs[1].weight = 0.5f;
    pairs[2].weight = 2.25f;
    grid[0][2] = -3;
    grid[1][0] = 11;
    grid[1][2] = 300;
    bytes[4] = (uint8_t)(bytes[0] + 200);
    bytes[2] ^= 0x40;
    lone[0] = (uint32_t)input * 3;
    consts[0] = (uint32_t)input + 100;
    consts[2] = (uint32_t)input + 300;
}

NOINLINE static uint64_t sum(void) {
    uint64_t s = 0;
    for (int i = 0; i < 4; i++)
        s = s * 100 + w[i];
    for (int i = 0; i < 3; i++)
        s = s * 31 + (uint64_t)(int64_t)pairs[i].key + (uint64_t)(pairs[i].weight * 4);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            s = s * 7 + (uint64_t)(int64_t)grid[i][j];
    for (int i = 0; i < 5; i++)
        s = s * 3 + bytes[i];
    for (int i = 0; i < 4; i++)
        s += table[i] * (uint64_t)(i + 1);
    return s + lone[0];
}

int main(void) {
    put();
    printf("w %llu %llu %llu %llu\n", (unsigned long long)w[0], (unsigned long long)w[1],
           (unsigned long long)w[2], (unsigned long long)w[3]);
    printf("pairs %d %d %d %.2f %.2f %.2f\n", pairs[0].key, pairs[1].key, pairs[2].key,
           (double)pairs[0].weight, (double)pairs[1].weight, (double)pairs[2].weight);
    printf("grid %d %d %d %d %d %d\n", grid[0][0], grid[0][1], grid[0][2], grid[1][0], grid[1][1], grid[1][2]);
    printf("bytes %u %u %u %u %u\n", bytes[0], bytes[1], bytes[2], bytes[3], bytes[4]);
    printf("table %u %u lone %u\n", table[1], table[3], lone[0]);
    printf("consts %u %u %u\n", consts[0], consts[1], consts[2]);
    printf("sum %llu\n", (unsigned long long)sum());
    printf("sizes %zu %zu\n", sizeof pairs, sizeof unused);
    return 0;
}
