/* Prints where its memory-N variables are; the host checks that each
 * memory holds the variable's initial bytes there (tests/placement.rs). */
#include <stdio.h>
#include <stdint.h>
#include <mmcc.h>

__memory(2) const char banner[] = "memory two says hi";
__memory(3) int numbers[4] = {0x11111111, 0x22222222, 0x33333333, 0x44444444};
__memory(2) __attribute__((aligned(256))) char aligned_block[4] = {1, 2, 3, 4};
__memory(3) int *__memory(2) pointer_into_three = &numbers[2];
const char plain[] = "memory zero";

int main(void) {
    printf("banner %lu\n", (unsigned long)(uintptr_t)banner);
    printf("numbers %lu\n", (unsigned long)(uintptr_t)numbers);
    printf("aligned_block %lu\n", (unsigned long)(uintptr_t)aligned_block);
    printf("pointer_into_three %lu\n", (unsigned long)(uintptr_t)&pointer_into_three);
    printf("plain %lu\n", (unsigned long)(uintptr_t)plain);
    return 0;
}
