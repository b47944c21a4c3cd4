// C library functions are compiled for memory 0: calling one with a pointer
// into another memory would read or write memory 0 at that address. Clang
// accepts these calls in C for the functions it knows as library builtins
// (it re-declares the builtin for the argument's address space), so the
// plugin reports them. For the other library functions (puts, fputs, atoi
// here) clang reports the conversion itself.
#define MEM2 __attribute__((address_space(2)))

typedef __SIZE_TYPE__ size_t;
typedef struct _IO_FILE FILE;
size_t strlen(const char *);
int strcmp(const char *, const char *);
int strncmp(const char *, const char *, size_t);
char *strcpy(char *, const char *);
char *strncpy(char *, const char *, size_t);
char *strcat(char *, const char *);
char *strchr(const char *, int);
char *strrchr(const char *, int);
char *strstr(const char *, const char *);
void *memchr(const void *, int, size_t);
int memcmp(const void *, const void *, size_t);
int printf(const char *, ...);
int snprintf(char *, size_t, const char *, ...);
int puts(const char *);
int fputs(const char *, FILE *);
size_t fwrite(const void *, size_t, size_t, FILE *);
size_t fread(void *, size_t, size_t, FILE *);
int sscanf(const char *, const char *, ...);
int atoi(const char *);
long strtol(const char *, char **, int);
void free(void *);

void calls(MEM2 char *p, MEM2 char *p2, char *q, FILE *out, size_t n) {
  int i;
  strlen(p); // expect-error@col=10: strlen reads memory 0 (the default memory), but this pointer is into memory 2; use mm_strlen(2, p) from <mmcc.h>
  strcmp(p, p2); // expect-error: strcmp reads memory 0 (the default memory), but this pointer is into memory 2; use mm_strcmp(2, p, p2) from <mmcc.h>
  strncmp(q, p, n); // expect-error@col=14: strncmp reads memory 0 (the default memory), but this pointer is into memory 2; copy the data into memory 0 first
  strcpy(p, q); // expect-error: strcpy writes memory 0 (the default memory), but this pointer is into memory 2
  strncpy(q, p, n); // expect-error: strncpy reads memory 0
  strcat(p, "x"); // expect-error: strcat writes memory 0
  strchr(p, 'a'); // expect-error: use mm_strchr(2, p, 'a') from <mmcc.h>
  strrchr(p, 'a'); // expect-error: strrchr reads memory 0
  strstr(q, p); // expect-error: strstr reads memory 0
  memchr(p, 0, n); // expect-error: memchr reads memory 0
  memcmp(p, q, n); // expect-error: memcmp reads memory 0
  printf(p, 1); // expect-error: printf reads memory 0 (the default memory), but this pointer is into memory 2; copy the data into memory 0 first
  snprintf(p, n, "%d", 1); // expect-error: snprintf writes memory 0
  puts(p); // expect-error: passing 'MEM2 char *' to parameter of type 'const char *' changes address space of pointer
  fputs(p, out); // expect-error: passing 'MEM2 char *' to parameter of type 'const char *' changes address space of pointer
  fwrite(p, 1, n, out); // expect-error: fwrite reads memory 0
  fread(p, 1, n, out); // expect-error: fread writes memory 0
  sscanf(p, "%d", &i); // expect-error: sscanf reads memory 0
  atoi(p); // expect-error: passing 'MEM2 char *' to parameter of type 'const char *' changes address space of pointer
  strtol(p, 0, 10); // expect-error: strtol reads memory 0 (the default memory), but this pointer is into memory 2; copy the data into memory 0 first
  free(p); // expect-error: free manages the heap in memory 0 (the default memory), but this pointer is into memory 2; use mm_free(2, p)
  __builtin_strlen(p); // expect-error: __builtin_strlen reads memory 0 (the default memory), but this pointer is into memory 2; use mm_strlen(2, p)
}
