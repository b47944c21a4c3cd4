// mmcc-flags: -std=c++23
// C++: objects of trivially copyable classes in memories 2 and 3:
// zero- and aggregate-initialized globals, copies in and out and between
// memories, references and pointers into memory N, arguments and results
// by value, member functions with an explicit object parameter, templates
// deduced over the memory, and the standard algorithms on ranges of
// structs.
#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <mmcc.h>
#include <numeric>

struct Point {
    int x, y;
    Point() = default;
    constexpr Point(int x, int y) : x(x), y(y) {}
    // Generic over the object's memory: `self` is a reference into it.
    int norm1(this const auto &self) { return (self.x < 0 ? -self.x : self.x) + (self.y < 0 ? -self.y : self.y); }
    void move_by(this auto &self, int dx, int dy) {
        self.x += dx;
        self.y += dy;
    }
};

struct Record {
    int key;
    double weight;
    char name[6];
    Point where;
};

// Member operators and const member functions: on memory-N objects they
// run on copies in memory 0 (so std::sort's default comparison works).
struct Entry {
    int key;
    int value;
    bool operator<(const Entry &other) const { return key < other.key; }
    bool operator==(const Entry &other) const { return key == other.key && value == other.value; }
    int weighted(int k) const { return key * k + value; }
    Entry doubled() const { return Entry{key * 2, value * 2}; }
};
__memory(2) Entry entries[10];

union Bits {
    unsigned u;
    float f;
    unsigned char bytes[4];
};

__memory(2) Point zeroed[8];
// Point's constructor runs in memory 0 and each element is copied in.
__memory(2) Point initialized[3] = {{1, 2}, {-3, 4}, {5, -6}};
__memory(3) Record records[24];
__memory(3) Bits bits[2] = {{0x3f800000u}};
__memory(2) std::array<int, 5> small = {{5, 4, 3, 2, 1}};
__memory(3) Point single(7, 8);

// Constructors that run at startup (not constant), a default constructor
// the user wrote, and an explicit one.
static int started = 0;
struct Tally {
    int count;
    long long total;
    Tally() : count(-1), total(started++) {}
    Tally(int c, long long t) : count(c), total(t + started++) {}
    explicit Tally(long long t) : count(1), total(t) {}
};
__memory(2) Tally tallies[3] = {{4, 40}};
__memory(3) Tally lone(77LL);
__memory(3) Tally pair_of(2, 22);

static Point mirrored(Point p) { return Point(p.y, p.x); }
static int area(Point a, Point b) { return (b.x - a.x) * (b.y - a.y); }

// The memory is deduced from the argument (the default only serves the
// build in one memory, where __memory(N) is nothing).
template <int N = 0>
static long long sum_keys(const __memory(N) Record *r, int n) {
    long long s = 0;
    for (int i = 0; i < n; i++) s += r[i].key;
    return s;
}

// A view of a range in memory N, with the memory as a template argument.
template <class T, int N>
struct MemorySpan {
    __memory(N) T *data;
    int size;
    __memory(N) T &operator[](int i) const { return data[i]; }
    __memory(N) T *begin() const { return data; }
    __memory(N) T *end() const { return data + size; }
};

static unsigned seed = 99;
static int next_value(int range) {
    seed = seed * 1103515245u + 12345u;
    return (int)((seed >> 16) % (unsigned)range);
}

static long long digest(const MemorySpan<Record, 3> &s) {
    long long h = 7;
    for (const auto &r : s) h = h * 131 + r.key * 3 + (long long)(r.weight * 4) + r.name[0] + r.where.x;
    return h;
}

