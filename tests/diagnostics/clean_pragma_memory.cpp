// '#pragma mmcc memory(push, 3)' in C++: the library's C header (with its
// extern "C" block), C++ references like pointers, namespaces, aliases,
// static member functions, default arguments converted to the new types.
// (check.sh also checks that the C++ functions keep the library's own
// symbol names.)
#define MEM3 __attribute__((address_space(3)))
#define SAME(a, b) static_assert(__is_same(a, b), #a " is " #b)

#pragma mmcc memory(push, 3)
extern "C" {
#include "include/pragma_lib.h"
}
namespace codec {
using text = char *;
int count(const char &first, char *&cursor, text *lines);
int span(const char *begin, const char *end = nullptr);
struct Table {
  const char *name;
  static Table *open(const char *name);
};
extern Table *tables;
} // namespace codec
#pragma mmcc memory(pop)

SAME(decltype(lib_compress), int (MEM3 lib_byte *, MEM3 sys_size_t *,
                                  const MEM3 lib_byte *, sys_size_t));
SAME(lib_alloc_fn, MEM3 void *(*)(MEM3 void *, unsigned, unsigned));
SAME(decltype(lib_stream::names), MEM3 char *MEM3 *);
SAME(decltype(sys_puts), int (const char *));
SAME(codec::text, MEM3 char *);
SAME(decltype(codec::count), int (const MEM3 char &, MEM3 char *MEM3 &, MEM3 codec::text *));
SAME(decltype(codec::span), int (const MEM3 char *, const MEM3 char *));
SAME(decltype(codec::Table::open), MEM3 codec::Table *(const MEM3 char *));
SAME(decltype(codec::tables), MEM3 codec::Table *MEM3);

static MEM3 char buffer[64];
// A reference to a library's 'char *' refers to a pointer in memory 3.
static MEM3 char *MEM3 cursor = buffer;

int use(MEM3 codec::text *lines) {
  MEM3 codec::Table *t = codec::Table::open(buffer);
  codec::tables = t;
  return codec::count(buffer[0], cursor, lines) + codec::span(buffer) +
         codec::span(buffer, buffer + 4) + t->name[0] +
         lib_fill(buffer, [](MEM3 char *chunk, unsigned n) -> int { return chunk[n]; });
}
