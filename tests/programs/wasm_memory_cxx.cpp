// wasm_memory arrays in C++: in a namespace, indexed in a lambda that a
// template calls, the size helpers, and arrays of classes (no initializer:
// zeroed without a constructor call; '= {}': default member initializers),
// whose whole elements are copied in, out and between arrays.
#include <mmcc.h>
#include <cstdint>
#include <cstdio>

namespace lib {
__wasm_memory std::uint32_t table[70000];  // 280000 bytes: 5 pages
__wasm_memory const std::int16_t deltas[8] = {1, -2, 3, -4, 5, -6, 7, -8};
}

struct Particle {
    float x, y;
    std::int32_t hits;
};
struct Counter {
    std::uint32_t value = 100;
    std::uint16_t step = 3;
};
__wasm_memory Particle particles[512];
__wasm_memory Counter counters[64] = {};
__wasm_memory Particle snapshot[512];

template <typename F>
std::uint64_t fold(unsigned n, F f) {
    std::uint64_t acc = 0;
    for (unsigned i = 0; i < n; i++)
        acc = acc * 31 + f(i);
    return acc;
}

int main() {
    for (unsigned i = 0; i < 70000; i++)
        lib::table[i] = i * 2654435761u;
    auto h = fold(70000, [](unsigned i) { return lib::table[i] >> 7; });
    long d = 0;
    for (int i = 0; i < 1000; i++)
        d += lib::deltas[i & 7] * i;
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 512; i++) {
            particles[i].x += 0.5f * i;
            particles[i].y = particles[i].x - round;
            particles[(i * 7) & 511].hits += i & 3;
            counters[i & 63].value += counters[i & 63].step;
        }
    long long sum = 0;
    for (int i = 0; i < 512; i++)
        sum += (long long)particles[i].y + particles[i].hits;
    // Whole elements: out into memory 0, back in, and between two arrays.
    Particle first = particles[1];
    first.hits += 1000;
    particles[0] = first;
    for (int i = 0; i < 512; i++)
        snapshot[511 - i] = particles[i];
    Counter c = counters[5];
    counters[6] = c;
    std::printf("elements %d %d %g %u\n", particles[0].hits, snapshot[511].hits, (double)snapshot[0].x, counters[6].value);
    std::printf("particles %lld counters %u %u\n", sum, counters[0].value, counters[63].value);
    std::printf("%llu %ld pages %lu length %lu\n", (unsigned long long)h, d, mm_array_pages(lib::table),
                mm_array_length(lib::table));
    return 0;
}
