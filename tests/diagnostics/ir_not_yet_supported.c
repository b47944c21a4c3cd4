// Constructs the memory-indexing pass does not compile yet are located
// errors, never silent memory-0 code. (Checked through mmcc only.)
#define MEM2 __attribute__((address_space(2)))

MEM2 int counter;
__attribute__((wasm_memory)) char ring[65536];

int atomics(MEM2 int *p) {
  __atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST); // expect-error: atomic operations on memory 2 are not supported yet
  return __atomic_load_n(p, __ATOMIC_SEQ_CST); // expect-error: atomic operations on memory 2 are not supported yet
}

int uses_global(void) {
  return counter; // expect-error: variable `counter` is in memory 2
}

char uses_ring(int i) {
  return ring[i]; // expect-error: `ring` is declared __attribute__((wasm_memory))
}
