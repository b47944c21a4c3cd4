/* Gather and scatter through an index array: dst[i] = table[idx[i]] * gain
 * + bias, then back with dst2[idx[i]] = src[i] * gain, where the table,
 * indices and sources are in memory 1, the results in memory 2 and the
 * parameters (gain, bias, mask) in a struct in memory 0, all through plain
 * pointers. Plain clang must assume that each store may change the
 * parameters and reloads them on every element; mmcc knows memory 2 is not
 * memory 0 and keeps them in registers. */
#include "bench.h"

#define ELEMENTS (SCALE > 1 ? 262144 : 4096)
#define TABLE 4096
#define REPS (SCALE > 1 ? 96 : 1)

struct params {
    float gain, bias;
    uint32_t mask;
};

MEM(1) float table[TABLE];
MEM(1) uint32_t indices[ELEMENTS];
MEM(2) float gathered[ELEMENTS];
MEM(2) float scattered[ELEMENTS];
struct params params = {1.5f, -2.0f, TABLE - 1};

HOT void kernel_gather(MEM(2) float *dst, MEM(1) uint32_t *idx, MEM(1) float *t, struct params *p, int n) {
    for (int i = 0; i < n; i++)
        SET(dst[i], GET(t[GET(idx[i]) & p->mask]) * p->gain + p->bias);
}

HOT void kernel_scatter(MEM(2) float *dst, MEM(1) uint32_t *idx, MEM(2) float *src, struct params *p, int n) {
    for (int i = 0; i < n; i++)
        SET(dst[GET(idx[i]) % (uint32_t)n], GET(src[i]) * p->gain - p->bias);
}

static void both(void) {
    kernel_gather(gathered, indices, table, &params, ELEMENTS);
    kernel_scatter(scattered, indices, gathered, &params, ELEMENTS);
}

int main(void) {
    for (int i = 0; i < TABLE; i++)
        SET(table[i], (float)(i % 101) * 0.25f);
    for (int i = 0; i < ELEMENTS; i++)
        SET(indices[i], bench_random());
    double elapsed = BENCH_TIME(REPS, both());
    uint64_t sum = 0;
    for (int i = 0; i < ELEMENTS; i++)
        sum = sum * 31 + (uint64_t)(int64_t)GET(scattered[i]);
    bench_report(elapsed, sum);
    return 0;
}
