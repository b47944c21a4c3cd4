/* Library code that reads its caller's buffer in place: compiled into
 * memory 3, where unqualified pointers point into memory 3, it names the
 * application's memory with __default_memory. */
#include <mmcc.h>
#include <string.h>

static int seen[8]; /* in memory 3, at addresses the caller's data also uses in memory 0 */

long lib_sum_caller(const __default_memory int *caller, int n) {
  long sum = 0;
  for (int i = 0; i < n; i++) {
    sum += caller[i];
    seen[i & 7] = caller[i];
  }
  return sum + seen[0];
}

/* Copies a string of the application into a buffer of the library. */
size_t lib_take(const __default_memory char *s, char *out, size_t size) {
  size_t n = 0;
  while (n + 1 < size && s[n]) {
    out[n] = s[n];
    n++;
  }
  out[n] = 0;
  return strlen(out);
}
