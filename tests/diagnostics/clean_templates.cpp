// Allowed: C++ templates and classes using pointers into memory N.
#define MEM2 __attribute__((address_space(2)))

template <int N> using mem_ptr = __attribute__((address_space(N))) char *;

template <class T> struct Span {
  T *data;
  unsigned size;
  T &operator[](unsigned i) const { return data[i]; }
  T *begin() const { return data; }
  T *end() const { return data + size; }
};

template <class T> int total(Span<T> s) {
  int t = 0;
  for (T *it = s.begin(); it != s.end(); ++it)
    t += *it;
  return t;
}

template <int N> unsigned length(__attribute__((address_space(N))) const char *s) {
  unsigned n = 0;
  while (s[n])
    ++n;
  return n;
}

class Arena {
public:
  explicit Arena(MEM2 char *base) : base_(base), top_(base) {}
  MEM2 char *alloc(unsigned n) { MEM2 char *p = top_; top_ += n; return p; }
  unsigned used() const { return static_cast<unsigned>(top_ - base_); }
private:
  MEM2 char *base_;
  MEM2 char *top_;
};

int use(MEM2 int *ints, mem_ptr<2> text, MEM2 char *base) {
  Span<MEM2 int> s{ints, 4};
  s[0] = 1;
  Arena arena(base);
  MEM2 char *buf = arena.alloc(16);
  auto first = [&](MEM2 char *p) { return p[0]; };
  MEM2 int &ref = *ints;
  ref += 1;
  return total(s) + length<2>(text) + first(buf) + static_cast<int>(arena.used()) +
         (text == nullptr);
}
