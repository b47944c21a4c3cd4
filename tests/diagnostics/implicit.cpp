// Implicit conversions between pointers into different memories in C++:
// clang rejects all of them itself; the plugin adds nothing.
#define MEM2 __attribute__((address_space(2)))

void take_plain(char *); // (clang's note points here)
char *global_plain;

char *returned(MEM2 char *p) {
  return p; // expect-error: cannot initialize return object of type 'char *' with an lvalue of type 'MEM2 char *'
}

void conversions(MEM2 char *p, char *q) {
  char *a = p; // expect-error: cannot initialize a variable of type 'char *' with an lvalue of type 'MEM2 char *'
  global_plain = p; // expect-error: assigning 'MEM2 char *' to 'char *' changes address space of pointer
  take_plain(p); // expect-error: no matching function for call to 'take_plain'
  char *b = true ? p : q; // expect-error: incompatible operand types ('MEM2 char *' and 'char *')
  bool c = p == q; // expect-error: comparison of distinct pointer types ('MEM2 char *' and 'char *')
  void *d = p; // expect-error: cannot initialize a variable of type 'void *' with an lvalue of type 'MEM2 char *'
  (void)a; (void)b; (void)c; (void)d;
}
