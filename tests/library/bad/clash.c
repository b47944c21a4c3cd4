/* Defines strlcpy, which the application's C library defines too. */
#include <string.h>
size_t strlcpy(char *d, const char *s, size_t n) { size_t l = strlen(s); if (n) { size_t c = l < n - 1 ? l : n - 1; memcpy(d, s, c); d[c] = 0; } return l; }
int lib_x(void) { return 1; }
