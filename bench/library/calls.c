/* What a call into a library memory costs: CALLS calls of a small library
 * function that reads a table the application passes (in memory 3 when the
 * library is), from a loop in the application. Built as L (lib in memory
 * 3) and A0 (-DMMCC_SINGLE_MEMORY, everything in memory 0). */
#include "../kernels/bench.h"

#ifndef CALLS
#define CALLS 100000000u
#endif

unsigned lib_step(unsigned x, const __memory(3) unsigned *table);

HOT static unsigned kernel_calls(const __memory(3) unsigned *table) {
  unsigned x = 1;
  for (unsigned i = 0; i < CALLS; i++)
    x = lib_step(x, table);
  return x;
}

int main(void) {
  __memory(3) unsigned *table = mm_malloc(3, 16 * sizeof(unsigned));
  for (int i = 0; i < 16; i++)
    table[i] = bench_random();
  unsigned x = 0;
  double elapsed = BENCH_TIME(1, x = kernel_calls(table));
  bench_report(elapsed, x);
  return 0;
}
