// C++ member functions take 'this' as a pointer into memory 0, so a class
// in a '#pragma mmcc memory(push, 3)' region cannot have them (static
// members are plain functions and are fine), and a body in the region is
// compiled for memory 0.
#pragma mmcc memory(push, 3)
struct Codec {
  char *name;
  int level;
  int encode(char *out); // expect-error@col=7: C++ member function 'Codec::encode' is declared inside '#pragma mmcc memory(push, 3)': a member function takes 'this' as a pointer into memory 0, but the library's objects are in memory 3; give the library a C interface (functions taking pointers), or declare the class outside the region
  int size() const { return level; } // expect-error@col=7: C++ member function 'Codec::size' is defined inside '#pragma mmcc memory(push, 3)': a member function takes 'this' as a pointer into memory 0, but the library's objects are in memory 3, and a body here is compiled for memory 0
  Codec(); // expect-error: C++ member function 'Codec::Codec' is declared inside
  Codec(const Codec &) = delete;
  static Codec *create(const char *name);
  static const int max_level = 9; // declared with its value: still the library's
  static const char *default_name;
};
inline int twice(int x) { return 2 * x; } // expect-error@col=12: 'twice' is defined inside '#pragma mmcc memory(push, 3)'
#pragma mmcc memory(pop)

static_assert(__is_same(decltype(Codec::create), Codec __attribute__((address_space(3))) *(const char __attribute__((address_space(3))) *)), "static members are plain functions");
static_assert(__is_same(decltype(Codec::name), char __attribute__((address_space(3))) *), "fields");
static_assert(__is_same(decltype(Codec::default_name), const char __attribute__((address_space(3))) *__attribute__((address_space(3)))), "static data members are the library's");
static_assert(Codec::max_level == 9, "");
