// also: parts/globals_lib.c
// Variables in memories other than 0: initialized, zero-initialized, const,
// arrays of structs, internal and external linkage, extern declarations
// used from another translation unit, function-local statics, tentative
// definitions, alignment, and initializers holding addresses across
// memories and of functions.
#include <stdio.h>
#include <stdint.h>
#include <mmcc.h>

struct item {
    int id;
    const char *name;                 /* pointer into memory 0 */
    int (*score)(int);                /* function pointer */
    __memory(3) double *weight;       /* pointer into memory 3 */
};

static int twice(int x) { return 2 * x; }
static int square(int x) { return x * x; }

__memory(3) double weights[4] = {0.5, 1.5, 2.5, 3.5};
__memory(2) struct item items[3] = {
    {1, "one", twice, &weights[0]},
    {2, "two", square, &weights[2]},
    {3, "three", twice, &weights[3]},
};
__memory(2) const char banner[] = "memory two says hi";
__memory(2) int zeros[1000];                          /* zero-initialized */
__memory(1) int tentative;                            /* tentative definition */
__memory(1) int tentative;
static __memory(1) long long hidden = -42;            /* internal linkage */
__memory(2) __attribute__((aligned(64))) char aligned_block[3] = {7, 8, 9};

/* Pointers in memory 0 to memory-N data, and the other way round. */
__memory(2) struct item *first_item = &items[0];
const char *__memory(3) greeting = "hello";          /* in memory 3: points into memory 0 */
__memory(2) int *__memory(1) into_two = &zeros[10];  /* in memory 1: points into memory 2 */

/* Defined in parts/globals_lib.c. */
extern __memory(4) int shared_counter;
extern __memory(4) const int primes[];
extern __memory(2) int *__memory(4) lib_pointer;     /* points at zeros[5] */
int bump(int by);

static int next_ticket(void) {
    static __memory(1) int ticket = 100;              /* function-local static */
    return ticket++;
}

int main(void) {
    long long total = 0;
    for (int i = 0; i < 3; i++) {
        __memory(2) struct item *it = &items[i];
        total += it->id * 1000 + it->score(it->id + 3) + (long long)(*it->weight * 10);
        printf("item %d %s score %d weight %.1f\n", it->id, it->name, it->score(it->id + 3), *it->weight);
    }
    char text[sizeof banner];
    for (unsigned i = 0; i < sizeof banner; i++)
        text[i] = banner[i];
    printf("%s (%u bytes)\n", text, (unsigned)sizeof banner);
    printf("first item %d, greeting %s\n", first_item->id, greeting);

    int nonzero = 0;
    for (int i = 0; i < 1000; i++)
        nonzero += zeros[i] != 0;
    *into_two = 5;
    *lib_pointer += 3;
    printf("zeros: %d nonzero before, zeros[10]=%d zeros[5]=%d\n", nonzero, zeros[10], zeros[5]);

    tentative = 9;
    hidden *= 2;
    printf("tentative %d hidden %lld aligned %d %d\n", tentative, hidden,
           (int)((uintptr_t)aligned_block % 64), aligned_block[1]);

    for (int i = 0; i < 4; i++)
        bump(i);
    printf("tickets %d %d, counter %d, primes %d %d\n", next_ticket(), next_ticket(), shared_counter, primes[0], primes[4]);
    printf("total %lld\n", total);
    return 0;
}
