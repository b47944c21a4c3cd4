/* The library side of calls.c: one small function, compiled separately so
 * that nothing inlines it. */
unsigned lib_step(unsigned x, const unsigned *table) {
  return x * 2654435761u + table[x & 15];
}
