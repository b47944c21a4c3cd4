/* Dense matrix multiply: C = A x B, float, N x N; the inputs in memory 1,
 * the result in memory 2 (i-k-j order). */
#include "bench.h"

#define N (SCALE > 1 ? 256 : 48)
#define REPS (SCALE > 1 ? 8 : 1)

MEM(1) float ma[N][N];
MEM(1) float mb[N][N];
MEM(2) float mc[N][N];

HOT void kernel_matmul(void) {
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++)
            SET(mc[i][j], 0.0f);
        for (int k = 0; k < N; k++) {
            float aik = GET(ma[i][k]);
            for (int j = 0; j < N; j++)
                SET(mc[i][j], GET(mc[i][j]) + aik * GET(mb[k][j]));
        }
    }
}

int main(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            SET(ma[i][j], (float)((i * 7 + j * 3) % 17) - 8.0f);
            SET(mb[i][j], (float)((i * 5 + j * 11) % 13) - 6.0f);
        }
    double elapsed = BENCH_TIME(REPS, kernel_matmul());
    uint64_t sum = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            sum = sum * 31 + (uint64_t)(int64_t)GET(mc[i][j]);
    bench_report(elapsed, sum);
    return 0;
}
