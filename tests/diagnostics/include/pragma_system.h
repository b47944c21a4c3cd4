/* A stand-in for a C library header (wasi-libc's <stdio.h>): a system
 * header, so its declarations stay the application's (memory 0) even when
 * a '#pragma mmcc memory' region includes it first. */
#pragma clang system_header
#ifndef PRAGMA_SYSTEM_H
#define PRAGMA_SYSTEM_H
typedef __SIZE_TYPE__ sys_size_t;
typedef struct sys_file SYS_FILE;
typedef char *sys_string;
int sys_puts(const char *s);
extern SYS_FILE *sys_stdout;
#endif
