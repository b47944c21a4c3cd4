/* Initialized data in memory 2: importing memory 2 would overwrite the
 * host's bytes, so it needs `import-data`. */
#include <mmcc.h>
#include <stdio.h>

__memory(2) char greeting[] = "written into the host's memory";

int main(void) {
    char copy[sizeof greeting];
    for (unsigned i = 0; i < sizeof greeting; i++)
        copy[i] = greeting[i];
    printf("%s\n", copy);
    return 0;
}
