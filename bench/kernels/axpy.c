/* y += a * x over the rows of two float matrices, x in memory 1 and y in
 * memory 2, through plain pointers (no `restrict`): a BLAS level-1 kernel
 * called on short vectors. Plain clang cannot know that y and x do not
 * overlap, so it vectorizes behind a runtime check on every call (and
 * without SIMD interleaves behind one); mmcc knows that memory 1 and
 * memory 2 are disjoint and needs no check. */
#include "bench.h"

#define ROWS (SCALE > 1 ? 256 : 16)
#define COLS 96
#define REPS (SCALE > 1 ? 6000 : 2)

MEM(1) float xs[ROWS * COLS];
MEM(2) float ys[ROWS * COLS];

HOT void kernel_axpy(MEM(2) float *y, MEM(1) float *x, float a, int n) {
    for (int i = 0; i < n; i++)
        SET(y[i], GET(y[i]) + a * GET(x[i]));
}

static void sweep(void) {
    for (int r = 0; r < ROWS; r++)
        kernel_axpy(&ys[r * COLS], &xs[r * COLS], r & 1 ? 0.5f : -0.25f, COLS);
}

int main(void) {
    for (int i = 0; i < ROWS * COLS; i++) {
        SET(xs[i], (float)(i % 23) - 11.0f);
        SET(ys[i], (float)(i % 7));
    }
    double elapsed = BENCH_TIME(REPS, sweep());
    uint64_t sum = 0;
    for (int i = 0; i < ROWS * COLS; i++)
        sum = sum * 31 + (uint64_t)(int64_t)GET(ys[i]);
    bench_report(elapsed, sum);
    return 0;
}
