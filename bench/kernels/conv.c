/* A 1-D convolution of 16-bit samples in memory 1 with 16-bit taps in
 * memory 0, into 32-bit sums in memory 2, accumulating in the output as
 * straightforward code does (`out[i] += in[i + j] * taps[j]`), through
 * plain pointers. Plain clang must assume that the store to out[i] may
 * change a sample or a tap, so it loads and stores out[i] on every step of
 * the inner loop and cannot vectorize it; mmcc knows the three memories are
 * disjoint, keeps the sum in a register and vectorizes the reduction. */
#include "bench.h"

#define SAMPLES (SCALE > 1 ? 65536 : 1024)
#define TAPS 32
#define REPS (SCALE > 1 ? 48 : 1)

MEM(1) int16_t samples[SAMPLES + TAPS];
MEM(2) int32_t sums[SAMPLES];
int16_t taps[TAPS];

HOT void kernel_conv(MEM(2) int32_t *out, MEM(1) int16_t *in, int16_t *w, int n, int k) {
    for (int i = 0; i < n; i++) {
        SET(out[i], 0);
        for (int j = 0; j < k; j++)
            SET(out[i], GET(out[i]) + GET(in[i + j]) * w[j]);
    }
}

int main(void) {
    for (int i = 0; i < SAMPLES + TAPS; i++)
        SET(samples[i], (int16_t)((bench_random() & 0xfff) - 0x800));
    for (int j = 0; j < TAPS; j++)
        taps[j] = (int16_t)(j * 37 % 64 - 32);
    double elapsed = BENCH_TIME(REPS, kernel_conv(sums, samples, taps, SAMPLES, TAPS));
    uint64_t sum = 0;
    for (int i = 0; i < SAMPLES; i++)
        sum = sum * 31 + (uint64_t)(uint32_t)GET(sums[i]);
    bench_report(elapsed, sum);
    return 0;
}
