/* The application of examples/parser: in the default memory, with a secret
 * and a session, it hands untrusted TLV1 files to tlv.c, a parser with a
 * buffer overflow, linked into memory 5 with WASI denied:
 *
 *   mmcc -O2 -mexec-model=reactor app.c --in-memory=5 tlv.c --memory=5:wasi=deny -o parser.wasm
 *
 * A reactor driven by a host (host.mjs, tests/parser.rs), which calls
 *
 *   app_input(n)     -> the address of an n-byte buffer in memory 0, where
 *                       the host writes the file
 *   app_stage(n)     copies the n bytes into memory 5
 *   app_parse(n)     calls tlv_parse on them, in memory 5; returns its
 *                       result (entries, or < 0)
 *   app_report(r)    -> the address of a NUL-terminated report in memory 0:
 *                       the entries, read back from memory 5 and checked
 *                       like any untrusted data, and the session
 *   app_secret_address(), app_session_address(): where the secret and the
 *                       session are (what an attacker knows too: a module's
 *                       addresses are the same in every run)
 *
 * app_input() does every allocation, so that app_stage() and app_parse()
 * write nothing to memory 0 at all: from the host's side, memory 0 must be
 * byte for byte the same before and after them, whatever the file does to
 * the parser.
 *
 * Built without mmcc (or with -DMMCC_SINGLE_MEMORY) everything is in one
 * memory, the parser's stack beside the application's session: the same
 * overflow then reaches them.
 */
#include <mmcc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The parser's API with memory-5 pointers (nothing without mmcc). */
#pragma mmcc memory(push, 5)
#include "tlv.h"
#pragma mmcc memory(pop)

#define EXPORT(name) __attribute__((export_name(name)))
#define MAX_ENTRIES 8

/* The application's state, all in the default memory: a secret key in its
 * static data, a session on its heap. */
static char secret[40] = "key:7f3a9c2e-correct-horse-battery";
static uint32_t secret_sum;
struct session {
    char user[32];
    uint32_t is_admin;
    uint32_t files;
    uint32_t entries;
};
static struct session *session;

/* The host's file, in memory 0, and its copy for the parser, in memory 5,
 * with the table the parser fills (static data of the application, placed
 * in memory 5). */
static uint8_t *input;
static size_t input_cap;
static __memory(5) uint8_t *input5;
static __memory(5) struct tlv_entry entries5[MAX_ENTRIES];

static char report[8192];
static size_t used;

static uint32_t sum(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

__attribute__((constructor)) static void start(void) {
    session = calloc(1, sizeof *session);
    strcpy(session->user, "alice");
    secret_sum = sum(secret, sizeof secret);
}

EXPORT("app_secret_address") uintptr_t app_secret_address(void) {
    return (uintptr_t)secret;
}

EXPORT("app_session_address") uintptr_t app_session_address(void) {
    return (uintptr_t)session;
}

EXPORT("app_input") uint8_t *app_input(size_t n) {
    if (n > input_cap) {
        uint8_t *bigger = realloc(input, n);
        __memory(5) uint8_t *bigger5 = mm_realloc(5, input5, n);
        if (!bigger || !bigger5)
            return NULL;
        input = bigger;
        input5 = bigger5;
        input_cap = n;
    }
    return input;
}

/* The file, copied into memory 5 for the parser. */
EXPORT("app_stage") int app_stage(size_t n) {
    if (n > input_cap)
        return -1;
    mm_copy(5, input5, 0, input, n);
    return 0;
}

/* tlv_parse's code, stack, heap and C library are memory 5's, and so are
 * its input and output: this writes nothing to memory 0. */
EXPORT("app_parse") int app_parse(size_t n) {
    if (n > input_cap)
        return -100;
    return tlv_parse(input5, n, entries5, MAX_ENTRIES);
}

static void say(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *format, ...) {
    va_list args;
    va_start(args, format);
    int n = vsnprintf(report + used, sizeof report - used, format, args);
    va_end(args);
    if (n > 0)
        used = used + (size_t)n < sizeof report ? used + (size_t)n : sizeof report - 1;
}

/* A string of untrusted bytes, printable: at most `max` bytes up to the
 * first NUL, anything else as \xNN. */
static void say_bytes(const char *bytes, size_t max) {
    say("\"");
    for (size_t i = 0; i < max && bytes[i]; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            say("%c", c);
        else
            say("\\x%02x", c);
    }
    say("\"");
}

EXPORT("app_report") const char *app_report(int result) {
    used = 0;
    report[0] = 0;
    session->files++;
    if (result < 0) {
        /* tlv_strerror's string is the parser's, in memory 5: untrusted
         * too (an overflow can reach memory 5's static data). */
        __memory(5) const char *message = tlv_strerror(result);
        char text[80];
        size_t n = mm_strnlen(5, message, sizeof text - 1);
        mm_copy(0, text, 5, message, n);
        text[n] = 0;
        say("error %d: ", result);
        say_bytes(text, n);
        say("\n");
    } else {
        say("%d entr%s\n", result, result == 1 ? "y" : "ies");
        for (int i = 0; i < result && i < MAX_ENTRIES; i++) {
            /* The entry, copied out of memory 5 and treated as untrusted:
             * the name may lack its NUL, the length may be anything. */
            struct tlv_entry e;
            mm_copy(0, &e, 5, &entries5[i], sizeof e);
            uint32_t n = e.value_len <= sizeof e.value ? e.value_len : (uint32_t)sizeof e.value;
            say("  %d: name ", i);
            say_bytes(e.name, sizeof e.name);
            say(", id %u, value %u bytes%s", e.id, n, e.value_len > sizeof e.value ? " (length out of range)" : "");
            for (uint32_t k = 0; k < n && k < 16; k++)
                say("%s%02x", k ? "" : " ", e.value[k]);
            say("%s\n", n > 16 ? "..." : "");
        }
        session->entries += (uint32_t)result;
    }
    say("session: user ");
    say_bytes(session->user, sizeof session->user);
    say(", admin %s, %u files, %u entries\n", session->is_admin ? "YES" : "no", session->files, session->entries);
    say("secret: %s\n", sum(secret, sizeof secret) == secret_sum ? "intact" : "CHANGED");
    return report;
}
