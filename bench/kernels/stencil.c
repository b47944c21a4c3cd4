/* A 2-D five-point stencil (Jacobi iterations) between two grids, one in
 * memory 1 and one in memory 2: each call is a sweep from the first grid
 * into the second and one back. */
#include "bench.h"

#define W (SCALE > 1 ? 512 : 64)
#define REPS (SCALE > 1 ? 80 : 1)

/* bench/run.py's V8 investigation builds one variant with the second grid
 * moved up by BENCH_STAGGER bytes in its memory. */
#ifdef BENCH_STAGGER
MEM(1) int32_t grid1[W][W];
MEM(2) struct { uint8_t pad[BENCH_STAGGER]; int32_t g[W][W]; } grid2_staggered;
#define grid2 grid2_staggered.g
#else
MEM(1) int32_t grid1[W][W];
MEM(2) int32_t grid2[W][W];
#endif

HOT void kernel_stencil(void) {
    for (int i = 1; i < W - 1; i++)
        for (int j = 1; j < W - 1; j++)
            SET(grid2[i][j], (GET(grid1[i - 1][j]) + GET(grid1[i + 1][j]) + GET(grid1[i][j - 1]) +
                              GET(grid1[i][j + 1]) + 4 * GET(grid1[i][j])) >> 3);
    for (int i = 1; i < W - 1; i++)
        for (int j = 1; j < W - 1; j++)
            SET(grid1[i][j], (GET(grid2[i - 1][j]) + GET(grid2[i + 1][j]) + GET(grid2[i][j - 1]) +
                              GET(grid2[i][j + 1]) + 4 * GET(grid2[i][j])) >> 3);
}

int main(void) {
    for (int i = 0; i < W; i++)
        for (int j = 0; j < W; j++) {
            SET(grid1[i][j], (i * 131 + j * 71) % 1000);
            SET(grid2[i][j], (i * 131 + j * 71) % 1000);
        }
    double elapsed = BENCH_TIME(REPS, kernel_stencil());
    uint64_t sum = 0;
    for (int i = 0; i < W; i++)
        for (int j = 0; j < W; j++)
            sum = sum * 31 + (uint64_t)GET(grid1[i][j]);
    bench_report(elapsed, sum);
    return 0;
}
