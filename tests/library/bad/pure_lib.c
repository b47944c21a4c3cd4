/* A library without any WASI call (no stdio, no malloc of the C library
 * beyond its static buffer): it links with --memory=K:wasi=deny. */
static unsigned char state[1024];
unsigned lib_mix(const unsigned char *data, unsigned n) {
  unsigned h = 0;
  for (unsigned i = 0; i < n; i++) {
    state[i % sizeof state] ^= data[i];
    h = h * 3 + state[i % sizeof state];
  }
  return h % 4093;
}
