/* zlib in memory 3, an application in memory 0.
 *
 *   mmcc -O2 -I .build/zlib/m0/include examples/zlib/app.c --in-memory=3 .build/zlib/m0/libz.a -o zlib-app.wasm
 *   mmtool run --dir . zlib-app.wasm -- INPUT [OUTPUT.z]
 *
 * The application (this file: its code, stdio, its buffers) is in the
 * default memory; zlib, built by its own CMakeLists.txt with no idea of
 * memories, is retargeted into memory 3 with its own C library, stack and
 * heap. The application reads INPUT, copies it into memory 3, compresses
 * it there with deflate (a z_stream in memory 3, output handed out in
 * chunks), inflates it again in chunks of input, copies the result back
 * and checks the round trip byte for byte; then the same with compress2 and
 * uncompress. It prints the sizes and the CRC-32 of the input twice: as
 * zlib computes it in memory 3 and as a small table-driven CRC here
 * computes it in memory 0. With OUTPUT it also writes deflate's stream
 * (zlib format) there, and OUTPUT.gz with zlib's gzopen/gzwrite, which it
 * reads back with gzread: zlib's own file I/O, through memory 3's C library.
 *
 * Exit code 0 when everything matched, 1 otherwise.
 */
#include <mmcc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* zlib's API as zlib itself sees it: every pointer zlib.h declares (the
 * z_stream's buffers, the version string, gzFile, ...) is an address in
 * memory 3. The C library's headers that zconf.h includes (<stddef.h>,
 * <limits.h>, <sys/types.h>, <stdarg.h>, <unistd.h>) are system headers,
 * which the region leaves alone: they keep memory 0's types. */
#pragma mmcc memory(push, 3)
#include <zlib.h>
#pragma mmcc memory(pop)

#define CHUNK 65536u

/* zlib's version string, in memory 3: deflateInit()/inflateInit() would
 * pass ZLIB_VERSION, a string literal in the default memory, where zlib
 * expects a pointer into its own memory (see README.md). */
static __memory(3) const char version_m3[] = ZLIB_VERSION;

static int failures;

static void fail(const char *what) {
    printf("FAIL: %s\n", what);
    failures++;
}

