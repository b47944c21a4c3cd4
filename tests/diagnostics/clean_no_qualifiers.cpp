// Ordinary C++ without memory qualifiers: the plugin must stay silent.
typedef __SIZE_TYPE__ size_t;
extern "C" void *memcpy(void *, const void *, size_t);
extern "C" int printf(const char *, ...);

template <class T> struct Vec {
  T items[8];
  size_t n = 0;
  void push(const T &v) { items[n++] = v; }
};

struct Base { virtual ~Base() = default; int b = 0; };
struct Derived : Base { int d = 1; };

int main() {
  Vec<int> v;
  v.push(1);
  Derived d;
  Base *b = &d;
  Derived *back = static_cast<Derived *>(b);
  const char *s = reinterpret_cast<const char *>(back);
  char copy[sizeof(Derived)];
  memcpy(copy, s, sizeof copy);
  printf("%d %p\n", v.items[0], static_cast<void *>(copy));
  return back->d;
}
