// __attribute__((wasm_memory)) declares a global array that is a
// WebAssembly memory: it applies to global variables only.
__attribute__((wasm_memory)) char fine[65536];

__attribute__((wasm_memory)) void function(void); // expect-error@col=16: the 'wasm_memory' attribute declares a WebAssembly memory and can only be applied to a global variable, not to a function

struct with_field {
  int field __attribute__((wasm_memory)); // expect-error: can only be applied to a global variable, not to a struct or union member
};

typedef char bytes __attribute__((wasm_memory)); // expect-error: not to a typedef

struct __attribute__((wasm_memory)) tagged { int x; }; // expect-error: not to a type

__attribute__((wasm_memory(2))) char with_argument[16]; // expect-error: 'wasm_memory' attribute takes no arguments

void parameter(int p __attribute__((wasm_memory))); // expect-error: not to a function parameter

void local(void) {
  __attribute__((wasm_memory)) char buffer[16]; // expect-error: not to a local variable with automatic storage
  (void)buffer;
}
