/* A library header with an include guard, for pragma_memory_headers.c. */
#ifndef PRAGMA_GUARDED_H
#define PRAGMA_GUARDED_H
int guarded_count(const char *s);
#endif
