// In C++, clang's overload resolution rejects a pointer into memory N for a
// C library function's plain 'T *' parameter before the plugin sees the
// call: one clang error ("no matching function"). The __builtin_ spellings
// are accepted by clang, so the plugin reports those.
#define MEM2 __attribute__((address_space(2)))

typedef __SIZE_TYPE__ size_t;
extern "C" size_t strlen(const char *);
extern "C" int strcmp(const char *, const char *);
extern "C" int atoi(const char *);

void calls(MEM2 char *p, const char *q) {
  strlen(p); // expect-error: no matching function for call to 'strlen'
  strcmp(q, p); // expect-error: no matching function for call to 'strcmp'
  atoi(p); // expect-error: no matching function for call to 'atoi'
  __builtin_strlen(p); // expect-error: __builtin_strlen reads memory 0 (the default memory), but this pointer is into memory 2; use mm_strlen(2, p) from <mmcc.h>
  __builtin_strcmp(p, q); // expect-error: __builtin_strcmp reads memory 0 (the default memory), but this pointer is into memory 2; copy the data into memory 0 first
}
