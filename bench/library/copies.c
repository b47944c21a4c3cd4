/* Copies between the default memory and a library memory against copies
 * within the default memory: memory.copy of BLOCK bytes, REPS times each
 * way (mmcc only; the times are side by side in one module). */
#include "../kernels/bench.h"

#ifndef REPS
#define REPS 4000
#endif
#define BLOCK (1u << 20)

static unsigned char a[BLOCK], b[BLOCK];
static __memory(3) unsigned char k[BLOCK];

HOT static void kernel_copy_0_0(void) { __builtin_memcpy(b, a, BLOCK); }
HOT static void kernel_copy_3_0(void) { mm_copy(3, k, 0, a, BLOCK); }
HOT static void kernel_copy_0_3(void) { mm_copy(0, b, 3, k, BLOCK); }

int main(void) {
  for (unsigned i = 0; i < BLOCK; i++)
    a[i] = (unsigned char)bench_random();
  double t00 = BENCH_TIME(REPS, kernel_copy_0_0());
  double t30 = BENCH_TIME(REPS, kernel_copy_3_0());
  double t03 = BENCH_TIME(REPS, kernel_copy_0_3());
  uint64_t checksum = 0;
  for (unsigned i = 0; i < BLOCK; i += 4096)
    checksum = checksum * 31 + b[i] + k[i];
  printf("result: time_ns=%.0f checksum=%llu t00=%.0f t30=%.0f t03=%.0f bytes=%llu\n", t00 + t30 + t03,
         (unsigned long long)checksum, t00, t30, t03, (unsigned long long)BLOCK * REPS);
  return 0;
}
