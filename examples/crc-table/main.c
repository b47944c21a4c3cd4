/* crc-table: a lookup table in a memory of its own.
 *
 * The CRC-32 table (1 KiB, computed at compile time by the initializer
 * below) lives in memory 1 as constant data; the program's input and the
 * C stack stay in memory 0. Memory 1 holds nothing else, so no bug in the
 * rest of the program can overwrite the table through a memory-0 pointer.
 */
#include <mmcc.h>
#include <stdio.h>
#include <string.h>

#define P 0xEDB88320u
#define C1(c) (((c) & 1) ? P ^ ((c) >> 1) : ((c) >> 1))
#define C8(c) C1(C1(C1(C1(C1(C1(C1(C1(c))))))))
#define R4(n) C8(n), C8(n + 1), C8(n + 2), C8(n + 3)
#define R16(n) R4(n), R4(n + 4), R4(n + 8), R4(n + 12)
#define R64(n) R16(n), R16(n + 16), R16(n + 32), R16(n + 48)

__memory(1) const unsigned crc_table[256] = {R64(0u), R64(64u), R64(128u), R64(192u)};

static unsigned crc32(const unsigned char *data, unsigned long n) {
    unsigned crc = 0xFFFFFFFFu;
    for (unsigned long i = 0; i < n; i++)
        crc = crc_table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

int main(void) {
    const char *inputs[] = {"", "a", "abc", "The quick brown fox jumps over the lazy dog", "123456789"};
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        printf("crc32(\"%s\") = %08x\n", inputs[i], crc32((const unsigned char *)inputs[i], strlen(inputs[i])));
    return 0;
}
