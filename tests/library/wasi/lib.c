/* A library that uses WASI through its own C library: files in a preopened
 * folder, a directory listing, arguments are the application's, the
 * environment, clocks and random bytes. Linked into memory 4. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

int lib_count_lines(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char line[256];
  int n = 0;
  while (fgets(line, sizeof line, f))
    n++;
  fclose(f);
  return n;
}

int lib_write(const char *path, const char *text, int times) {
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  for (int i = 0; i < times; i++)
    fprintf(f, "%d %s\n", i, text);
  return fclose(f);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a folder, sorted, joined with spaces into out. */
int lib_list(const char *folder, char *out, int size) {
  DIR *d = opendir(folder);
  if (!d)
    return -1;
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64)
    if (e->d_name[0] != '.')
      names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], by_name);
  out[0] = 0;
  for (int i = 0; i < n; i++) {
    if (i)
      strncat(out, " ", size - strlen(out) - 1);
    strncat(out, names[i], size - strlen(out) - 1);
    free(names[i]);
  }
  return n;
}

const char *lib_getenv(const char *name) {
  return getenv(name);
}

int lib_clock_ok(void) {
  struct timespec t;
  return clock_gettime(CLOCK_REALTIME, &t) == 0 && t.tv_sec > 1600000000;
}

/* Random bytes (8000, more than one piece of the adapter if it were
 * small); how many distinct byte values they have. */
int lib_random_spread(void) {
  static unsigned char bytes[8000];
  if (getentropy(bytes, 256) != 0)
    return -1;
  for (int at = 256; at < (int)sizeof bytes; at += 256)
    if (getentropy(bytes + at, 256) != 0)
      return -1;
  int seen[256] = {0}, distinct = 0;
  for (size_t i = 0; i < sizeof bytes; i++)
    distinct += !seen[bytes[i]]++;
  return distinct;
}

/* A big read through fread: more than the adapter's scratch space at once. */
long long lib_checksum(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  static unsigned char buffer[200000];
  size_t n = fread(buffer, 1, sizeof buffer, f);
  fclose(f);
  long long sum = 0;
  for (size_t i = 0; i < n; i++)
    sum = (sum * 31 + buffer[i]) % 1000000007;
  return sum + (long long)n;
}
