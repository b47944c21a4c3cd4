// C++ variables in memory N: namespace scope, class static members, inline
// variables (COMDAT), templates' static members, constexpr tables.
#include <cstdio>
#include <mmcc.h>

namespace stats {
__memory(2) long long samples[64];
__memory(2) int count;
}

struct Registry {
    static __memory(3) int slots[16];
    static void put(int i, int v) { slots[i % 16] += v; }
};
__memory(3) int Registry::slots[16];

inline __memory(1) int shared_inline = 7;

template <typename T>
struct Pool {
    static __memory(2) T items[8];
};
template <typename T>
__memory(2) T Pool<T>::items[8];

constexpr int squares_init(int i) { return i * i; }
__memory(1) const int squares[6] = {squares_init(0), squares_init(1), squares_init(2), squares_init(3), squares_init(4), squares_init(5)};

int main() {
    for (int i = 0; i < 64; i++) {
        stats::samples[i] = i * 1000003LL;
        stats::count++;
        Registry::put(i, i);
    }
    Pool<double>::items[3] = 2.5;
    Pool<int>::items[3] = 9;
    shared_inline += squares[5];
    long long total = 0;
    for (int i = 0; i < stats::count; i++) total += stats::samples[i];
    std::printf("count %d total %lld slot5 %d inline %d pools %.1f %d\n", stats::count, total,
                Registry::slots[5], shared_inline, Pool<double>::items[3], Pool<int>::items[3]);
    return 0;
}
