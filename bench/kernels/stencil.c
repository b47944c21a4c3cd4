/* A 2-D five-point stencil (Jacobi iterations) between two grids, one in
 * memory 1 and one in memory 2. */
#include "bench.h"

#define W (SCALE > 1 ? 512 : 64)
#define STEPS (SCALE > 1 ? 100 : 4)

__memory(1) int grid1[W][W];
__memory(2) int grid2[W][W];

int main(void) {
    for (int i = 0; i < W; i++)
        for (int j = 0; j < W; j++)
            grid1[i][j] = grid2[i][j] = (i * 131 + j * 71) % 1000;
    double start = bench_now_ns();
    for (int step = 0; step < STEPS; step++) {
        for (int i = 1; i < W - 1; i++)
            for (int j = 1; j < W - 1; j++)
                grid2[i][j] = (grid1[i - 1][j] + grid1[i + 1][j] + grid1[i][j - 1] + grid1[i][j + 1] + 4 * grid1[i][j]) >> 3;
        for (int i = 1; i < W - 1; i++)
            for (int j = 1; j < W - 1; j++)
                grid1[i][j] = (grid2[i - 1][j] + grid2[i + 1][j] + grid2[i][j - 1] + grid2[i][j + 1] + 4 * grid2[i][j]) >> 3;
    }
    uint64_t sum = 0;
    for (int i = 0; i < W; i++)
        for (int j = 0; j < W; j++)
            sum = sum * 31 + (uint64_t)grid1[i][j];
    bench_report(start, sum);
    return 0;
}
