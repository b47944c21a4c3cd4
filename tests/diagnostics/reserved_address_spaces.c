// address_space(N) names WebAssembly memory N. 10 and 20 are LLVM's
// externref/funcref address spaces, and memories stop at 255; 256 is
// <mmcc.h>'s __default_memory.
typedef __UINTPTR_TYPE__ uintptr_t;

__attribute__((address_space(10))) char *externref_space; // expect-error@col=16: address space 10 is reserved
__attribute__((address_space(20))) int *funcref_space; // expect-error: address space 20 is reserved
__attribute__((address_space(257))) char *too_large; // expect-error: address space 257 is out of range
__attribute__((address_space(256))) char *application; // __default_memory: fine
__attribute__((address_space(255))) char *largest; // memory 255: fine
__attribute__((address_space(10))) int variable_in_10; // expect-error: address space 10 is reserved

// Reported once, at the typedef, not at each use.
typedef __attribute__((address_space(300))) char far_char; // expect-error: address space 300 is out of range
far_char *use1;
far_char *use2;

int size = sizeof(__attribute__((address_space(1000))) int *); // expect-error: address space 1000 is out of range

char *cast(uintptr_t x) {
  return (char *)(__attribute__((address_space(20))) char *)x; // expect-error: address space 20 is reserved
}