int main() {
    // Zero- and aggregate-initialized globals.
    std::printf("zeroed %d %d initialized %d %d %d single %d %d\n", zeroed[5].x, zeroed[7].y, initialized[0].x,
                initialized[1].y, initialized[2].norm1(), single.x, single.y);
    std::array<int, 5> numbers = small;
    std::printf("tallies %d %lld %d %lld %d %lld lone %d %lld pair %d %lld\n", tallies[0].count, tallies[0].total,
                tallies[1].count, tallies[1].total, tallies[2].count, tallies[2].total, lone.count, lone.total,
                pair_of.count, pair_of.total);
    tallies[1] = Tally(5, 50);
    std::printf("tally %d %lld\n", tallies[1].count, tallies[1].total);
    std::printf("bits %u %g array %d %d\n", bits[0].u, (double)bits[0].f, numbers[0], numbers[4]);

    // Copies in, out and between memories.
    Point p = initialized[1];
    zeroed[0] = p;
    zeroed[1] = initialized[2];
    single = zeroed[1];
    Point q;
    q = single;
    records[0].where = initialized[0];
    std::printf("copies %d %d %d %d %d %d\n", p.x, zeroed[0].y, zeroed[1].x, single.y, q.x, records[0].where.y);

    // References and pointers into memory 2.
    __memory(2) Point &r = zeroed[2];
    r.x = 11;
    r.move_by(1, 2);
    __memory(2) Point *ptr = &zeroed[3];
    *ptr = r;
    ptr->move_by(-20, 0);
    std::printf("references %d %d %d %d %d\n", r.x, r.y, ptr->x, ptr->norm1(), zeroed[3].y);

    // By value: arguments, results, a memory-N object from a temporary.
    zeroed[4] = mirrored(initialized[2]);
    zeroed[5] = Point(40, 50);
    std::printf("by value %d %d %d %d\n", zeroed[4].x, zeroed[4].y, area(initialized[0], zeroed[5]),
                mirrored(single).norm1());

    // Constructed in place with std::construct_at, destroyed with
    // std::destroy_at / destroy (placement new cannot take a memory-N
    // address).
    __memory(2) Point *built = std::construct_at(&zeroed[6], 61, 62);
    std::construct_at(&tallies[2], 9, 90);
    std::destroy_at(&zeroed[6]);
    std::destroy(zeroed, zeroed + 2);
    std::destroy_n(tallies, 1);
    std::printf("construct_at %d %d %d %lld\n", built->x, zeroed[6].y, tallies[2].count, tallies[2].total);

    // Unions and arrays inside classes.
    Bits b = bits[0];
    b.bytes[0] = 1;
    bits[1] = b;
    small = std::array<int, 5>{{10, 20, 30, 40, 50}};
    std::array<int, 5> copy = small;
    numbers = small;
    std::printf("union %u array %d %d\n", bits[1].u, copy[2], numbers[4]);

    // Records: fill, then the algorithms.
    for (int i = 0; i < 24; i++) {
        Record rec = {next_value(50), next_value(100) / 4.0, {'a', 'b', 'c', 0, 0, 0}, Point(i, -i)};
        rec.name[0] = (char)('a' + next_value(26));
        records[i] = rec;
    }
    MemorySpan<Record, 3> all{records, 24};
    std::printf("records %lld keys %lld\n", digest(all), sum_keys(records, 24));

    std::sort(all.begin(), all.end(), [](Record a, Record b) { return a.key < b.key; });
    std::printf("sort %lld\n", digest(all));
    std::stable_sort(all.begin(), all.end(), [](const auto &a, const auto &b) { return a.name[0] < b.name[0]; });
    std::printf("stable_sort %lld\n", digest(all));
    std::reverse(all.begin(), all.end());
    std::rotate(all.begin(), all.begin() + 5, all.end());
    std::printf("reverse rotate %lld\n", digest(all));
    std::swap(records[0], records[23]);
    Record local = records[1];
    std::swap(local, records[2]);
    records[1] = local;
    std::printf("swap %lld\n", digest(all));
    auto heavy = std::find_if(all.begin(), all.end(), [](const auto &rec) { return rec.weight > 20; });
    std::printf("find_if %d count_if %d\n", (int)(heavy - all.begin()),
                (int)std::count_if(all.begin(), all.end(), [](Record rec) { return rec.key % 2 == 0; }));
    double total = std::accumulate(all.begin(), all.end(), 0.0, [](double s, Record rec) { return s + rec.weight; });
    std::printf("accumulate %g\n", total);
    auto heaviest = std::max_element(all.begin(), all.end(), [](Record a, Record b) { return a.weight < b.weight; });
    std::printf("max_element %d\n", (int)(heaviest - all.begin()));
    std::sort(all.begin(), all.end(), [](Record a, Record b) { return a.key < b.key; });
    auto lower = std::lower_bound(all.begin(), all.end(), 25, [](Record rec, int key) { return rec.key < key; });
    std::printf("lower_bound %d\n", (int)(lower - all.begin()));
    int kept = (int)(std::unique(all.begin(), all.end(), [](Record a, Record b) { return a.key == b.key; }) -
                     all.begin());
    std::printf("unique %d\n", kept);

    // Member operators and const member functions on memory-N objects.
    for (int i = 0; i < 10; i++) entries[i] = Entry{next_value(20), i};
    std::sort(entries, entries + 10);
    Entry probe = entries[6];
    std::printf("entries %d %d find %d binary_search %d\n", entries[0].key, entries[9].key,
                (int)(std::find(entries, entries + 10, probe) - entries),
                std::binary_search(entries, entries + 10, Entry{entries[3].key, -1}));
    std::printf("methods %d %d %d %d\n", entries[2].weighted(3), entries[4].doubled().key,
                entries[1] < entries[2], probe == entries[6]);

    // Between memories: records to points in memory 2 and back.
    std::transform(records, records + 8, zeroed, [](Record rec) { return rec.where; });
    std::copy(zeroed, zeroed + 4, initialized);
    std::printf("transform copy %d %d %d\n", zeroed[7].x, initialized[2].y,
                std::accumulate(zeroed, zeroed + 8, 0, [](int s, Point pt) { return s + pt.norm1(); }));
    return 0;
}
