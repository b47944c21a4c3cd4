// Loads and stores of every scalar width through memory-N pointers: sign and
// zero extension, truncating stores, floats, volatile, unaligned offsets.
#include <stdio.h>
#include <stdint.h>
#include "region.h"

__attribute__((noinline)) static int64_t mix(__memory(2) int8_t *s8, __memory(2) uint8_t *u8,
                                             __memory(2) int16_t *s16, __memory(2) uint16_t *u16,
                                             __memory(2) int32_t *s32, __memory(2) uint32_t *u32,
                                             __memory(2) int64_t *s64, int i) {
    int64_t a = s8[i];          /* i64.load8_s */
    uint64_t b = u8[i];         /* i64.load8_u */
    int32_t c = s16[i];         /* i32.load16_s */
    uint32_t d = u16[i];        /* i32.load16_u */
    int64_t e = s32[i];         /* i64.load32_s */
    uint64_t f = u32[i];        /* i64.load32_u */
    return a + (int64_t)b + c + d + e + (int64_t)f + s64[i];
}

__attribute__((noinline)) static void truncating(__memory(3) uint8_t *b, __memory(3) uint16_t *h,
                                                 __memory(3) uint32_t *w, uint64_t v) {
    *b = (uint8_t)v;            /* i64.store8 */
    *h = (uint16_t)v;           /* i64.store16 */
    *w = (uint32_t)v;           /* i64.store32 */
}

int main(void) {
    REGION(2, int8_t, s8, 16, 64);
    REGION(2, uint8_t, u8, 16, 80);
    REGION(2, int16_t, s16, 16, 96);
    REGION(2, uint16_t, u16, 16, 128);
    REGION(2, int32_t, s32, 16, 160);
    REGION(2, uint32_t, u32, 16, 224);
    REGION(2, int64_t, s64, 16, 288);
    REGION(3, uint8_t, bytes, 64, 100);
    REGION(4, float, f32, 16, 64);
    REGION(4, double, f64, 16, 128);

    for (int i = 0; i < 16; i++) {
        s8[i] = (int8_t)(i * 37 - 200);
        u8[i] = (uint8_t)(i * 37 + 100);
        s16[i] = (int16_t)(i * 4001 - 30000);
        u16[i] = (uint16_t)(i * 4001 + 1000);
        s32[i] = (int32_t)(i * 123456789 - 987654321);
        u32[i] = (uint32_t)(i * 223456789u + 3000000000u);
        s64[i] = (int64_t)i * 1234567890123LL - 99;
        f32[i] = (float)i / 3.0f - 2.5f;
        f64[i] = (double)i * 1e10 / 7.0;
    }
    int64_t total = 0;
    for (int i = 0; i < 16; i++) {
        int64_t m = mix(s8, u8, s16, u16, s32, u32, s64, i);
        total += m;
        printf("%2d: %lld\n", i, (long long)m);
    }
    printf("total %lld\n", (long long)total);

    /* Truncating stores at unaligned addresses. */
    truncating(bytes + 1, (__memory(3) uint16_t *)(bytes + 3), (__memory(3) uint32_t *)(bytes + 7),
               0x1122334455667788ull);
    for (int i = 0; i < 12; i++)
        printf("%02x", bytes[i]);
    printf("\n");

    /* Floating point. */
    double fsum = 0;
    for (int i = 0; i < 16; i++)
        fsum += f32[i] * f64[i];
    printf("fsum %.6f\n", fsum);

    /* Volatile accesses are neither removed nor merged. */
    volatile __memory(2) int *v = (volatile __memory(2) int *)s32;
    *v = 5;
    *v = *v + 1;
    printf("volatile %d\n", *v);
    return 0;
}
