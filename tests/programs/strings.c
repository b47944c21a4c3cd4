// The string and memory functions of memory 2 (mm_strlen(2, s), ...) and
// the copies between memories, against the C library's (plain build).
#include <stdio.h>
#include <string.h>
#include <mmcc.h>

__memory(2) char text[256];
__memory(2) char other[256];
__memory(3) char third[64];
__memory(2) char xyz[] = "xyz";
__memory(2) char digits[] = "1234567";

static void show(const char *what, long v) { printf("%-10s %ld\n", what, v); }

int main(void) {
    const char *source = "  -1234 the quick brown fox jumps over the lazy dog";
    mm_copy(2, text, 0, source, strlen(source) + 1);
    show("strlen", (long)mm_strlen(2, text));
    show("strnlen", (long)mm_strnlen(2, text, 10));
    show("atoi", mm_atoi(2, text));
    show("atol", mm_atol(2, text));
    show("atoll", (long)mm_atoll(2, text + 3));
    show("strchr", mm_strchr(2, text, 'q') - text);
    show("strchr0", mm_strchr(2, text, 0) - text);
    show("strchr-", mm_strchr(2, text, 'Z') == 0);
    show("strrchr", mm_strrchr(2, text, 'o') - text);
    show("strstr", mm_strstr(2, text, mm_strchr(2, text, 'l')) - text);
    show("memchr", (__memory(2) char *)mm_memchr(2, text, 'x', 40) - text);
    show("strspn", (long)mm_strspn(2, text, mm_strchr(2, text, ' ')));

    mm_strcpy(2, other, text + 8);
    show("strcmp", mm_strcmp(2, other, text) > 0);
    show("strcmp=", mm_strcmp(2, other, text + 8));
    show("strncmp", mm_strncmp(2, other, text + 8, 5));
    show("memcmp", mm_memcmp(2, other, text, 3) < 0);
    show("strcspn", (long)mm_strcspn(2, other, mm_strrchr(2, text, 'z')));
    mm_strncpy(2, other, xyz, 6);   /* pads with zeros */
    show("strncpy", other[3] + other[4] + other[5] + (other[6] == 'k'));
    mm_strcat(2, other, text + 28);
    mm_strncat(2, other, digits, 3);
    char back[256];
    mm_copy(0, back, 2, other, mm_strlen(2, other) + 1);
    printf("strcat     %s\n", back);

    mm_memset(2, other, '-', 5);
    mm_memcpy(2, other + 5, text + 8, 5);
    mm_memmove(2, other + 2, other, 8);
    other[10] = 0;
    mm_strcopy(3, third, 2, other);
    mm_copy(0, back, 3, third, 11);
    printf("memmove    %s\n", back);

    __memory(2) char *dup = mm_strdup(2, text + 30);
    __memory(2) char *ndup = mm_strndup(2, text, 7);
    __memory(3) char *moved = mm_strdup_to(3, 2, dup);
    show("dup", mm_strcmp(2, dup, text + 30));
    show("ndup", (long)mm_strlen(2, ndup));
    show("moved", (long)mm_strlen(3, moved));
    mm_free(2, dup);
    mm_free(2, ndup);
    mm_free(3, moved);
    return 0;
}
