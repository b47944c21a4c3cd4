/* codec: streaming base64 and CRC-32 over buffers in the caller's memory.
 *
 * The "private state beside a user's memory" pattern. The host owns the
 * data: it creates a memory, hands it to the module as the import
 * env.user, and passes offsets into it. The module reads and writes the
 * host's memory only where it is told to, and keeps everything of its own
 * in a memory the host cannot see:
 *
 *   memory 1  the host's (imported as env.user, not exported again): the
 *             input and output buffers; every access is a __memory(1)
 *             pointer;
 *   memory 2  ours (private, one page, not growable): the CRC and base64
 *             tables, computed by the compiler and written by the module's
 *             data segments at instantiation, and the encoder's and
 *             decoder's state between calls;
 *   memory 0  the C stack (the module calls no C library function, so
 *             build.sh links it with --memory=0:private: no memory is
 *             exported at all).
 *
 * A library: no main. Build with -mexec-model=reactor (build.sh does).
 * Exported functions (offsets are into the host's memory):
 *
 *   codec_encode_begin()                    start a base64 stream
 *   codec_encode(in, len, out) -> n         encode a chunk, n bytes written
 *   codec_encode_end(out) -> n              write the padded last group (0 or 4)
 *   codec_decode_begin()                    start a decoding stream
 *   codec_decode(in, len, out) -> n or -1   decode a chunk (-1: not base64)
 *   codec_decode_end() -> 0 or -1           -1: the text stopped mid-group
 *   codec_crc32(in, len, crc) -> crc        CRC-32, continued from crc (0 to start)
 */
#include <mmcc.h>
#include <stdint.h>

__memory_declare(1, __wasm_memory_import("env", "user"));
__memory_declare(2, __wasm_memory_private __wasm_memory_pages(1, 1));

/* Bytes in the host's memory. */
#define USER __memory(1)
/* Ours. */
#define PRIVATE __memory(2)

/* The host calls it by this name. */
#define EXPORT(name) __attribute__((export_name(#name)))

/* REPEAT256(F) is F(0), F(1), ..., F(255): tables the compiler computes. */
#define REPEAT4(F, n) F(n), F(n + 1), F(n + 2), F(n + 3)
#define REPEAT16(F, n) REPEAT4(F, n), REPEAT4(F, n + 4), REPEAT4(F, n + 8), REPEAT4(F, n + 12)
#define REPEAT64(F, n) REPEAT16(F, n), REPEAT16(F, n + 16), REPEAT16(F, n + 32), REPEAT16(F, n + 48)
#define REPEAT256(F) REPEAT64(F, 0), REPEAT64(F, 64), REPEAT64(F, 128), REPEAT64(F, 192)

/* CRC-32 as in zlib, PNG and Ethernet (reflected, polynomial 0xEDB88320):
 * entry n is byte n shifted through the polynomial eight times. */
#define CRC_STEP(c) (((c) >> 1) ^ (0xEDB88320u & (0u - ((c) & 1u))))
#define CRC_ENTRY(n) \
    CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP((uint32_t)(n)))))))))

static PRIVATE const uint32_t crc_table[256] = {REPEAT256(CRC_ENTRY)};

/* Base64 (RFC 4648, section 4). A character decodes to its 6-bit value or
 * to one of these. */
enum { NOT_BASE64 = 0xFF, WHITE_SPACE = 0xFE, PADDING = 0xFD };
#define DECODE_ENTRY(c)                                                        \
    (uint8_t)((c) >= 'A' && (c) <= 'Z'   ? (c) - 'A'                           \
              : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26                      \
              : (c) >= '0' && (c) <= '9' ? (c) - '0' + 52                      \
              : (c) == '+'               ? 62                                  \
              : (c) == '/'               ? 63                                  \
              : (c) == '='               ? PADDING                             \
              : (c) == ' ' || (c) == '\t' || (c) == '\r' || (c) == '\n' ? WHITE_SPACE \
                                         : NOT_BASE64)

static PRIVATE const uint8_t decode_table[256] = {REPEAT256(DECODE_ENTRY)};
static PRIVATE const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* What a stream carries from one call to the next. */
static PRIVATE struct {
    uint8_t bytes[3]; /* the start of a 3-byte group that a chunk left open */
    uint32_t count;   /* how many of them: 0, 1 or 2 */
} encoder;

static PRIVATE struct {
    uint32_t bits;      /* decoded bits not yet written as a byte */
    uint32_t bit_count; /* how many: 0, 2, 4 or 6 */
    uint32_t sextets;   /* characters of the current 4-character group seen: 0 to 3 */
    uint32_t pads;      /* '=' that ended the text so far */
    uint32_t failed;    /* the text was not base64: every call fails until the next begin */
} decoder;

