// Valid uses of __attribute__((wasm_memory)): global variables.
__attribute__((wasm_memory)) char heap[65536];
[[mmcc::wasm_memory]] unsigned char scratch[4096];
char after_name[16] __attribute__((wasm_memory));
static __attribute__((wasm_memory)) char file_local[256];
extern __attribute__((wasm_memory)) char declared_elsewhere[];

char read_all(int i) {
  static __attribute__((wasm_memory)) char function_static[8];
  return heap[i] + scratch[i] + after_name[i] + file_local[i] + function_static[i] +
         declared_elsewhere[i];
}
