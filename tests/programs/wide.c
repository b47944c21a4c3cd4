// long double (fp128 on wasm32) and __int128 in memory 2, half-width
// vectors, and _Bool.
#include <stdio.h>
#include "region.h"

int main(void) {
    REGION(2, long double, ld, 8, 64);
    REGION(2, __int128, big, 8, 256);
    REGION(3, _Bool, flags, 16, 64);
    for (int i = 0; i < 8; i++) {
        ld[i] = (long double)i / 3.0L + 1e30L;
        big[i] = ((__int128)i << 100) + (__int128)i * 0x123456789abcdefLL;
    }
    long double s = 0;
    __int128 t = 0;
    for (int i = 0; i < 8; i++) {
        s += ld[i];
        t ^= big[i] >> (i * 3);
    }
    /* wasi-libc prints long double only with -lc-printscan-long-double. */
    printf("long double %.10e %d\n", (double)s, s > 1e30L * 8);
    printf("int128 %016llx%016llx\n", (unsigned long long)(t >> 64), (unsigned long long)t);
    int count = 0;
    for (int i = 0; i < 16; i++)
        flags[i] = (i % 3) == 0;
    for (int i = 0; i < 16; i++)
        count += flags[i];
    printf("bools %d\n", count);
    return 0;
}