/* ------------------------------------------------------------------ CRC-32 */

EXPORT(codec_crc32) uint32_t codec_crc32(USER const uint8_t *in, uint32_t len, uint32_t crc) {
    crc = ~crc;
    for (uint32_t i = 0; i < len; i++)
        crc = crc_table[(crc ^ in[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

/* ------------------------------------------------------------ base64 encode */

/* Writes the 4 characters of a 24-bit group. */
static void put_group(USER uint8_t *out, uint32_t group) {
    out[0] = (uint8_t)alphabet[group >> 18];
    out[1] = (uint8_t)alphabet[(group >> 12) & 63];
    out[2] = (uint8_t)alphabet[(group >> 6) & 63];
    out[3] = (uint8_t)alphabet[group & 63];
}

EXPORT(codec_encode_begin) void codec_encode_begin(void) {
    encoder.count = 0;
}

/* Encodes in[0..len) after what the previous call left open; writes whole
 * groups only (at most 4 * ((len + 2) / 3) bytes) and returns how many
 * bytes it wrote. */
EXPORT(codec_encode) uint32_t codec_encode(USER const uint8_t *in, uint32_t len, USER uint8_t *out) {
    USER uint8_t *start = out;
    uint32_t i = 0;
    if (encoder.count > 0) {
        while (encoder.count < 3 && i < len)
            encoder.bytes[encoder.count++] = in[i++];
        if (encoder.count < 3)
            return 0;
        put_group(out, (uint32_t)encoder.bytes[0] << 16 | (uint32_t)encoder.bytes[1] << 8 | encoder.bytes[2]);
        out += 4;
        encoder.count = 0;
    }
    for (; len - i >= 3; i += 3, out += 4)
        put_group(out, (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2]);
    while (i < len)
        encoder.bytes[encoder.count++] = in[i++];
    return (uint32_t)(out - start);
}

/* Ends the stream: writes the last group, padded with '=', if one or two
 * bytes are left over. Returns 0 or 4. */
EXPORT(codec_encode_end) uint32_t codec_encode_end(USER uint8_t *out) {
    uint32_t count = encoder.count;
    encoder.count = 0;
    if (count == 0)
        return 0;
    put_group(out, (uint32_t)encoder.bytes[0] << 16 | (count == 2 ? (uint32_t)encoder.bytes[1] << 8 : 0));
    out[3] = '=';
    if (count == 1)
        out[2] = '=';
    return 4;
}

/* ------------------------------------------------------------ base64 decode */

EXPORT(codec_decode_begin) void codec_decode_begin(void) {
    decoder.bits = 0;
    decoder.bit_count = 0;
    decoder.sextets = 0;
    decoder.pads = 0;
    decoder.failed = 0;
}

/* Decodes in[0..len) after what the previous call left open, skipping
 * white space (space, tab, CR, LF); writes every byte it completes (at
 * most 3 * len / 4 + 1) and returns how many, or -1 if the text is not
 * base64: a character outside the alphabet, '=' where no padding can be,
 * or anything but white space after the padding. */
EXPORT(codec_decode) int32_t codec_decode(USER const uint8_t *in, uint32_t len, USER uint8_t *out) {
    if (decoder.failed)
        return -1;
    USER uint8_t *start = out;
    /* In locals while the loop runs: memory 2 is read and written once. */
    uint32_t bits = decoder.bits, bit_count = decoder.bit_count;
    uint32_t sextets = decoder.sextets, pads = decoder.pads;
    for (uint32_t i = 0; i < len; i++) {
        uint8_t value = decode_table[in[i]];
        if (value < 64 && pads == 0) {
            bits = bits << 6 | value;
            bit_count += 6;
            sextets = (sextets + 1) & 3;
            if (bit_count >= 8) {
                bit_count -= 8;
                *out++ = (uint8_t)(bits >> bit_count);
                bits &= (1u << bit_count) - 1;
            }
        } else if (value == PADDING && sextets >= 2 && sextets + pads < 4) {
            pads++; /* "xx==" or "xxx=": the left-over bits are padding */
        } else if (value != WHITE_SPACE) {
            decoder.failed = 1;
            return -1;
        }
    }
    decoder.bits = bits;
    decoder.bit_count = bit_count;
    decoder.sextets = sextets;
    decoder.pads = pads;
    return (int32_t)(out - start);
}

/* Ends the stream: 0 if the text was base64 and ended with a whole group,
 * -1 otherwise. */
EXPORT(codec_decode_end) int32_t codec_decode_end(void) {
    uint32_t group = decoder.sextets + decoder.pads;
    int whole = !decoder.failed && (decoder.pads == 0 ? decoder.sextets == 0 : group == 4);
    codec_decode_begin();
    return whole ? 0 : -1;
}
