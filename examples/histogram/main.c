/* histogram: a large zero-initialized buffer in its own memory.
 *
 * 16 Mi counters (64 MiB) live in memory 4. They cost no bytes in the
 * module (the memory starts zeroed) and no space in memory 0, which keeps
 * its usual small size. The program hashes a pseudo-random stream into the
 * counters and reports the fullest bucket.
 */
#include <mmcc.h>
#include <stdio.h>

#define BUCKETS (16u << 20)
__memory(4) unsigned counters[BUCKETS];

int main(void) {
    unsigned long long x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 2000000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        counters[(unsigned)(x >> 40) % BUCKETS]++;
    }
    unsigned best = 0, used = 0;
    for (unsigned b = 0; b < BUCKETS; b++) {
        used += counters[b] != 0;
        if (counters[b] > counters[best])
            best = b;
    }
    printf("%u buckets used, fullest bucket %u holds %u\n", used, best, counters[best]);
    return 0;
}
