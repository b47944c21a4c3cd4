// Sorting and searching records that live in a data memory of their own.
//
//   .build/bin/mmcc++ -O2 examples/records-cxx/main.cpp -o records.wasm
//   .build/bin/mmtool run records.wasm
//
// The table is in memory 1, away from the program's stack, heap and
// ordinary data in memory 0. The standard algorithms run on it in place
// through `__memory(1) Record *` iterators; records are copied out into
// memory 0 (`Record r = table[i];`) and in (`table[i] = r;`) as a whole.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mmcc.h>
#include <numeric>

struct Record {
    unsigned id;
    int score;
    char name[12];
};

enum { CAPACITY = 64 };
__memory(1) Record table[CAPACITY];
int count;

// Generic over the memory the records are in (deduced from the pointer).
template <int M = 0>
static void print(const char *title, const __memory(M) Record *first, const __memory(M) Record *last) {
    std::printf("%s:", title);
    for (; first != last; ++first) {
        Record r = *first;  // a copy in memory 0, for printf's %s
        std::printf(" %s(%d)", r.name, r.score);
    }
    std::printf("\n");
}

static void add(const char *name, int score) {
    Record r = {};
    r.id = (unsigned)count + 100;
    r.score = score;
    std::strncpy(r.name, name, sizeof r.name - 1);
    table[count++] = r;
}

int main() {
    const char *names[] = {"ada", "brian", "carol", "dennis", "edsger", "frances", "grace", "ken"};
    for (int i = 0; i < 8; i++) add(names[i], (i * 37) % 23 - 5);
    __memory(1) Record *first = table, *last = table + count;
    print("as added", first, last);

    // Best score first; equal scores keep their order.
    std::stable_sort(first, last, [](Record a, Record b) { return a.score > b.score; });
    print("by score", first, last);

    // Binary search by name after sorting by name.
    std::sort(first, last, [](const auto &a, const auto &b) { return std::strcmp(Record(a).name, Record(b).name) < 0; });
    Record key = {};
    std::strcpy(key.name, "edsger");
    auto found = std::lower_bound(first, last, key, [](Record a, Record b) { return std::strcmp(a.name, b.name) < 0; });
    std::printf("edsger is record %u at %d\n", Record(*found).id, (int)(found - first));

    int total = std::accumulate(first, last, 0, [](int s, Record r) { return s + r.score; });
    int positive = (int)std::count_if(first, last, [](Record r) { return r.score > 0; });
    std::printf("total %d, %d positive\n", total, positive);

    // Drop the negative scores in place, then copy the rest out.
    last = std::remove_if(first, last, [](Record r) { return r.score < 0; });
    Record kept[CAPACITY];
    int n = (int)(std::copy(first, last, kept) - kept);
    std::printf("kept %d:", n);
    for (int i = 0; i < n; i++) std::printf(" %s", kept[i].name);
    std::printf("\n");
    return 0;
}
