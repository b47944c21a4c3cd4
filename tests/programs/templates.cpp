// C++: memory-N pointers in a class template and in a class; the same code
// instantiated for two memories.
#include <cstdio>
#include <mmcc.h>
#include "region.h"

template <typename T, int N>
class Stack {
public:
    Stack(__memory(N) T *storage, int capacity) : data_(storage), size_(0), capacity_(capacity) {}
    bool push(const T &v) {
        if (size_ == capacity_) return false;
        data_[size_++] = v;
        return true;
    }
    T pop() { return data_[--size_]; }
    int size() const { return size_; }
    T sum() const {
        T s = T();
        for (int i = 0; i < size_; i++) s += data_[i];
        return s;
    }
private:
    __memory(N) T *data_;
    int size_, capacity_;
};

struct Counter {
    __memory(3) long long *cells;
    void bump(int i, long long by) { cells[i % 8] += by; }
    long long total() const { long long t = 0; for (int i = 0; i < 8; i++) t += cells[i]; return t; }
};

int main() {
    REGION(1, int, ints, 100, 64);
    REGION(2, double, doubles, 100, 64);
    REGION(3, long long, cells, 8, 64);
#ifdef MMCC_MULTI_MEMORY
    Stack<int, 1> a(ints, 100);
    Stack<double, 2> b(doubles, 100);
#else
    Stack<int, 0> a(ints, 100);
    Stack<double, 0> b(doubles, 100);
#endif
    for (int i = 0; i < 120; i++) {
        a.push(i * 3);
        b.push(i / 4.0);
    }
    std::printf("sizes %d %d sums %d %.2f\n", a.size(), b.size(), a.sum(), b.sum());
    int popped = a.pop() + a.pop();
    std::printf("popped %d\n", popped);
    Counter c{cells};
    for (int i = 0; i < 8; i++) cells[i] = 0;
    for (int i = 0; i < 100; i++) c.bump(i, i * 11);
    std::printf("counter %lld\n", c.total());
    return 0;
}
