// memcpy, memmove and memset between and within memories (memory.copy with
// two memory indices, memory.fill), struct copies, and memmove overlapping
// in both directions across a 64 KiB page boundary.
#include <stdio.h>
#include <string.h>
#include <mmcc.h>

__memory(2) unsigned char buf[80000];   /* spans two pages */
__memory(3) unsigned char other[4096];
unsigned char plain[4096];

struct blob { int a; double b; char c[13]; };
__memory(2) struct blob blob_two;
__memory(3) struct blob blob_three;

static unsigned sum(const __memory(2) unsigned char *p, unsigned n) {
    unsigned s = 0;
    for (unsigned i = 0; i < n; i++)
        s = s * 31 + p[i];
    return s;
}

static void show(const char *what, unsigned from, unsigned n) {
    printf("%-24s", what);
    for (unsigned i = 0; i < n; i++)
        printf(" %3u", buf[from + i]);
    printf("\n");
}

int main(void) {
    for (unsigned i = 0; i < sizeof plain; i++)
        plain[i] = (unsigned char)(i * 7 + 3);
    /* 0 -> 2, 2 -> 3, 3 -> 2, 2 -> 0, 2 -> 2 */
    memcpy(buf + 100, plain, 1000);
    memcpy(other, buf + 100, 500);
    memcpy(buf + 2000, other + 100, 300);
    unsigned char back[300];
    memcpy(back, buf + 2000, sizeof back);
    memcpy(buf + 3000, buf + 100, 64);
    printf("copies %u %u %u %u\n", sum(buf + 100, 1000), sum(buf + 2000, 300), back[5], buf[3000 + 63]);

    /* memmove across the page boundary at 65536, both directions. */
    for (unsigned i = 0; i < 64; i++)
        buf[65500 + i] = (unsigned char)i;
    memmove(buf + 65530, buf + 65520, 20);   /* destination after source */
    show("forward overlap:", 65516, 40);
    for (unsigned i = 0; i < 64; i++)
        buf[65500 + i] = (unsigned char)i;
    memmove(buf + 65520, buf + 65530, 20);   /* destination before source */
    show("backward overlap:", 65516, 40);

    memset(buf + 70000, 0xAB, 100);
    memset(other + 10, 0, 20);
    printf("memset %u %u %u\n", buf[70000], buf[70099], buf[70100]);

    blob_two.a = 42;
    blob_two.b = 2.5;
    strcpy((char *)back, "twelve chars");
    memcpy(blob_two.c, back, 13);
    blob_three = blob_two;                   /* struct assignment across memories */
    struct blob local = blob_three;
    printf("blob %d %.1f %s\n", local.a, local.b, local.c);
    printf("total %u\n", sum(buf, sizeof buf));
    return 0;
}
