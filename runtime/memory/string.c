/* string.c: the string and memory functions of one memory (mm_strlen(N,
 * ...) and friends): the C library's functions with every pointer in
 * memory N. Byte loops that clang's optimizer handles well; memcpy, memmove
 * and memset become memory.copy / memory.fill on memory N. */
#include "runtime.h"

#if MMCC_MEMORY == 0

#include <stdlib.h>
#include <string.h>

size MMCC_RT(strlen)(address s) { return strlen((const char *)s); }
size MMCC_RT(strnlen)(address s, size max) { return strnlen((const char *)s, max); }
int MMCC_RT(strcmp)(address a, address b) { return strcmp((const char *)a, (const char *)b); }
int MMCC_RT(strncmp)(address a, address b, size n) { return strncmp((const char *)a, (const char *)b, n); }
address MMCC_RT(strchr)(address s, int c) { return (address)strchr((const char *)s, c); }
address MMCC_RT(strrchr)(address s, int c) { return (address)strrchr((const char *)s, c); }
address MMCC_RT(strstr)(address h, address n) { return (address)strstr((const char *)h, (const char *)n); }
size MMCC_RT(strspn)(address s, address set) { return strspn((const char *)s, (const char *)set); }
size MMCC_RT(strcspn)(address s, address set) { return strcspn((const char *)s, (const char *)set); }
address MMCC_RT(strcpy)(address d, address s) { return (address)strcpy((char *)d, (const char *)s); }
address MMCC_RT(strncpy)(address d, address s, size n) { return (address)strncpy((char *)d, (const char *)s, n); }
address MMCC_RT(strcat)(address d, address s) { return (address)strcat((char *)d, (const char *)s); }
address MMCC_RT(strncat)(address d, address s, size n) { return (address)strncat((char *)d, (const char *)s, n); }
address MMCC_RT(strdup)(address s) { return (address)strdup((const char *)s); }
address MMCC_RT(strndup)(address s, size n) { return (address)strndup((const char *)s, n); }
address MMCC_RT(memchr)(address s, int c, size n) { return (address)memchr((const void *)s, c, n); }
int MMCC_RT(memcmp)(address a, address b, size n) { return memcmp((const void *)a, (const void *)b, n); }
address MMCC_RT(memcpy)(address d, address s, size n) { return (address)memcpy((void *)d, (const void *)s, n); }
address MMCC_RT(memmove)(address d, address s, size n) { return (address)memmove((void *)d, (const void *)s, n); }
address MMCC_RT(memset)(address d, int c, size n) { return (address)memset((void *)d, c, n); }
int MMCC_RT(atoi)(address s) { return atoi((const char *)s); }
long MMCC_RT(atol)(address s) { return atol((const char *)s); }
long long MMCC_RT(atoll)(address s) { return atoll((const char *)s); }

#else

typedef const MEM unsigned char *bytes;
typedef MEM unsigned char *out_bytes;

size MMCC_RT(strlen)(address s) {
    bytes p = (bytes)s;
    size n = 0;
    while (p[n])
        n++;
    return n;
}

size MMCC_RT(strnlen)(address s, size max) {
    bytes p = (bytes)s;
    size n = 0;
    while (n < max && p[n])
        n++;
    return n;
}

int MMCC_RT(strcmp)(address a, address b) {
    bytes x = (bytes)a, y = (bytes)b;
    while (*x && *x == *y)
        x++, y++;
    return *x - *y;
}

int MMCC_RT(strncmp)(address a, address b, size n) {
    bytes x = (bytes)a, y = (bytes)b;
    if (!n)
        return 0;
    while (--n && *x && *x == *y)
        x++, y++;
    return *x - *y;
}

address MMCC_RT(strchr)(address s, int c) {
    bytes p = (bytes)s;
    unsigned char ch = (unsigned char)c;
    for (;; p++) {
        if (*p == ch)
            return (address)p;
        if (!*p)
            return 0;
    }
}

address MMCC_RT(strrchr)(address s, int c) {
    bytes p = (bytes)s;
    unsigned char ch = (unsigned char)c;
    address found = 0;
    for (;; p++) {
        if (*p == ch)
            found = (address)p;
        if (!*p)
            return found;
    }
}

