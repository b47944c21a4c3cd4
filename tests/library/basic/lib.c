/* A library that knows nothing of memories: plain C with static state,
 * malloc, stdio, a constructor, an exit handler and a callback. The test
 * suite links it into memory 3 (--in-memory=3) beside app.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int calls;
static int initialized;
static const char prefix[] = "lib:";
/* Large enough to be seen in the module's data for memory 3. */
static unsigned char table[256] = {1, 2, 3, 4, 5, 6, 7, 8};

__attribute__((constructor)) static void init(void) {
  initialized = 42;
}

static void goodbye(void) {
  printf("lib: goodbye after %d calls\n", calls);
}

int lib_init(void) {
  atexit(goodbye);
  return initialized + table[7];
}

size_t lib_reverse(char *s) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n / 2; i++) {
    char c = s[i];
    s[i] = s[n - 1 - i];
    s[n - 1 - i] = c;
  }
  calls++;
  return n;
}

char *lib_join(const char *a, const char *b) {
  char *r = malloc(strlen(prefix) + strlen(a) + strlen(b) + 2);
  sprintf(r, "%s%s+%s", prefix, a, b);
  calls++;
  return r;
}

void lib_free(void *p) {
  free(p);
}

long lib_fold(const int *v, int n, long (*f)(long acc, const int *item)) {
  long acc = 0;
  for (int i = 0; i < n; i++)
    acc = f(acc, &v[i]);
  calls++;
  return acc;
}

/* Writes n bytes of 0xEE from a 16-byte block on: a heap overflow. */
unsigned char *overflowed;

void lib_overflow(size_t n) {
  overflowed = malloc(16);
  memset(overflowed, 0xEE, n);
  calls++;
}

/* Allocates and touches mb mebibytes; returns how many it got. */
char *grown[64];

size_t lib_grow(size_t mb) {
  size_t got = 0;
  for (size_t i = 0; i < mb && i < 64; i++) {
    grown[i] = malloc(1 << 20);
    if (!grown[i])
      break;
    memset(grown[i], (int)i + 1, 1 << 20);
    got++;
  }
  calls++;
  return got;
}
