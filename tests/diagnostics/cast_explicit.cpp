// C++ casts between pointers into different memories. Clang rejects
// static_cast and reinterpret_cast itself; the plugin reports C-style and
// functional casts and reference casts, which clang lets through.
#define MEM2 __attribute__((address_space(2)))

using plain_ptr = char *;

void casts(MEM2 char *p, MEM2 char **pp) {
  char *a = (char *)p; // expect-error@col=13: cast from a pointer into memory 2 to a pointer into memory 0 (the default memory)
  char *b = plain_ptr(p); // expect-error: cast from a pointer into memory 2 to a pointer into memory 0
  char *c = static_cast<char *>(p); // expect-error: static_cast from 'MEM2 char *' to 'char *' is not allowed
  char *d = reinterpret_cast<char *>(p); // expect-error: reinterpret_cast from 'MEM2 char *' to 'char *' is not allowed
  char &e = (char &)*p; // expect-error: cast from an object in memory 2 to a reference to an object in memory 0
  char &f = reinterpret_cast<char &>(*p); // expect-error: reinterpret_cast from 'MEM2 char' to 'char &' is not allowed
  // Clang warns about the nested pointers; the plugin makes it an error.
  char **g = (char **)pp; // expect-warning: changes address space of nested pointers // expect-error: would make pointers into memory 2 be read as pointers into memory 0
  (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g;
}
