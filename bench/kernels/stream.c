/* Streaming copies between memories: 4 KiB blocks gathered from memory 1
 * into memory 2 in a shuffled order, then back, each block stamped with a
 * header of counters on the way (memcpy-heavy, like a message pipeline
 * between a producer's and a consumer's memory). */
#include "bench.h"

#define BLOCKS (SCALE > 1 ? 1024 : 32)
#define REPS (SCALE > 1 ? 128 : 1)

struct block {
    uint32_t sequence, checksum;
    uint8_t payload[4088];
};

MEM(1) struct block stream_in[BLOCKS];
MEM(2) struct block stream_out[BLOCKS];
static uint32_t stream_round;

HOT void kernel_stream(void) {
    uint32_t r = ++stream_round;
    for (int i = 0; i < BLOCKS; i++) {
        int from = (int)(((uint32_t)i * 337u + r) % BLOCKS);
        COPY(2, stream_out[i], 1, stream_in[from]);
        SET(stream_out[i].sequence, r);
        SET(stream_out[i].checksum, GET(stream_out[i].checksum) + GET(stream_out[i].payload[i % 4088]));
    }
    for (int i = 0; i < BLOCKS; i++) {
        int from = (int)(((uint32_t)i * 613u + r) % BLOCKS);
        COPY(1, stream_in[i], 2, stream_out[from]);
    }
}

int main(void) {
    for (int b = 0; b < BLOCKS; b++) {
        SET(stream_in[b].sequence, 0);
        SET(stream_in[b].checksum, (uint32_t)b);
        for (int k = 0; k < 4088; k++)
            SET(stream_in[b].payload[k], (uint8_t)bench_random());
    }
    double elapsed = BENCH_TIME(REPS, kernel_stream());
    uint64_t sum = 0;
    for (int b = 0; b < BLOCKS; b++)
        sum = sum * 31 + GET(stream_in[b].checksum) + GET(stream_in[b].payload[b]);
    bench_report(elapsed, sum);
    return 0;
}
