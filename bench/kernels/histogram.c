/* Histogram: counts of every 16-bit value (two adjacent bytes) of a byte
 * stream in memory 1, into a table of 65536 counters in memory 2. The
 * stream is skewed (most values come from a small set), like real data. */
#include "bench.h"

#define BYTES (SCALE > 1 ? (4 << 20) : (64 << 10))
#define REPS (SCALE > 1 ? 16 : 1)

MEM(1) uint8_t hist_data[BYTES];
MEM(2) uint32_t hist_counts[65536];

HOT void kernel_histogram(void) {
    for (int k = 0; k < 65536; k++)
        SET(hist_counts[k], 0);
    uint32_t previous = GET(hist_data[0]);
    for (int i = 1; i < BYTES; i++) {
        uint32_t byte = GET(hist_data[i]);
        uint32_t key = previous << 8 | byte;
        SET(hist_counts[key], GET(hist_counts[key]) + 1);
        previous = byte;
    }
}

int main(void) {
    for (int i = 0; i < BYTES; i++) {
        uint32_t r = bench_random();
        SET(hist_data[i], (uint8_t)(r % 8 < 6 ? 'a' + (r >> 8) % 26 : r >> 16));
    }
    double elapsed = BENCH_TIME(REPS, kernel_histogram());
    uint64_t sum = 0;
    for (int k = 0; k < 65536; k++)
        sum = sum * 31 + GET(hist_counts[k]);
    bench_report(elapsed, sum);
    return 0;
}
