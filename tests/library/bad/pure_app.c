#include <mmcc.h>
#include <stdio.h>
unsigned lib_mix(const __memory(5) unsigned char *data, unsigned n);
__memory(5) unsigned char input[64];
int main(void) {
  for (int i = 0; i < 64; i++)
    input[i] = (unsigned char)(i * 7);
  printf("checksum %u\n", lib_mix(input, 64));
  return 0;
}
