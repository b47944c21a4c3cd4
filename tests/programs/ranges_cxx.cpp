// mmcc-flags: -std=c++20
// C++20: std::span over ranges in memories 2 and 3, and the ranges
// algorithms on them (std::ranges::sort, find, count_if, ...), compared
// with the same code in one memory.
#include <algorithm>
#include <cstdio>
#include <mmcc.h>
#include <numeric>
#include <span>

__memory(2) int numbers[32];
__memory(3) double weights[12];

// A function over a span in memory 2 (a span is a pointer and a size, in
// memory 0, whose elements are in memory 2).
static long long checksum(std::span<__memory(2) const int> s) {
    long long h = 3;
    for (int v : s) h = h * 131 + v;
    return h;
}

int main() {
    std::span<__memory(2) int> all(numbers);
    std::span<__memory(2) int, 32> fixed(numbers);
    for (int i = 0; i < 32; i++) all[i] = (i * 37 + 11) % 29 - 9;
    std::printf("span %zu %zu %d %d %lld\n", all.size(), fixed.extent, all.front(), all.back(), checksum(all));

    std::ranges::sort(all);
    std::printf("ranges::sort %lld\n", checksum(all));
    std::ranges::sort(all.first(16), std::ranges::greater());
    std::printf("first sorted greater %lld\n", checksum(all));
    auto found = std::ranges::find(all, 7);
    std::printf("ranges::find %d count_if %d\n", (int)(found - all.begin()),
                (int)std::ranges::count_if(all, [](int v) { return v % 3 == 0; }));
    auto [lo, hi] = std::ranges::minmax(all);
    std::printf("minmax %d %d\n", lo, hi);
    std::ranges::reverse(all.subspan(4, 10));
    std::printf("reverse subspan %lld\n", checksum(all.subspan(2)));
    std::span<__memory(2) int, 4> four = all.last<4>();
    std::ranges::fill(four, 5);
    std::printf("last<4> fill %lld\n", checksum(all));
    std::ranges::rotate(all, all.begin() + 5);
    std::printf("rotate %lld\n", checksum(all));
    std::printf("is_sorted %d binary_search %d\n", std::ranges::is_sorted(all.first(3)),
                std::ranges::binary_search(all.last(8), all[28]));

    // Between memories.
    std::span<__memory(3) double> w(weights, 12);
    std::ranges::transform(all.first(12), w.begin(), [](int v) { return v * 0.5; });
    std::printf("transform %g %g\n", std::accumulate(w.begin(), w.end(), 0.0), w[11]);
    std::ranges::copy(all.last(6), all.begin());
    std::printf("copy %lld\n", checksum(all));
    return 0;
}
