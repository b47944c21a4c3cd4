// wasm_memory arrays: global arrays that are memories of their own, indexed
// like any array. Under the oracle (plain clang) they are ordinary arrays.
#include <mmcc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct particle {
    int16_t x, y;
    float mass;
    uint8_t tag[3];
};

// Zero-initialized: no bytes in the module. (`used` must not break it.)
__attribute__((used)) __wasm_memory uint32_t counters[4096];
// Initialized, with structs.
__wasm_memory struct particle particles[256] = {
    {1, 2, 1.5f, {'a', 'b', 'c'}},
    {-3, 4, 2.25f, {'x', 'y', 'z'}},
};
// Two dimensions.
__wasm_memory int16_t grid[64][64];
// A lookup table that is only read.
__wasm_memory const uint8_t squares[16] = {0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144, 169, 196, 225};
// A memory of this file only, bigger than a page.
static __wasm_memory uint64_t wide[10000];
// 64-bit and float elements, compound assignments.
__wasm_memory __wasm_memory_pages(1, 4) double samples[512];

static uint32_t rng = 12345;
static uint32_t next(void) {
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static void touch_counters(int n) {
    for (int i = 0; i < n; i++) {
        uint32_t k = next() % 4096;
        counters[k] += 1;
        counters[(k + 1) & 4095] ^= k;
        counters[k] <<= 1;
    }
}

static void move_particles(void) {
    for (int i = 2; i < 256; i++) {
        particles[i].x = (int16_t)(particles[i - 1].x + particles[i - 2].y);
        particles[i].y = (int16_t)(particles[i - 1].y - i);
        particles[i].mass = particles[i - 1].mass * 0.5f + (float)i;
        particles[i].tag[i % 3] = (uint8_t)('a' + i % 26);
    }
    // Whole-struct copies within the memory and out of it.
    particles[200] = particles[1];
    struct particle local = particles[0];
    local.mass *= 3;
    particles[201] = local;
}

int main(void) {
    touch_counters(20000);
    uint64_t sum = 0;
    for (int i = 0; i < 4096; i++)
        sum = sum * 33 + counters[i];
    printf("counters: %llu\n", (unsigned long long)sum);

    move_particles();
    double m = 0;
    long xy = 0;
    for (int i = 0; i < 256; i++) {
        m += particles[i].mass;
        xy += particles[i].x * 3 + particles[i].y + particles[i].tag[0] + particles[i].tag[2];
    }
    printf("particles: %.3f %ld %d %d %c%c%c\n", m, xy, particles[200].x, particles[201].y,
           particles[201].tag[0], particles[201].tag[1], particles[201].tag[2]);

    for (int r = 0; r < 64; r++)
        for (int c = 0; c < 64; c++)
            grid[r][c] = (int16_t)(r * 64 - c);
    long g = 0;
    for (int r = 1; r < 63; r++)
        for (int c = 1; c < 63; c++)
            g += grid[r - 1][c] + grid[r + 1][c] - 2 * grid[r][c - 1] + *(grid[r] + c + 1);
    printf("grid: %ld\n", g);

    unsigned sq = 0;
    for (int i = 0; i < 1000; i++)
        sq += squares[next() % 16];
    printf("squares: %u %u\n", sq, (unsigned)sizeof squares);

    for (int i = 0; i < 10000; i++)
        wide[i] = (uint64_t)i * 0x9E3779B97F4A7C15ull;
    uint64_t w = 0;
    for (int i = 0; i < 10000; i += 7)
        w ^= wide[i] >> (i % 13);
    printf("wide: %llx pages %lu length %lu\n", (unsigned long long)w, mm_array_pages(wide), mm_array_length(wide));

    for (int i = 0; i < 512; i++)
        samples[i] = i * 0.25;
    for (int i = 1; i < 512; i++)
        samples[i] += samples[i - 1] / 2;
    printf("samples: %.4f %lu\n", samples[511], (unsigned long)(sizeof samples / sizeof samples[0]));
    return 0;
}
