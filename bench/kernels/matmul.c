/* Dense matrix multiply: C = A x B, float, N x N, the inputs in memory 1,
 * the result in memory 2 (i-k-j order, the inner loop vectorizable). */
#include "bench.h"

#define N (SCALE > 1 ? 256 : 64)

__memory(1) float a[N][N], b[N][N];
__memory(2) float c[N][N];

int main(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (float)((i * 7 + j * 3) % 17) - 8.0f;
            b[i][j] = (float)((i * 5 + j * 11) % 13) - 6.0f;
        }
    double start = bench_now_ns();
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++)
            c[i][j] = 0.0f;
        for (int k = 0; k < N; k++) {
            float aik = a[i][k];
            for (int j = 0; j < N; j++)
                c[i][j] += aik * b[k][j];
        }
    }
    uint64_t sum = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            sum = sum * 31 + (uint64_t)(int64_t)c[i][j];
    bench_report(start, sum);
    return 0;
}
