/* zlib_m3.h: the part of zlib 1.2.13's API that app.c uses, as code in the
 * default memory sees it when libz lives in memory 3 (`--in-memory=3`).
 *
 * Written by hand, declaration for declaration after zlib.h and zconf.h,
 * with every pointer a memory-3 pointer: the z_stream, the buffers, the
 * version string and the strings zlib returns are all in memory 3. This is
 * what `#pragma mmcc memory(push, 3)` around `#include <zlib.h>` is to
 * produce from zlib.h itself; until that pragma is in mmcc's plugin, app.c
 * includes this file instead (define ZLIB_APP_USE_PRAGMA to use the
 * pragma).
 *
 * The layout of z_stream must be zlib's on wasm32 (deflateInit_ checks its
 * size): pointers, uInt and uLong are all 4 bytes there, so it is 56 bytes.
 */
#ifndef ZLIB_M3_H
#define ZLIB_M3_H

#include <mmcc.h>

#define ZLIB_VERSION "1.2.13"
#define ZLIB_VERNUM 0x12d0

/* zconf.h's types, with its far pointers to void in memory 3. */
typedef unsigned char Byte;
typedef Byte Bytef;
typedef unsigned int uInt;
typedef unsigned long uLong;
typedef uLong uLongf;
typedef __memory(3) void *voidpf;
typedef __memory(3) const void *voidpc;

/* The allocator hooks are function pointers (table indices, in no memory);
 * what they take and return is in memory 3. app.c leaves them Z_NULL, and
 * zlib then allocates with memory 3's own malloc. */
typedef voidpf (*alloc_func)(voidpf opaque, uInt items, uInt size);
typedef void (*free_func)(voidpf opaque, voidpf address);

struct internal_state;

typedef struct z_stream_s {
    __memory(3) Bytef *next_in; /* next input byte */
    uInt avail_in;              /* number of bytes available at next_in */
    uLong total_in;             /* total number of input bytes read so far */

    __memory(3) Bytef *next_out; /* next output byte will go here */
    uInt avail_out;              /* remaining free space at next_out */
    uLong total_out;             /* total number of bytes output so far */

    __memory(3) const char *msg;         /* last error message, NULL if no error */
    __memory(3) struct internal_state *state; /* not visible by applications */

    alloc_func zalloc; /* used to allocate the internal state */
    free_func zfree;   /* used to free the internal state */
    voidpf opaque;     /* private data object passed to zalloc and zfree */

    int data_type; /* best guess about the data type: binary or text */
    uLong adler;   /* Adler-32 or CRC-32 value of the uncompressed data */
    uLong reserved;
} z_stream;

typedef __memory(3) z_stream *z_streamp;

_Static_assert(sizeof(z_stream) == 56, "z_stream must have zlib's wasm32 layout");

#define Z_NO_FLUSH 0
#define Z_PARTIAL_FLUSH 1
#define Z_SYNC_FLUSH 2
#define Z_FULL_FLUSH 3
#define Z_FINISH 4
#define Z_BLOCK 5
#define Z_TREES 6

#define Z_OK 0
#define Z_STREAM_END 1
#define Z_NEED_DICT 2
#define Z_ERRNO (-1)
#define Z_STREAM_ERROR (-2)
#define Z_DATA_ERROR (-3)
#define Z_MEM_ERROR (-4)
#define Z_BUF_ERROR (-5)
#define Z_VERSION_ERROR (-6)

#define Z_NO_COMPRESSION 0
#define Z_BEST_SPEED 1
#define Z_BEST_COMPRESSION 9
#define Z_DEFAULT_COMPRESSION (-1)

#define Z_DEFAULT_STRATEGY 0
#define Z_DEFLATED 8
#define Z_NULL 0

__memory(3) const char *zlibVersion(void);

int deflateInit_(z_streamp strm, int level, __memory(3) const char *version, int stream_size);
int deflate(z_streamp strm, int flush);
int deflateEnd(z_streamp strm);
uLong deflateBound(z_streamp strm, uLong sourceLen);

int inflateInit_(z_streamp strm, __memory(3) const char *version, int stream_size);
int inflate(z_streamp strm, int flush);
int inflateEnd(z_streamp strm);

int compress2(__memory(3) Bytef *dest, __memory(3) uLongf *destLen, __memory(3) const Bytef *source, uLong sourceLen,
              int level);
uLong compressBound(uLong sourceLen);
int uncompress(__memory(3) Bytef *dest, __memory(3) uLongf *destLen, __memory(3) const Bytef *source, uLong sourceLen);

uLong crc32(uLong crc, __memory(3) const Bytef *buf, uInt len);
uLong adler32(uLong adler, __memory(3) const Bytef *buf, uInt len);

__memory(3) const char *zError(int);

/* gzip files: zlib's code opens, reads and writes them with memory 3's C
 * library, whose WASI calls go through memory 3's adapter. */
typedef __memory(3) struct gzFile_s *gzFile;
gzFile gzopen(__memory(3) const char *path, __memory(3) const char *mode);
int gzwrite(gzFile file, voidpc buf, unsigned len);
int gzread(gzFile file, voidpf buf, unsigned len);
int gzclose(gzFile file);

/* As zlib.h has them: ZLIB_VERSION is a string literal, in the default
 * memory, so with the typed API these do not compile (see README.md);
 * app.c calls deflateInit_/inflateInit_ with a memory-3 copy instead. */
#define deflateInit(strm, level) deflateInit_((strm), (level), ZLIB_VERSION, (int)sizeof(z_stream))
#define inflateInit(strm) inflateInit_((strm), ZLIB_VERSION, (int)sizeof(z_stream))

#endif
