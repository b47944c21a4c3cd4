// Declaring numbered memories in the source: __memory_declare(N, ...) in
// <mmcc.h> is __attribute__((memory_declare(N))) on a placeholder, with the
// wasm_memory_* companions for the settings.
__attribute__((memory_declare(2), wasm_memory_import("env", "user"), used)) static const char fine2[1] = {0};
__attribute__((memory_declare(3), wasm_memory_private, wasm_memory_pages(1, 64), used)) static const char fine3[1] = {0};

__attribute__((memory_declare(0), used)) static const char zero[1] = {0}; // expect-error: memory 0 is the default memory
// A rejected declaration's companions get no second error.
__attribute__((memory_declare(0), wasm_memory_private, used)) static const char zero_private[1] = {0}; // expect-error: memory 0 is the default memory
__attribute__((memory_declare(10), used)) static const char reserved[1] = {0}; // expect-error: memory 10 cannot be declared
__attribute__((memory_declare(300), used)) static const char big[1] = {0}; // expect-error: memory 300 cannot be declared
__attribute__((memory_declare(4), wasm_memory_pages(8, 2), used)) static const char sizes[1] = {0}; // expect-error: the minimum size of memory 4 (8 pages) is larger than its maximum (2 pages)
__attribute__((memory_declare(5), wasm_memory_shared, used)) static const char shared[1] = {0}; // expect-error: a shared memory needs a maximum size
__attribute__((memory_declare(6), wasm_memory_export("x"), wasm_memory_private, used)) static const char both[1] = {0}; // expect-error: memory 6 cannot be both exported

void f(void) {
  __attribute__((memory_declare(7), used)) static const char local[1] = {0}; // expect-error: memory declarations belong at file scope
  __attribute__((memory_declare(8), wasm_memory_pages(1, 2), used)) static const char local2[1] = {0}; // expect-error: memory declarations belong at file scope
}
