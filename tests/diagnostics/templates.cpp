// Misuse inside templates: reported once, in the template, with a note
// naming the instantiation when it depends on the template arguments.
#define MEM2 __attribute__((address_space(2)))

template <class T> char *as_plain(T *p) {
  return (char *)p; // expect-error: cast from a pointer into memory 2 to a pointer into memory 0
}

template <class T> struct Holder {
  T *ptr;
  char *plain() const { return (char *)ptr; } // expect-error: cast from a pointer into memory 3 to a pointer into memory 0
};

// Not dependent on T: reported once even though the template is used twice.
template <class T> char *fixed(MEM2 char *p, T) {
  return (char *)p; // expect-error: cast from a pointer into memory 2
}

extern "C" int printf(const char *, ...);
template <int N> void show(__attribute__((address_space(N))) char *p) {
  printf("%s\n", p); // expect-warning: pointer into memory 5 passed as a variadic argument to 'printf'
}

void use(MEM2 char *p, __attribute__((address_space(3))) int *q, char *r) {
  as_plain(p);
  as_plain(r); // memory 0: fine
  Holder<__attribute__((address_space(3))) int> h{q};
  h.plain();
  fixed(p, 1);
  fixed(p, 1.0);
  show<5>(nullptr);
}
