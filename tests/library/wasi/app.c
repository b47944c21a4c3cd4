/* Calls the WASI library in memory 4 with memory-4 strings. */
#include <mmcc.h>
#include <stdio.h>
#include <string.h>

int lib_count_lines(const __memory(4) char *path);
int lib_write(const __memory(4) char *path, const __memory(4) char *text, int times);
int lib_list(const __memory(4) char *folder, __memory(4) char *out, int size);
const __memory(4) char *lib_getenv(const __memory(4) char *name);
int lib_clock_ok(void);
int lib_random_spread(void);
long long lib_checksum(const __memory(4) char *path);

static __memory(4) char *in4(const char *s) {
  __memory(4) char *copy = mm_malloc(4, strlen(s) + 1);
  mm_copy(4, copy, 0, s, strlen(s) + 1);
  return copy;
}

int main(int argc, char **argv) {
  const char *folder = argc > 1 ? argv[1] : "data";
  char path[256];
  snprintf(path, sizeof path, "%s/out.txt", folder);
  printf("write: %d\n", lib_write(in4(path), in4("line through memory 4"), 300));
  printf("lines: %d\n", lib_count_lines(in4(path)));
  snprintf(path, sizeof path, "%s/big.bin", folder);
  printf("checksum: %lld\n", lib_checksum(in4(path)));
  __memory(4) char *names = mm_malloc(4, 512);
  int n = lib_list(in4(folder), names, 512);
  char local[512];
  mm_copy(0, local, 4, names, mm_strlen(4, names) + 1);
  printf("listing: %d: %s\n", n, local);
  const __memory(4) char *value = lib_getenv(in4("MMCC_TEST_VALUE"));
  if (value) {
    mm_copy(0, local, 4, value, mm_strlen(4, value) + 1);
    printf("env: %s\n", local);
  } else {
    printf("env: (none)\n");
  }
  printf("clock: %s\n", lib_clock_ok() ? "ok" : "WRONG");
  printf("random: %s\n", lib_random_spread() > 200 ? "spread" : "WRONG");
  return 0;
}
