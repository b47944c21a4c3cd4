/* hello-memories: one C program, three WebAssembly memories.
 *
 * A word-frequency table lives in memory 1 and a scratch copy of the text in
 * memory 2; memory 0 keeps the C stack and libc as usual. The program prints
 * the same output when compiled by plain clang (everything in memory 0),
 * which is how the test suite checks mmcc.
 */
#include <mmcc.h>
#include <stdio.h>
#include <string.h>

/* Fixed places in the extra memories (address 0 stays unused, like NULL). */
#define TABLE_BASE 64
#define SCRATCH_BASE 64
#define TABLE_SIZE 256

struct entry {
    unsigned hash;
    unsigned count;
    unsigned short length;
    char word[22];
};

static unsigned hash_word(const __memory(2) char *w, unsigned n) {
    unsigned h = 2166136261u;
    for (unsigned i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

static __memory(1) struct entry *lookup(__memory(1) struct entry *table,
                                        const __memory(2) char *w, unsigned n) {
    unsigned h = hash_word(w, n);
    for (unsigned i = 0;; i++) {
        __memory(1) struct entry *e = &table[(h + i) % TABLE_SIZE];
        if (e->count == 0) {
            e->hash = h;
            e->length = (unsigned short)n;
            for (unsigned k = 0; k < n && k < sizeof e->word - 1; k++)
                e->word[k] = w[k];
            return e;
        }
        if (e->hash == h && e->length == n)
            return e;
    }
}

int main(void) {
#ifdef MMCC_MULTI_MEMORY
    __memory(1) struct entry *table = (__memory(1) struct entry *)TABLE_BASE;
    __memory(2) char *scratch = (__memory(2) char *)SCRATCH_BASE;
#else
    static struct entry table_storage[TABLE_SIZE];
    static char scratch_storage[4096];
    struct entry *table = table_storage;
    char *scratch = scratch_storage;
#endif
    static const char text[] =
        "the quick brown fox jumps over the lazy dog the fox and the dog "
        "share one memory the table lives in another memory";
    unsigned n = (unsigned)strlen(text);

    /* Copy the text into memory 2, byte by byte (memcpy across memories
     * works too, via memory.copy). */
    for (unsigned i = 0; i <= n; i++)
        scratch[i] = text[i];

    unsigned words = 0;
    for (unsigned i = 0; i < n;) {
        while (i < n && scratch[i] == ' ')
            i++;
        unsigned start = i;
        while (i < n && scratch[i] != ' ')
            i++;
        if (i > start) {
            lookup(table, scratch + start, i - start)->count++;
            words++;
        }
    }

    printf("%u words\n", words);
    unsigned distinct = 0;
    for (unsigned i = 0; i < TABLE_SIZE; i++) {
        if (table[i].count > 1) {
            char word[sizeof table[i].word];
            for (unsigned k = 0; k < sizeof word; k++)
                word[k] = table[i].word[k];
            printf("%-8s %u\n", word, table[i].count);
        }
        distinct += table[i].count != 0;
    }
    printf("%u distinct\n", distinct);
    return 0;
}
