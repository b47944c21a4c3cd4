/* The other translation unit of globals.c. */
#include <mmcc.h>

extern __memory(2) int zeros[1000];
__memory(4) int shared_counter;
__memory(4) const int primes[] = {2, 3, 5, 7, 11, 13};
__memory(2) int *__memory(4) lib_pointer = &zeros[5];

int bump(int by) {
    shared_counter += by;
    return shared_counter;
}
