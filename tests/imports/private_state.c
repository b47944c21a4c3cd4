/* The private-state pattern: memory 2 is the host's ("user") memory, which
 * the module imports, reads and writes; memory 3 holds the module's own
 * state and is not exported. The C stack and libc stay in the default
 * memory, which therefore moves off index 0 (imports come first). */
#include <mmcc.h>
#include <stdio.h>

__memory(3) unsigned squares[256];     /* private tables */
__memory(3) unsigned calls;

int main(void) {
    __memory(2) unsigned char *user = (__memory(2) unsigned char *)64;
    for (int i = 0; i < 256; i++)
        squares[i] = (unsigned)(i * i);
    calls++;
    /* "Process the user's buffer": write squares of 0..31 (low bytes). */
    for (int i = 0; i < 32; i++)
        user[i] = (unsigned char)squares[i];
    printf("processed 32 bytes, calls %u\n", calls);
    return 0;
}
