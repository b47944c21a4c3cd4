/* Stores through memory-2 and memory-3 pointers. The qualifier is spelled
 * out (not <mmcc.h>), so stock clang compiles this file unchanged: it is the
 * program that shows stock clang + wasm-ld silently writing memory 0. */
#include <stdio.h>

#define MEM2 __attribute__((address_space(2)))
#define MEM3 __attribute__((address_space(3)))

__attribute__((noinline)) void fill(MEM2 unsigned char *p, int n, unsigned char seed) {
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(seed ^ i);
}

__attribute__((noinline)) void fill_words(MEM3 unsigned int *p, int n) {
    for (int i = 0; i < n; i++)
        p[i] = 0xC0DE0000u + (unsigned)i;
}

int main(void) {
    fill((MEM2 unsigned char *)64, 256, 0xA5);
    fill_words((MEM3 unsigned int *)512, 64);
    unsigned sum = 0;
    for (int i = 0; i < 256; i++)
        sum += ((MEM2 unsigned char *)64)[i];
    printf("sum %u\n", sum);
    return 0;
}
