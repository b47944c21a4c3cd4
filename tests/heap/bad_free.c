/* Misuse of mm_free that the heap detects: argv[1] picks which. */
#include <stdio.h>
#include <string.h>
#include <mmcc.h>

int main(int argc, char **argv) {
    __memory(2) char *p = mm_malloc(2, 100);
    __memory(2) char *q = mm_malloc(2, 100);
    printf("allocated\n");
    if (argc > 1 && !strcmp(argv[1], "double")) {
        mm_free(2, p);
        mm_free(2, p);
    } else if (argc > 1 && !strcmp(argv[1], "interior")) {
        mm_free(2, p + 32);
    } else if (argc > 1 && !strcmp(argv[1], "unaligned")) {
        mm_free(2, q + 1);
    } else {
        mm_free(2, p);
        mm_free(2, q);
    }
    printf("done\n");
    return 0;
}
