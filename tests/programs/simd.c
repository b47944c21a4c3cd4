// mmcc-flags: -msimd128
// Vector loads and stores (v128) through memory-N pointers: explicit vector
// types and loops the auto-vectorizer turns into v128 code at -O2.
#include <stdio.h>
#include "region.h"

typedef int v4i __attribute__((vector_size(16)));
typedef float v4f __attribute__((vector_size(16)));

__attribute__((noinline)) static void saxpy(__memory(2) float *restrict y, const __memory(1) float *restrict x,
                                            float a, int n) {
    for (int i = 0; i < n; i++)
        y[i] = a * x[i] + y[i];
}

__attribute__((noinline)) static int sum_bytes(const __memory(3) unsigned char *p, int n) {
    int s = 0;
    for (int i = 0; i < n; i++)
        s += p[i];
    return s;
}

int main(void) {
    REGION(1, float, x, 256, 64);
    REGION(2, float, y, 256, 64);
    REGION(3, unsigned char, bytes, 1000, 64);
    REGION(2, v4i, vecs, 8, 2048);
    for (int i = 0; i < 256; i++) {
        x[i] = (float)i * 0.25f;
        y[i] = 100.0f - (float)i;
    }
    saxpy(y, x, 3.0f, 256);
    double s = 0;
    for (int i = 0; i < 256; i++)
        s += y[i];
    printf("saxpy %.3f\n", s);

    for (int i = 0; i < 1000; i++)
        bytes[i] = (unsigned char)(i * 13 + 7);
    printf("bytes %d\n", sum_bytes(bytes, 1000));

    for (int i = 0; i < 8; i++)
        vecs[i] = (v4i){i, i * 2, -i, 100 - i};
    v4i acc = {0, 0, 0, 0};
    for (int i = 0; i < 8; i++)
        acc += vecs[i] * (v4i){1, 2, 3, 4};
    printf("vec %d %d %d %d\n", acc[0], acc[1], acc[2], acc[3]);
    return 0;
}
