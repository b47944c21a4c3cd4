/* The application: memory-0 code calling a library in memory 3 through
 * memory-3 pointer types. With plain clang everything is in memory 0 and
 * the program prints the same (the equivalence oracle). */
#include <mmcc.h>
#include <stdio.h>
#include <string.h>

int lib_init(void);
size_t lib_reverse(__memory(3) char *s);
__memory(3) char *lib_join(const __memory(3) char *a, const __memory(3) char *b);
void lib_free(__memory(3) void *p);
long lib_fold(const __memory(3) int *v, int n, long (*f)(long acc, const __memory(3) int *item));
void lib_overflow(size_t n);
size_t lib_grow(size_t mb);

static long add_square(long acc, const __memory(3) int *x) {
  return acc + (long)*x * *x;
}

/* Memory-0 data that a library overflow must not reach. */
static unsigned char canary[4096];

static __memory(3) char *in_library(const char *s) {
  __memory(3) char *copy = mm_malloc(3, strlen(s) + 1);
  mm_copy(3, copy, 0, s, strlen(s) + 1);
  return copy;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "calls";
  memset(canary, 0x5A, sizeof canary);
  printf("init %d\n", lib_init());
  if (strcmp(mode, "overflow") == 0) {
    lib_overflow(20000);
    int intact = 1;
    for (size_t i = 0; i < sizeof canary; i++)
      intact &= canary[i] == 0x5A;
    printf("overflow done, canary %s\n", intact ? "intact" : "CORRUPTED");
    return 0;
  }
  if (strcmp(mode, "grow") == 0) {
    unsigned long before = mm_memory_pages(0);
    size_t got = lib_grow(8);
    printf("library got %zu MiB, default memory %s\n", got, mm_memory_pages(0) == before ? "unchanged" : "GREW");
    return 0;
  }
  __memory(3) char *word = in_library("multi-memory");
  size_t n = lib_reverse(word);
  char back[64];
  mm_copy(0, back, 3, word, n + 1);
  printf("reversed %zu: %s\n", n, back);

  __memory(3) char *a = in_library("left"), *b = in_library("right");
  __memory(3) char *joined = lib_join(a, b);
  mm_copy(0, back, 3, joined, mm_strlen(3, joined) + 1);
  printf("joined: %s\n", back);
  lib_free(joined); /* the library frees what it allocated ... */
  mm_free(3, a);    /* ... and the application what it allocated for it */
  mm_free(3, b);
  mm_free(3, word);

  __memory(3) int *v = mm_malloc(3, 10 * sizeof(int));
  for (int i = 0; i < 10; i++)
    v[i] = i + 1;
  printf("fold: %ld\n", lib_fold(v, 10, add_square));
  lib_free(v); /* one allocator per memory: either side may free */
  return 0;
}
