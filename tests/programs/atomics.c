// Atomic operations on memory-N objects: __atomic and __sync builtins and
// C11 <stdatomic.h>, every width, including the operations WebAssembly has
// no instruction for (nand, min, max, floating point) via compare-exchange.
// Built without threads here; tests/programs/atomics_threads.c builds the
// same with -matomics.
#include <stdio.h>
#include <stdint.h>
#include <stdatomic.h>
#include "region.h"

struct counters {
    _Atomic int hits;
    _Atomic long long total;
    _Atomic unsigned char small;
    _Atomic unsigned short medium;
    _Atomic float ratio;
    _Atomic double sum;
};

int main(void) {
    REGION(2, struct counters, c, 1, 64);
    REGION(3, int32_t, words, 8, 64);
    REGION(3, int64_t, longs, 8, 128);
    REGION(3, uint8_t, bytes, 8, 256);

    atomic_init(&c->hits, 0);
    atomic_init(&c->total, 0);
    atomic_init(&c->small, 250);
    atomic_init(&c->medium, 65530);
    atomic_init(&c->ratio, 1.5f);
    atomic_init(&c->sum, 0.25);
    for (int i = 0; i < 10; i++) {
        atomic_fetch_add(&c->hits, 1);
        atomic_fetch_add_explicit(&c->total, (long long)i << 33, memory_order_relaxed);
        atomic_fetch_add(&c->small, 1);    /* wraps at 256 */
        atomic_fetch_sub(&c->medium, 7);
    }
    int expected = 10;
    int swapped = atomic_compare_exchange_strong(&c->hits, &expected, 100);
    int failed = atomic_compare_exchange_strong(&c->hits, &expected, 5);
    printf("hits %d swapped %d failed %d expected now %d\n", atomic_load(&c->hits), swapped, failed, expected);
    printf("total %lld small %u medium %u\n", (long long)atomic_load(&c->total), atomic_load(&c->small), atomic_load(&c->medium));
    float r = atomic_exchange(&c->ratio, 2.5f);
    atomic_store(&c->sum, atomic_load(&c->sum) + r);
    printf("ratio %.2f sum %.2f\n", atomic_load(&c->ratio), atomic_load(&c->sum));

    for (int i = 0; i < 8; i++) {
        words[i] = i * 1000 - 3000;
        longs[i] = (int64_t)i << 40;
        bytes[i] = (uint8_t)(i * 40);
    }
    int32_t a = __atomic_fetch_nand(&words[0], 0x0f0f, __ATOMIC_SEQ_CST);
    int32_t b = __atomic_fetch_xor(&words[1], 0xffff, __ATOMIC_SEQ_CST);
    int32_t d = __atomic_fetch_or(&words[2], 0x10000, __ATOMIC_SEQ_CST);
    int32_t e = __atomic_fetch_and(&words[3], 0xff, __ATOMIC_SEQ_CST);
    int64_t f = __atomic_exchange_n(&longs[1], -1, __ATOMIC_SEQ_CST);
    int64_t g = __sync_fetch_and_add(&longs[2], 5);
    int64_t h = __sync_val_compare_and_swap(&longs[3], (int64_t)3 << 40, 77);
    uint8_t k = __atomic_fetch_add(&bytes[7], 100, __ATOMIC_SEQ_CST);
    __atomic_fetch_max(&words[4], 5000, __ATOMIC_SEQ_CST);
    __atomic_fetch_min(&words[5], -5, __ATOMIC_SEQ_CST);
    __atomic_fetch_max((__memory(3) uint32_t *)&words[6], 0x80000000u, __ATOMIC_SEQ_CST);
    __atomic_fetch_min((__memory(3) uint32_t *)&words[7], 3u, __ATOMIC_SEQ_CST);
    int32_t nd = __atomic_nand_fetch(&words[0], 0x3c, __ATOMIC_SEQ_CST);
    printf("old %d %d %d %d %lld %lld %lld %u\n", a, b, d, e, (long long)f, (long long)g, (long long)h, k);
    for (int i = 0; i < 8; i++)
        printf("%d %lld %u\n", words[i], (long long)longs[i], bytes[i]);
    printf("nand_fetch %d\n", nd);
    return 0;
}
