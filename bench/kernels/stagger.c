/* Variant Bs (bench/run.py): linked first, this moves everything else in
 * memory 2 up by 64 KiB, so that a kernel's data in memory 1 and in memory
 * 2 no longer starts at the same address (16) of both memories: what mmcc
 * would do if it staggered each memory's data start. See "V8" in
 * docs/benchmarks.md. */
#include <mmcc.h>
#include <stdint.h>

__memory(2) uint8_t bench_stagger[65536];

/* A use keeps the array in the link (`used` on a memory-N variable is an
 * mmcc error today), and volatile keeps the optimizer from turning the
 * constructor into initialized data (a file with only memory-N data and no
 * code is an mmcc error today too). */
__attribute__((constructor)) static void bench_stagger_keep(void) {
    *(volatile __memory(2) uint8_t *)&bench_stagger[0] = 1;
}
