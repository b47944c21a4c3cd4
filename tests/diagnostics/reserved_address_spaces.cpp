// Address spaces computed in templates are checked per instantiation.
template <int N> using mem_ptr = __attribute__((address_space(N))) char *;

mem_ptr<3> fine;
mem_ptr<10> reserved; // expect-error: address space 10 is reserved

template <int N> int read(__attribute__((address_space(N))) char *p) { return *p; } // expect-error: address space 20 is reserved: LLVM's WebAssembly backend uses it for funcref values

int use() {
  return read<2>(nullptr) + read<20>(nullptr);
}

template <class T> struct Box { T *ptr; };
Box<__attribute__((address_space(400))) int> box; // expect-error: address space 400 is out of range
