// Allowed: converting a memory-N pointer to an integer and back. The
// integer is just an offset; the programmer says which memory it is in.
#define MEM2 __attribute__((address_space(2)))
typedef __UINTPTR_TYPE__ uintptr_t;
typedef __INTPTR_TYPE__ intptr_t;

uintptr_t offset_of(MEM2 char *p) { return (uintptr_t)p; }
MEM2 char *from_offset(uintptr_t x) { return (MEM2 char *)x; }
MEM2 int *aligned(MEM2 int *p) {
  return (MEM2 int *)(((uintptr_t)p + 15) & ~(uintptr_t)15);
}
intptr_t distance(MEM2 char *a, MEM2 char *b) {
  return (intptr_t)a - (intptr_t)b;
}
_Bool nonnull(MEM2 char *p) { return p ? 1 : 0; }
