/* text-scan: `wc` and `tail` over a text the host hands over in a memory.
 *
 * The host (an embedder, a browser page) owns the text: it creates the
 * memory `env.user`, writes the text into it and instantiates the module,
 * which imports that memory. Nothing is copied into the module's own
 * memory 0. Three wasm_memory arrays, each a WebAssembly memory of its own:
 *
 *   user[]          the host's memory, imported; its size is whatever the
 *                   host made it (memory.size at run time), so the text
 *                   ends at the first zero byte or at the end of the memory;
 *   char_class[]    a 256-entry lookup table whose initializer is the
 *                   memory's data (private, read-only);
 *   recent[]        a ring buffer of the last lines seen (private).
 *
 * Every access is by index: user[i], char_class[c], recent[n % RECENT].
 *
 *   mmcc -O2 examples/text-scan/main.c -o text-scan.wasm
 *   mmtool run --import-memory env.user=README.md text-scan.wasm
 *   node tests/node/run.mjs --import-memory env.user=README.md text-scan.wasm
 */
#include <mmcc.h>
#include <stdio.h>

/* The host's memory: the text. */
extern __wasm_memory __wasm_memory_import("env", "user") unsigned char user[];

enum { WORD = 1, SPACE = 2, NEWLINE = 4 };

/* Character classes, the data of a memory of their own. */
static __wasm_memory const unsigned char char_class[256] = {
    [1 ... 8] = WORD,
    ['\t'] = SPACE, ['\n'] = SPACE | NEWLINE, ['\v'] = SPACE, ['\f'] = SPACE, ['\r'] = SPACE,
    [14 ... 31] = WORD,
    [' '] = SPACE,
    [33 ... 255] = WORD,
};

/* The last RECENT lines: where each starts in user[] and how long it is. */
#define RECENT 3
static __wasm_memory struct line {
    unsigned start, length;
} recent[RECENT];

/* Line number n (counting from 0) starts at user[start]. */
static void remember_line(unsigned long n, unsigned start, unsigned length) {
    recent[n % RECENT].start = start;
    recent[n % RECENT].length = length;
}

int main(void) {
    unsigned long size = mm_array_bytes(user);
    unsigned long lines = 0, words = 0, bytes = 0, seen = 0;
    int in_word = 0;
    unsigned line_start = 0;
    for (unsigned long i = 0; i < size && user[i] != 0; i++) {
        unsigned char cls = char_class[user[i]];
        bytes++;
        words += (cls & WORD) && !in_word;
        in_word = cls & WORD;
        if (cls & NEWLINE) {
            remember_line(seen++, line_start, (unsigned)i - line_start);
            lines++;
            line_start = (unsigned)i + 1;
        }
    }
    if (line_start < bytes) /* a last line without '\n' */
        remember_line(seen++, line_start, (unsigned)bytes - line_start);
    printf("%lu lines, %lu words, %lu bytes in a memory of %lu pages\n", lines, words, bytes,
           mm_array_pages(user));
    unsigned long first = seen > RECENT ? seen - RECENT : 0;
    for (unsigned long n = first; n < seen; n++) {
        struct line l = recent[n % RECENT];
        printf("| ");
        for (unsigned j = 0; j < l.length; j++)
            putchar(user[l.start + j]);
        putchar('\n');
    }
    return 0;
}