address MMCC_RT(memchr)(address s, int c, size n) {
    bytes p = (bytes)s;
    unsigned char ch = (unsigned char)c;
    for (size i = 0; i < n; i++)
        if (p[i] == ch)
            return (address)(p + i);
    return 0;
}

int MMCC_RT(memcmp)(address a, address b, size n) {
    bytes x = (bytes)a, y = (bytes)b;
    for (size i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

address MMCC_RT(strstr)(address h, address n) {
    size needle = MMCC_RT(strlen)(n);
    if (!needle)
        return h;
    bytes first = (bytes)n;
    for (bytes p = (bytes)h; *p; p++)
        if (*p == *first && !MMCC_RT(memcmp)((address)p, n, needle))
            return (address)p;
    return 0;
}

/* A 256-bit set of the bytes in set (in memory 0: it is local). */
static void byte_set(address set, uint32_t bits[8]) {
    for (int i = 0; i < 8; i++)
        bits[i] = 0;
    for (bytes p = (bytes)set; *p; p++)
        bits[*p >> 5] |= 1u << (*p & 31);
}

size MMCC_RT(strspn)(address s, address set) {
    uint32_t bits[8];
    byte_set(set, bits);
    bytes p = (bytes)s;
    size n = 0;
    while (p[n] && (bits[p[n] >> 5] >> (p[n] & 31) & 1))
        n++;
    return n;
}

size MMCC_RT(strcspn)(address s, address set) {
    uint32_t bits[8];
    byte_set(set, bits);
    bits[0] |= 1; /* stop at the terminator too */
    bytes p = (bytes)s;
    size n = 0;
    while (!(bits[p[n] >> 5] >> (p[n] & 31) & 1))
        n++;
    return n;
}

address MMCC_RT(memcpy)(address d, address s, size n) {
    __builtin_memcpy((out_bytes)d, (bytes)s, n);
    return d;
}

address MMCC_RT(memmove)(address d, address s, size n) {
    __builtin_memmove((out_bytes)d, (bytes)s, n);
    return d;
}

address MMCC_RT(memset)(address d, int c, size n) {
    __builtin_memset((out_bytes)d, c, n);
    return d;
}

address MMCC_RT(strcpy)(address d, address s) {
    return MMCC_RT(memcpy)(d, s, MMCC_RT(strlen)(s) + 1);
}

address MMCC_RT(strncpy)(address d, address s, size n) {
    size len = MMCC_RT(strnlen)(s, n);
    MMCC_RT(memcpy)(d, s, len);
    MMCC_RT(memset)(d + len, 0, n - len);
    return d;
}

address MMCC_RT(strcat)(address d, address s) {
    MMCC_RT(strcpy)(d + MMCC_RT(strlen)(d), s);
    return d;
}

address MMCC_RT(strncat)(address d, address s, size n) {
    address end = d + MMCC_RT(strlen)(d);
    size len = MMCC_RT(strnlen)(s, n);
    MMCC_RT(memcpy)(end, s, len);
    ((out_bytes)end)[len] = 0;
    return d;
}

address MMCC_RT(strndup)(address s, size n) {
    size len = MMCC_RT(strnlen)(s, n);
    address d = MMCC_RT(malloc)(len + 1);
    if (d) {
        MMCC_RT(memcpy)(d, s, len);
        ((out_bytes)d)[len] = 0;
    }
    return d;
}

address MMCC_RT(strdup)(address s) {
    return MMCC_RT(strndup)(s, (size)-1);
}

/* atoi and friends: optional white space, an optional sign, decimal
 * digits (as the C library's; overflow is undefined there too). */
static long long parse_decimal(address s) {
    bytes p = (bytes)s;
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    int negative = 0;
    if (*p == '-' || *p == '+')
        negative = *p++ == '-';
    unsigned long long v = 0;
    while (*p >= '0' && *p <= '9')
        v = v * 10 + (unsigned)(*p++ - '0');
    return negative ? (long long)(0 - v) : (long long)v;
}

int MMCC_RT(atoi)(address s) { return (int)parse_decimal(s); }
long MMCC_RT(atol)(address s) { return (long)parse_decimal(s); }
long long MMCC_RT(atoll)(address s) { return parse_decimal(s); }

#endif /* MMCC_MEMORY != 0 */
