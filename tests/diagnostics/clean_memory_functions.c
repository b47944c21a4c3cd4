// Allowed: memcpy, memmove, memset (and their __builtin_ forms) on pointers
// into any memories: the compiler lowers them to memory.copy / memory.fill
// on the right memories.
#define MEM2 __attribute__((address_space(2)))
#define MEM3 __attribute__((address_space(3)))
typedef __SIZE_TYPE__ size_t;
void *memcpy(void *, const void *, size_t);
void *memmove(void *, const void *, size_t);
void *memset(void *, int, size_t);

void copies(MEM2 char *p, MEM3 int *r, char *q, const MEM2 char *cp, size_t n) {
  memcpy(p, q, n);
  memcpy(q, p, n);
  memcpy(p, r, n);
  memcpy(q, cp, n);
  memmove(p, p + 1, n);
  memmove(r, q, n);
  memset(p, 0, n);
  memset(r, 0xff, n);
  __builtin_memcpy(p, q, n);
  __builtin_memmove(q, p, n);
  __builtin_memset(p, 1, n);
  __builtin_memcpy_inline(p, q, 16);
  __builtin_memset_inline(r, 0, 16);
}
