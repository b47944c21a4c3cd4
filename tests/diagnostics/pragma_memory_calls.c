// The application calls a memory-3 library's functions directly. What
// WebAssembly's C ABI passes as values crosses fine (integers, floats,
// pointers, structs with one scalar member), but what it passes through
// memory is on the caller's stack, in memory 0, where the library reads
// and writes memory 3: by-value structs and unions, _Complex values, wide
// results (long double), variadic arguments and va_lists. Calling such a
// function from memory 0 is an error; declaring it is not.
#define MEM3 __attribute__((address_space(3)))

#pragma mmcc memory(push, 3)
struct point { int x, y; };
struct handle { int id; };          // one scalar member: passed as an int
struct wrapped { struct handle h; };
union number { int i; float f; };
int point_sum(struct point p);
struct point point_make(int x, int y);
struct handle handle_open(const char *name);
int handle_close(struct handle h);
struct wrapped wrap(struct wrapped w);
union number number_parse(const char *s);
long double precise(long double x);
double approximate(double x);
_Complex double rotate(_Complex double z);
int log_printf(const char *format, ...);
int log_vprintf(const char *format, __builtin_va_list ap);
#pragma mmcc memory(pop)

int calls(MEM3 char *name, struct point p, __builtin_va_list ap) {
  int r = point_sum(p); // expect-error@col=21: 'point_sum' is memory 3's library function, and WebAssembly's C ABI passes this 'struct point' argument as the address of a copy on the caller's stack, in memory 0, which the library would read in memory 3; pass a pointer into memory 3 to glue code compiled with the library (--in-memory=3)
  p = point_make(1, 2); // expect-error@col=7: 'point_make' is memory 3's library function, and WebAssembly's C ABI returns its 'struct point' result through a slot on the caller's stack, in memory 0, which the library would write in memory 3; call it from glue code compiled with the library (--in-memory=3) that stores the result through a pointer
  struct handle h = handle_open(name);
  r += handle_close(h) + wrap((struct wrapped){h}).h.id;
  r += number_parse(name).i; // expect-error@col=8: 'number_parse' is memory 3's library function, and WebAssembly's C ABI returns its 'union number' result through a slot
  r += (int)precise(2.0L); // expect-error@col=13: 'precise' is memory 3's library function, and WebAssembly's C ABI returns its 'long double' result through a slot
  r += (int)approximate(2.0);
  r += (int)__real__ rotate(1.0); // expect-error@col=22: returns its '_Complex double' result // expect-error@col=29: passes this '_Complex double' argument as the address of a copy
  r += log_printf(name);
  r += log_printf(name, r); // expect-error@col=25: 'log_printf' is memory 3's library function, and its variadic arguments are passed in a buffer on the caller's stack, in memory 0, which the library would read in memory 3; call it from glue code compiled with the library (--in-memory=3) with fixed parameters
  r += log_vprintf(name, ap); // expect-error@col=26: 'log_vprintf' is memory 3's library function, and a va_list points to variadic arguments on the caller's stack, in memory 0, which the library would read in memory 3
  // Taking the address is not a call (glue code may call through it).
  int (*sum)(struct point) = point_sum;
  return r + (sum != 0);
}
