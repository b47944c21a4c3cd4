// C++: the standard algorithms on ranges in memories 2 and 3 (and between
// them and memory 0), over ints, doubles and a trivially copyable struct. Each result is printed, so
// the oracle compares every algorithm with the same code in one memory.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <iterator>
#include <mmcc.h>
#include <numeric>
#include <utility>

enum { N = 40 };

__memory(2) int ints2[N];
__memory(3) int ints3[N];
__memory(2) double doubles2[N];
__memory(3) double doubles3[N];
int ints0[N];
double doubles0[N];

// A trivially copyable number type: the algorithms on it use its member
// operators, which run on copies for elements in memory N.
struct Num {
    long long v;
    Num() = default;
    constexpr Num(long long x) : v(x) {}
    Num operator+(const Num &o) const { return Num(v + o.v); }
    Num operator-(const Num &o) const { return Num(v - o.v); }
    Num operator*(const Num &o) const { return Num(v * o.v); }
    Num operator/(const Num &o) const { return Num(v / o.v); }
    bool operator<(const Num &o) const { return v < o.v; }
    bool operator>(const Num &o) const { return v > o.v; }
    bool operator==(const Num &o) const { return v == o.v; }
    bool operator!=(const Num &o) const { return v != o.v; }
    Num &operator++() {
        ++v;
        return *this;
    }
    explicit operator long long() const { return v; }
};
__memory(2) Num nums2[N];
__memory(3) Num nums3[N];
Num nums0[N];

static unsigned seed = 12345;
static int next_value() {
    seed = seed * 1103515245u + 12345u;
    return (int)((seed >> 16) % 61) - 20;
}

// Values as integers for printing: doubles are multiples of 0.5.
static long long as_int(int v) { return v; }
static long long as_int(double v) { return (long long)(v * 2); }
static long long as_int(Num v) { return v.v; }

// A checksum that depends on the order of the elements.
template <class P>
static long long digest(P p, int n) {
    long long h = 17;
    for (int i = 0; i < n; i++) h = h * 31 + as_int(p[i]);
    return h;
}

template <class T, class P2, class P3>
static void fill_random(P2 a, P3 b, T *c) {
    for (int i = 0; i < N; i++) {
        a[i] = (T)next_value() / (T)(sizeof(T) == sizeof(double) ? 2 : 1);
        b[i] = (T)next_value();
        c[i] = (T)next_value();
    }
}

