// Small kernels over memory-N data (also used to compare instruction
// counts with the single-memory build: see docs/testing.md).
#include <stdio.h>
#include "region.h"

struct S { int a; short b; signed char c; long long d; double e; };

__attribute__((noinline)) void saxpy(__memory(2) float *y, const __memory(1) float *x, float a, int n) {
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}
__attribute__((noinline)) long long sum(__memory(2) struct S *s, int n) {
    long long t = 0;
    for (int i = 0; i < n; i++) t += s[i].a + s[i].b + s[i].c + s[i].d + (long long)s[i].e;
    return t;
}
__attribute__((noinline)) void fill(__memory(2) struct S *s, int n) {
    for (int i = 0; i < n; i++) { s[i].a = i; s[i].b = (short)i; s[i].c = (signed char)i; s[i].d = i * 3LL; s[i].e = i; }
}
__attribute__((noinline)) unsigned char get(__memory(3) unsigned char *p, int i) { return p[i + 5]; }

int main(void) {
    REGION(1, float, x, 100, 64);
    REGION(2, float, y, 100, 1024);
    REGION(2, struct S, s, 50, 2048);
    REGION(3, unsigned char, bytes, 64, 64);
    for (int i = 0; i < 100; i++) { x[i] = i * 0.5f; y[i] = 1.0f; }
    saxpy(y, x, 2.0f, 100);
    fill(s, 50);
    for (int i = 0; i < 64; i++) bytes[i] = (unsigned char)(i * 3);
    printf("%.1f %.1f %lld %d\n", y[0], y[99], sum(s, 50), get(bytes, 10));
    return 0;
}
