/* zlib in a library memory: compress and decompress MIB mebibytes, one
 * chunk at a time, through glue that copies each chunk into memory 3 and the
 * result back (what an application does). Built two ways by bench/run.py:
 *
 *   L   mmcc, zlib (.build/zlib/m0/libz.a) retargeted into memory 3
 *   A0  mmcc -DMMCC_SINGLE_MEMORY: the same source and library, everything
 *       in memory 0 (the copies become copies within memory 0)
 *
 * Only the copies in, compress2, uncompress and the copy out are timed;
 * making the input is not. */
#include "../kernels/bench.h"
#include <string.h>

#ifndef MIB
#define MIB 64
#endif
#define CHUNK (1u << 20)

/* zlib 1.2.13's API as the glue sees it with zlib in memory 3. */
int compress2(__memory(3) unsigned char *dest, __memory(3) unsigned long *dest_len,
              const __memory(3) unsigned char *source, unsigned long source_len, int level);
int uncompress(__memory(3) unsigned char *dest, __memory(3) unsigned long *dest_len,
               const __memory(3) unsigned char *source, unsigned long source_len);
unsigned long compressBound(unsigned long source_len);

static unsigned char input[CHUNK], output[CHUNK];

/* Text-like input: words of a small vocabulary and numbers. */
static void make_chunk(void) {
  static const char *words[] = {"memory", "the", "of", "a", "library", "module", "zlib", "copy", "call", "data"};
  size_t at = 0;
  while (at < CHUNK) {
    char piece[32];
    uint32_t r = bench_random();
    int n = (r & 7) == 0 ? snprintf(piece, sizeof piece, "%u ", r >> 12) : snprintf(piece, sizeof piece, "%s ", words[r % 10]);
    for (int i = 0; i < n && at < CHUNK; i++)
      input[at++] = (unsigned char)piece[i];
  }
}

int main(void) {
  __memory(3) unsigned char *in = mm_malloc(3, CHUNK);
  __memory(3) unsigned char *packed = mm_malloc(3, compressBound(CHUNK));
  __memory(3) unsigned char *out = mm_malloc(3, CHUNK);
  __memory(3) unsigned long *len = mm_malloc(3, sizeof *len);
  uint64_t checksum = 0;
  double elapsed = 0;
  for (int c = -1; c < MIB; c++) {
    make_chunk();
    double start = bench_now_ns();
    mm_copy(3, in, 0, input, CHUNK);
    *len = compressBound(CHUNK);
    if (compress2(packed, len, in, CHUNK, 6) != 0)
      return 1;
    unsigned long packed_len = *len;
    *len = CHUNK;
    if (uncompress(out, len, packed, packed_len) != 0 || *len != CHUNK)
      return 2;
    mm_copy(0, output, 3, out, CHUNK);
    /* Chunk -1 warms the engine up (V8 compiles in tiers). */
    if (c >= 0)
      elapsed += bench_now_ns() - start;
    if (memcmp(output, input, CHUNK) != 0)
      return 3;
    checksum = checksum * 31 + packed_len;
  }
  bench_report(elapsed, checksum);
  return 0;
}