template <class T, class P2, class P3>
static void exercise(const char *name, P2 a, P3 b, T *c) {
    fill_random<T>(a, b, c);
    std::printf("%s: start %lld %lld\n", name, digest(a, N), digest(b, N));

    // Sorting and partitioning in one memory.
    std::sort(a, a + N);
    std::printf("sort %lld\n", digest(a, N));
    std::sort(b, b + N, std::greater<>());
    std::printf("sort greater %lld\n", digest(b, N));
    fill_random<T>(a, b, c);
    std::stable_sort(a, a + N, [](const auto &x, const auto &y) { return as_int(x) / 4 < as_int(y) / 4; });
    std::printf("stable_sort %lld\n", digest(a, N));
    std::partial_sort(b, b + 7, b + N);
    std::printf("partial_sort %lld\n", digest(b, 7));
    fill_random<T>(a, b, c);
    std::nth_element(a, a + 13, a + N);
    std::printf("nth_element %lld\n", as_int(a[13]));

    // Copies within a memory, between memories and with memory 0.
    std::copy(a, a + N, b);
    std::printf("copy 2->3 %lld\n", digest(b, N));
    std::copy(b + 5, b + 25, c);
    std::printf("copy 3->0 %lld\n", digest(c, 20));
    std::copy(c, c + 10, a + 30);
    std::printf("copy 0->2 %lld\n", digest(a, N));
    std::copy_backward(a, a + 30, a + 35);
    std::printf("copy_backward %lld\n", digest(a, N));
    std::move(b, b + 20, a + 10);
    std::printf("move %lld\n", digest(a, N));
    std::fill(b + 3, b + 17, (T)9);
    std::printf("fill %lld\n", digest(b, N));
    std::swap_ranges(a, a + 12, b + 20);
    std::printf("swap_ranges %lld %lld\n", digest(a, N), digest(b, N));
    std::swap_ranges(a + 12, a + 20, c);
    std::printf("swap_ranges 0 %lld %lld\n", digest(a, N), digest(c, N));
    std::swap(a[0], a[1]);
    std::swap(a[2], b[2]);
    std::swap(c[3], a[3]);
    std::printf("swap %lld %lld %lld\n", digest(a, 4), digest(b, 4), digest(c, 4));

    // Searching and counting.
    fill_random<T>(a, b, c);
    std::printf("find %d %d\n", (int)(std::find(a, a + N, a[17]) - a), (int)(std::find(a, a + N, (T)1000) - a));
    std::printf("find_if %d\n", (int)(std::find_if(b, b + N, [](T x) { return x > 30; }) - b));
    std::printf("count %d count_if %d\n", (int)std::count(a, a + N, a[3]),
                (int)std::count_if(b, b + N, [](T x) { return x < 0; }));
    std::printf("all_of %d any_of %d none_of %d\n", std::all_of(a, a + N, [](T x) { return x > -100; }),
                std::any_of(a, a + N, [](T x) { return x == 7; }), std::none_of(b, b + N, [](T x) { return x > 40; }));
    std::printf("min_element %d max_element %d\n", (int)(std::min_element(a, a + N) - a),
                (int)(std::max_element(b, b + N) - b));

    // Numeric.
    std::printf("accumulate %lld\n", as_int(std::accumulate(a, a + N, (T)0)));
    std::printf("inner_product %lld %lld\n", as_int(std::inner_product(a, a + N, b, (T)0)),
                as_int(std::inner_product(a, a + N, c, (T)0)));
    std::iota(b, b + N, (T)-5);
    std::printf("iota %lld\n", digest(b, N));
    std::transform(a, a + N, b, a, [](T x, T y) { return x * 2 - y; });
    std::printf("transform %lld\n", digest(a, N));
    std::transform(b, b + N, c, [](T x) { return x + 1; });
    std::printf("transform 3->0 %lld\n", digest(c, N));
    T total = 0;
    std::for_each(a, a + N, [&](T x) { total = total + x; });
    std::for_each(b, b + N, [](auto &x) { x = x * (T)3; });
    std::printf("for_each %lld %lld\n", as_int(total), digest(b, N));

    // Reordering.
    std::reverse(a, a + N);
    std::printf("reverse %lld\n", digest(a, N));
    std::rotate(a, a + 11, a + N);
    std::printf("rotate %lld\n", digest(a, N));
    std::sort(a, a + N);
    T *unused = nullptr;
    (void)unused;
    int kept = (int)(std::unique(a, a + N) - a);
    std::printf("unique %d %lld\n", kept, digest(a, kept));

    // Binary searches on a sorted range.
    std::sort(b, b + N);
    T key = b[21];
    std::printf("lower_bound %d upper_bound %d\n", (int)(std::lower_bound(b, b + N, key) - b),
                (int)(std::upper_bound(b, b + N, key) - b));
    auto range = std::equal_range(b, b + N, key);
    std::printf("equal_range %d %d\n", (int)(range.first - b), (int)(range.second - b));
    std::printf("binary_search %d %d\n", std::binary_search(b, b + N, key), std::binary_search(b, b + N, (T)1001));

    // Comparisons within and across memories.
    std::copy(b, b + N, a);
    std::copy(b, b + N, c);
    std::printf("equal %d %d", std::equal(a, a + N, b), std::equal(a, a + N, c));
    a[30] = a[30] + (T)1;
    std::printf(" %d %d\n", std::equal(a, a + N, b), std::equal(c, c + N, a));
    std::printf("lexicographical_compare %d %d %d\n", std::lexicographical_compare(a, a + N, b, b + N),
                std::lexicographical_compare(b, b + N, a, a + N), std::lexicographical_compare(c, c + N, a, a + 5));
    auto mm = std::mismatch(a, a + N, b);
    std::printf("mismatch %d\n", (int)(mm.first - a));
}

int main() {
    exercise<int>("int", ints2, ints3, ints0);
    exercise<double>("double", doubles2, doubles3, doubles0);
    exercise<Num>("struct", nums2, nums3, nums0);

    // Bytes: std::find, std::equal and std::lexicographical_compare take
    // libc++'s memchr/memcmp paths for these.
    static __memory(2) unsigned char bytes2[64];
    static __memory(3) unsigned char bytes3[64];
    for (int i = 0; i < 64; i++) bytes2[i] = bytes3[i] = (unsigned char)(i * 37);
    bytes3[50] = 1;
    std::printf("bytes find %d equal %d %d lexicographical_compare %d %d\n",
                (int)(std::find(bytes2, bytes2 + 64, (unsigned char)(20 * 37)) - bytes2),
                std::equal(bytes2, bytes2 + 50, bytes3), std::equal(bytes2, bytes2 + 64, bytes3),
                std::lexicographical_compare(bytes2, bytes2 + 64, bytes3, bytes3 + 64),
                std::lexicographical_compare(bytes3, bytes3 + 64, bytes2, bytes2 + 64));
    return 0;
}
