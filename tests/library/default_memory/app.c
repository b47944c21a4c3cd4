/* Hands the library pointers to its own (memory-0) data: no copies. */
#include <mmcc.h>
#include <stdio.h>

long lib_sum_caller(const __default_memory int *caller, int n);
size_t lib_take(const __default_memory char *s, __memory(3) char *out, size_t size);

static int data[100];

int main(void) {
  for (int i = 0; i < 100; i++)
    data[i] = i * 3 + 1;
  printf("sum %ld\n", lib_sum_caller((const __default_memory int *)data, 100));
  __memory(3) char *out = mm_malloc(3, 32);
  size_t n = lib_take((const __default_memory char *)"read in place", out, 32);
  char back[32];
  mm_copy(0, back, 3, out, n + 1);
  printf("took %zu: %s\n", n, back);
  return 0;
}
