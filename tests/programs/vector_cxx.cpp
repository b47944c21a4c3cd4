// C++: mmcc::vector<T, N> (<mmcc.h>), a growable array on memory N's heap,
// with the standard algorithms on it; compared with the same code in one
// memory (where it is an ordinary vector on the C library's heap).
#include <algorithm>
#include <cstdio>
#include <mmcc.h>
#include <numeric>

struct Sample {
    int sensor;
    double reading;
};

template <class V>
static long long digest(const V &v) {
    long long h = 5;
    for (const auto &x : v) h = h * 1000003 + (long long)(Sample(x).reading * 8) + Sample(x).sensor;
    return h;
}

int main() {
    mmcc::vector<int, 2> ints;
    for (int i = 0; i < 1000; i++) ints.push_back((i * 7919) % 1009);
    std::sort(ints.begin(), ints.end());
    long long sum = std::accumulate(ints.begin(), ints.end(), 0LL);
    std::printf("ints %zu %d %d %lld unique %d\n", ints.size(), ints.front(), ints.back(), sum,
                (int)(std::unique(ints.begin(), ints.end()) - ints.begin()));

    mmcc::vector<Sample, 3> samples;
    if (!samples.reserve(4)) return 1;
    for (int i = 0; i < 300; i++) samples.push_back(Sample{i % 7, (i * 13 % 50) * 0.25});
    std::printf("samples %zu capacity>=size %d %lld\n", samples.size(), samples.capacity() >= samples.size(),
                digest(samples));
    std::stable_sort(samples.begin(), samples.end(), [](Sample a, Sample b) { return a.reading < b.reading; });
    std::printf("stable_sort %lld\n", digest(samples));

    // Copies and moves of the vector (its elements stay in memory 3).
    mmcc::vector<Sample, 3> copy = samples;
    copy[0] = Sample{99, 1.0};
    mmcc::vector<Sample, 3> moved = static_cast<mmcc::vector<Sample, 3> &&>(copy);
    std::printf("copy %d %d moved %zu %d empty %d\n", Sample(samples[0]).sensor, Sample(moved[0]).sensor,
                moved.size(), Sample(moved.back()).sensor, copy.empty());
    moved.resize(310);
    std::printf("resize %zu %d %g\n", moved.size(), Sample(moved[305]).sensor, Sample(moved[309]).reading);
    moved.pop_back();
    moved.clear();
    std::printf("clear %zu\n", moved.size());

    // Between memories: samples' readings into memory 2.
    mmcc::vector<int, 2> scaled(samples.size());
    std::transform(samples.begin(), samples.end(), scaled.begin(), [](Sample s) { return (int)(s.reading * 4); });
    std::printf("transform %lld\n", std::accumulate(scaled.begin(), scaled.end(), 0LL));
    return 0;
}
