/* String scan and search: a text of generated words in memory 1, search
 * patterns in memory 2. Each call counts lines and words (one scan), then
 * counts the occurrences of every pattern with Boyer-Moore-Horspool (its
 * shift table is a local, in memory 0). */
#include "bench.h"

#define TEXT (SCALE > 1 ? (2 << 20) : (32 << 10))
#define REPS (SCALE > 1 ? 3 : 1)
#define PATTERNS 8
#define PATTERN_MAX 16

MEM(1) uint8_t search_text[TEXT];
MEM(2) uint8_t search_patterns[PATTERNS][PATTERN_MAX];
static uint32_t pattern_length[PATTERNS];
static uint64_t search_counts;

static const char *const words[] = {"the", "memory", "of", "a", "module", "is", "linear", "and", "each",
                                    "load", "names", "its", "index", "wasm", "engine", "bounds"};
static const char *const patterns[PATTERNS] = {"memory", "the module", "index", "linear memory",
                                               "engines", "load names", "wasm engine", "of a"};

HOT void kernel_search(void) {
    uint64_t lines = 0, words_seen = 0;
    int in_word = 0;
    for (int i = 0; i < TEXT; i++) {
        uint8_t c = GET(search_text[i]);
        lines += c == '\n';
        int letter = c > ' ';
        words_seen += letter & !in_word;
        in_word = letter;
    }
    uint64_t found = 0;
    for (int p = 0; p < PATTERNS; p++) {
        int m = (int)pattern_length[p];
        uint32_t shift[256];
        for (int c = 0; c < 256; c++)
            shift[c] = (uint32_t)m;
        for (int k = 0; k < m - 1; k++)
            shift[GET(search_patterns[p][k])] = (uint32_t)(m - 1 - k);
        uint8_t last = GET(search_patterns[p][m - 1]);
        for (int at = 0; at + m <= TEXT;) {
            uint8_t c = GET(search_text[at + m - 1]);
            if (c == last) {
                int k = m - 2;
                while (k >= 0 && GET(search_text[at + k]) == GET(search_patterns[p][k]))
                    k--;
                found += k < 0;
            }
            at += shift[c];
        }
    }
    search_counts += lines * 1000003u + words_seen * 1009u + found;
}

int main(void) {
    int at = 0, column = 0;
    while (at < TEXT) {
        const char *w = words[bench_random() % 16];
        for (; *w && at < TEXT; w++, column++)
            SET(search_text[at++], (uint8_t)*w);
        if (at < TEXT)
            SET(search_text[at++], (uint8_t)(column > 60 ? '\n' : ' '));
        column = column > 60 ? 0 : column + 1;
    }
    for (int p = 0; p < PATTERNS; p++) {
        int k = 0;
        for (; patterns[p][k]; k++)
            SET(search_patterns[p][k], (uint8_t)patterns[p][k]);
        pattern_length[p] = (uint32_t)k;
    }
    double elapsed = BENCH_TIME(REPS, kernel_search());
    bench_report(elapsed, search_counts);
    return 0;
}
