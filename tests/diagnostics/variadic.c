// A pointer into memory N passed through '...' is only an address: the
// callee reads memory 0 through it. A warning (-Wmmcc-variadic-memory),
// since printing the address with %p is fine.
#define MEM2 __attribute__((address_space(2)))

int printf(const char *, ...);
void log_values(int count, ...);
void unprototyped();
typedef void (*variadic_fn)(int, ...);

void calls(MEM2 char *p, MEM2 int *ip, char *q, variadic_fn fn) {
  printf("%p %s\n", p, p); // expect-warning@col=21: pointer into memory 2 passed as a variadic argument to 'printf' // expect-warning@col=24: the callee receives only the address
  printf("%s\n", q); // memory 0: fine
  log_values(2, ip, q); // expect-warning: pointer into memory 2 passed as a variadic argument to 'log_values'
  fn(1, p); // expect-warning: pointer into memory 2 passed as a variadic argument to the function
  unprototyped(p); // expect-warning@col=15: without a prototype is deprecated // expect-warning@col=16: pointer into memory 2 passed to 'unprototyped', which has no prototype
}
