/* cross-memory-links: static data that points across memories.
 *
 * A small phone book: the records live in memory 2, their names are string
 * literals in memory 0, each record links to the next in memory 2, and an
 * index in memory 3 points at records in memory 2. Every pointer is set by
 * the initializers; the linker resolves each against the memory its target
 * lives in.
 */
#include <mmcc.h>
#include <stdio.h>

struct record {
    const char *name;                  /* into memory 0 */
    unsigned number;
    __memory(2) struct record *next;   /* into memory 2 */
};

extern __memory(2) struct record book[4];
__memory(2) struct record book[4] = {
    {"ada", 1815, &book[1]},
    {"grace", 1906, &book[2]},
    {"edsger", 1930, &book[3]},
    {"barbara", 1939, 0},
};

/* In memory 3: the records sorted by name. */
__memory(2) struct record *__memory(3) by_name[4] = {&book[0], &book[3], &book[2], &book[1]};

/* In memory 0: where the list starts. */
__memory(2) struct record *first = &book[0];

int main(void) {
    printf("in order:");
    for (__memory(2) struct record *r = first; r; r = r->next)
        printf(" %s(%u)", r->name, r->number);
    printf("\nby name: ");
    for (int i = 0; i < 4; i++)
        printf(" %s", by_name[i]->name);
    printf("\n");
    return 0;
}
