// Implicit conversions between pointers into different memories. Clang
// rejects most of them itself ("changes address space of pointer"); the
// plugin reports the ones clang accepts in C (comparisons, and a
// conditional operator with a 'void *' operand).
#define MEM2 __attribute__((address_space(2)))
#define MEM3 __attribute__((address_space(3)))

void take_plain(char *);
void take_mem2(MEM2 char *);
char *global_plain;

char *returned(MEM2 char *p) {
  return p; // expect-error: returning 'MEM2 char *' from a function with result type 'char *' changes address space of pointer
}

void conversions(MEM2 char *p, char *q, MEM3 char *r, void *v) {
  char *a = p; // expect-error: initializing 'char *' with an expression of type 'MEM2 char *' changes address space of pointer
  global_plain = p; // expect-error: assigning 'MEM2 char *' to 'char *' changes address space of pointer
  p = r; // expect-error: assigning 'MEM3 char *' to 'MEM2 char *' changes address space of pointer
  take_plain(p); // expect-error: passing 'MEM2 char *' to parameter of type 'char *' changes address space of pointer
  take_mem2(q); // expect-error: passing 'char *' to parameter of type 'MEM2 char *' changes address space of pointer
  char *b = 1 ? p : q; // expect-error: pointers to non-overlapping address spaces
  MEM2 void *c = 1 ? p : v; // expect-error@col=20: conditional operator mixes a pointer into memory 2 and a pointer into memory 0 (the default memory)
  int d = p == q; // expect-error@col=13: comparison between a pointer into memory 2 and a pointer into memory 0 (the default memory)
  int e = q < p; // expect-error: comparison between a pointer into memory 0 (the default memory) and a pointer into memory 2
  long f = p - q; // expect-error: arithmetic operation with operands of type  ('MEM2 char *' and 'char *') which are pointers to non-overlapping address spaces
  (void)a; (void)b; (void)c; (void)d; (void)e; (void)f;
}
