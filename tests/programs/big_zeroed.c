// A large zero-initialized array in its own memory costs no bytes in the
// module; writing its far end works.
#include <stdio.h>
#include <mmcc.h>

#define SIZE (64u << 20) /* 64 MiB */
__memory(5) unsigned char big[SIZE];

int main(void) {
    big[0] = 1;
    big[SIZE / 2] = 2;
    big[SIZE - 1] = 3;
    unsigned sum = 0;
    for (unsigned i = 0; i < SIZE; i += 4096)
        sum += big[i];
    printf("%d %d %d sum %u\n", big[0], big[SIZE / 2], big[SIZE - 1], sum);
    return 0;
}