/* CRC-32 (the polynomial of zlib's crc32), in memory 0. */
static unsigned long app_crc32(const unsigned char *p, size_t n) {
    static unsigned long table[256];
    if (!table[1]) {
        for (unsigned i = 0; i < 256; i++) {
            unsigned long c = i;
            for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320ul ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    unsigned long crc = 0xfffffffful;
    for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return crc ^ 0xfffffffful;
}

/* A string of zlib's (memory 3), copied into `buf` to print it. */
static const char *m3_string(__memory(3) const char *s, char *buf, size_t size) {
    if (!s) return "(null)";
    size_t n = mm_strlen(3, s);
    if (n >= size) n = size - 1;
    mm_copy(0, buf, 3, s, n);
    buf[n] = 0;
    return buf;
}

static unsigned char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        if (!buf) {
            fclose(f);
            return NULL;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    int error = ferror(f);
    fclose(f);
    if (error) {
        perror(path);
        free(buf);
        return NULL;
    }
    *size = n;
    return buf;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s INPUT [OUTPUT.z]\n", argv[0]);
        return 2;
    }
    size_t n;
    unsigned char *data = read_file(argv[1], &n);
    if (!data) return 1;
    char text[64];
    printf("zlib %s in memory 3 (header %s)\n", m3_string(zlibVersion(), text, sizeof text), ZLIB_VERSION);
    printf("input: %zu bytes\n", n);

    /* The input, in memory 3. */
    __memory(3) Bytef *in3 = mm_malloc(3, n + 1);
    if (!in3) {
        fail("mm_malloc(3) for the input");
        return 1;
    }
    mm_copy(3, in3, 0, data, n);

    /* deflate, with the stream itself in memory 3 and the output handed
     * out CHUNK bytes at a time. */
    z_streamp zs = mm_calloc(3, 1, sizeof(z_stream));
    int ret = deflateInit_(zs, Z_DEFAULT_COMPRESSION, version_m3, (int)sizeof(z_stream));
    if (ret != Z_OK) {
        printf("deflateInit_: %d\n", ret);
        fail("deflateInit_");
        return 1;
    }
    uLong bound = deflateBound(zs, n);
    __memory(3) Bytef *packed3 = mm_malloc(3, bound);
    zs->next_in = in3;
    zs->avail_in = (uInt)n;
    zs->next_out = packed3;
    do {
        uLong room = bound - zs->total_out;
        zs->avail_out = room < CHUNK ? (uInt)room : CHUNK;
        ret = deflate(zs, Z_FINISH);
    } while (ret == Z_OK);
    if (ret != Z_STREAM_END) {
        printf("deflate: %d (%s)\n", ret, m3_string(zs->msg, text, sizeof text));
        fail("deflate");
        return 1;
    }
    uLong packed = zs->total_out;
    uLong deflate_adler = zs->adler;
    deflateEnd(zs);
    printf("deflate: %lu bytes\n", packed);

    if (argc == 3) {
        unsigned char *copy = malloc(packed + 1);
        mm_copy(0, copy, 3, packed3, packed);
        FILE *out = fopen(argv[2], "wb");
        if (!out || fwrite(copy, 1, packed, out) != packed || fclose(out) != 0) {
            perror(argv[2]);
            fail("writing the compressed stream");
        }
        free(copy);
    }

    /* A gzip file, written and read back by zlib itself. */
    if (argc == 3) {
        char name[512];
        snprintf(name, sizeof name, "%s.gz", argv[2]);
        __memory(3) char *path3 = mm_strdup_to(3, 0, name);
        static __memory(3) const char write_mode[] = "wb", read_mode[] = "rb";
        gzFile gz = gzopen(path3, write_mode);
        int written = gz ? gzwrite(gz, in3, (unsigned)n) : -1;
        int closed = gz ? gzclose(gz) : -1;
        __memory(3) Bytef *gzback3 = mm_malloc(3, n + 1);
        gz = gzopen(path3, read_mode);
        int got = gz ? gzread(gz, gzback3, (unsigned)n + 1) : -1;
        if (gz) gzclose(gz);
        unsigned char *gzback = malloc(n + 1);
        mm_copy(0, gzback, 3, gzback3, got > 0 ? (size_t)got : 0);
        int same = written == (int)n && closed == Z_OK && got == (int)n && memcmp(gzback, data, n) == 0;
        printf("gzip: %s, %d bytes written and %d read back, round trip %s\n", name, written, got, same ? "ok" : "differs");
        if (!same) fail("gzwrite/gzread round trip");
        free(gzback);
        mm_free(3, gzback3);
        mm_free(3, path3);
    }

    /* inflate, CHUNK bytes of input at a time, into memory 3. */
    __memory(3) Bytef *back3 = mm_malloc(3, n + 1);
    mm_memset(3, zs, 0, sizeof(z_stream));
    ret = inflateInit_(zs, version_m3, (int)sizeof(z_stream));
    if (ret != Z_OK) {
        printf("inflateInit_: %d\n", ret);
        fail("inflateInit_");
        return 1;
    }
    zs->next_in = packed3;
    zs->next_out = back3;
    zs->avail_out = (uInt)n + 1;
    do {
        uLong left = packed - zs->total_in;
        zs->avail_in = left < CHUNK ? (uInt)left : CHUNK;
        ret = inflate(zs, Z_NO_FLUSH);
    } while (ret == Z_OK);
    if (ret != Z_STREAM_END) {
        printf("inflate: %d (%s)\n", ret, m3_string(zs->msg, text, sizeof text));
        fail("inflate");
    }
    uLong unpacked = zs->total_out;
    if (zs->adler != deflate_adler) fail("inflate's Adler-32 differs from deflate's");
    inflateEnd(zs);

    unsigned char *back = malloc(n + 1);
    mm_copy(0, back, 3, back3, unpacked <= n ? unpacked : n);
    if (unpacked != n || memcmp(back, data, n) != 0) {
        printf("inflate: %lu bytes, round trip differs\n", unpacked);
        fail("deflate/inflate round trip");
    } else {
        printf("inflate: %lu bytes, round trip ok\n", unpacked);
    }

    /* crc32 in memory 3 (zlib) and in memory 0 (here). */
    uLong crc_zlib = crc32(crc32(0, Z_NULL, 0), in3, (uInt)n);
    unsigned long crc_app = app_crc32(data, n);
    printf("crc32: zlib 0x%08lx, app 0x%08lx, %s\n", crc_zlib, crc_app, crc_zlib == crc_app ? "match" : "DIFFER");
    if (crc_zlib != crc_app) fail("crc32");

    /* compress2 and uncompress: the lengths are in-out parameters, so they
     * live in memory 3 too. */
    __memory(3) uLongf *len3 = mm_malloc(3, sizeof(uLongf));
    uLong cbound = compressBound(n);
    __memory(3) Bytef *c3 = mm_malloc(3, cbound);
    *len3 = cbound;
    ret = compress2(c3, len3, in3, n, Z_DEFAULT_COMPRESSION);
    uLong compressed = *len3;
    if (ret != Z_OK) {
        printf("compress2: %d\n", ret);
        fail("compress2");
    }
    mm_memset(3, back3, 0, n + 1);
    *len3 = n + 1;
    ret = uncompress(back3, len3, c3, compressed);
    uLong uncompressed = *len3;
    mm_copy(0, back, 3, back3, uncompressed <= n ? uncompressed : n);
    int same = ret == Z_OK && uncompressed == n && memcmp(back, data, n) == 0;
    if (compressed != packed) fail("compress2 and deflate disagree on the size");
    printf("compress2: %lu bytes, uncompress: %lu bytes, round trip %s\n", compressed, uncompressed,
           same ? "ok" : "differs");
    if (!same) fail("compress2/uncompress round trip");

    mm_free(3, len3);
    mm_free(3, c3);
    mm_free(3, back3);
    mm_free(3, packed3);
    mm_free(3, in3);
    mm_free(3, zs);
    free(back);
    free(data);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
