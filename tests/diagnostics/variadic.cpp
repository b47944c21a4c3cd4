// Variadic arguments in C++: functions and member functions.
#define MEM2 __attribute__((address_space(2)))

extern "C" int printf(const char *, ...);

struct Logger {
  void log(const char *fmt, ...);
  void operator()(int level, ...);
};

void calls(MEM2 char *p, Logger &logger) {
  printf("%s", p); // expect-warning: pointer into memory 2 passed as a variadic argument to 'printf'
  logger.log("%s", p); // expect-warning: passed as a variadic argument to 'log'
  logger(1, p); // expect-warning: passed as a variadic argument to 'operator()'
  logger(2, 0); // no pointer: fine
}
