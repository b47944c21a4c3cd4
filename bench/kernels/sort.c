/* Sort: bottom-up merge sort of 32-bit keys, merging back and forth
 * between a buffer in memory 1 and one in memory 2. Each call sorts a fresh
 * copy of the same unsorted input (memory 1). */
#include "bench.h"

#define COUNT (SCALE > 1 ? (1 << 18) : (1 << 12))
#define REPS (SCALE > 1 ? 2 : 1)

MEM(1) uint32_t sort_input[COUNT];
MEM(1) uint32_t sort_a[COUNT];
MEM(2) uint32_t sort_b[COUNT];

/* One pass: merges each pair of sorted runs of `width` keys of FROM into
 * TO. Written twice (FROM and TO are arrays, not pointers: see bench.h). */
#define MERGE_PASS(name, FROM, TO)                                             \
    HOT void name(int width) {                                                 \
        for (int left = 0; left < COUNT; left += 2 * width) {                  \
            int middle = left + width < COUNT ? left + width : COUNT;          \
            int right = left + 2 * width < COUNT ? left + 2 * width : COUNT;   \
            int i = left, j = middle, k = left;                                \
            while (i < middle && j < right) {                                  \
                uint32_t x = GET(FROM[i]), y = GET(FROM[j]);                   \
                if (y < x) {                                                   \
                    SET(TO[k++], y);                                           \
                    j++;                                                       \
                } else {                                                       \
                    SET(TO[k++], x);                                           \
                    i++;                                                       \
                }                                                              \
            }                                                                  \
            while (i < middle)                                                 \
                SET(TO[k++], GET(FROM[i++]));                                  \
            while (j < right)                                                  \
                SET(TO[k++], GET(FROM[j++]));                                  \
        }                                                                      \
    }
MERGE_PASS(kernel_sort_pass_a_to_b, sort_a, sort_b)
MERGE_PASS(kernel_sort_pass_b_to_a, sort_b, sort_a)

HOT void kernel_sort(void) {
    for (int i = 0; i < COUNT; i++)
        SET(sort_a[i], GET(sort_input[i]));
    int in_a = 1;
    for (int width = 1; width < COUNT; width *= 2) {
        if (in_a)
            kernel_sort_pass_a_to_b(width);
        else
            kernel_sort_pass_b_to_a(width);
        in_a = !in_a;
    }
    if (!in_a)
        for (int i = 0; i < COUNT; i++)
            SET(sort_a[i], GET(sort_b[i]));
}

int main(void) {
    for (int i = 0; i < COUNT; i++)
        SET(sort_input[i], bench_random());
    double elapsed = BENCH_TIME(REPS, kernel_sort());
    uint64_t sum = 0;
    for (int i = 0; i < COUNT; i++) {
        if (i > 0 && GET(sort_a[i - 1]) > GET(sort_a[i])) {
            printf("not sorted at %d\n", i);
            return 1;
        }
        sum = sum * 31 + GET(sort_a[i]);
    }
    bench_report(elapsed, sum);
    return 0;
}
