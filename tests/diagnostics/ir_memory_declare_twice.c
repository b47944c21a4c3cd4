// Two declarations of one memory in a translation unit must agree (a
// header may repeat one).
__attribute__((memory_declare(2), wasm_memory_pages(1, 4), used)) static const char first[1] = {0};
__attribute__((memory_declare(2), wasm_memory_pages(1, 4), used)) static const char same[1] = {0};
__attribute__((memory_declare(2), wasm_memory_pages(1, 8), used)) static const char other[1] = {0}; // expect-error: memory 2 is declared differently here and at
int main(void) { return 0; }
