/* The application: memory 0. It includes the library's plain header inside
 * '#pragma mmcc memory(push, 3)', so every pointer the header declares is a
 * memory-3 pointer, and calls the library (linked with --in-memory=3)
 * directly with memory-3 buffers. */
#include <mmcc.h>
#include <stdio.h>
#include <string.h>

#pragma mmcc memory(push, 3)
#include "lib.h"
#pragma mmcc memory(pop)

static int failures;

static void check(int ok, const char *what) {
  printf("%s %s\n", ok ? "ok" : "FAIL", what);
  failures += !ok;
}

/* A copy of s in memory 3. */
static __memory(3) char *in3(const char *s) {
  size_t n = strlen(s) + 1;
  __memory(3) char *p = mm_malloc(3, n);
  mm_copy(3, p, 0, s, n);
  return p;
}

/* Whether the memory-3 string p is s. */
static int equals(const __memory(3) char *p, const char *s) {
  char copy[128];
  size_t n = mm_strlen(3, p);
  if (n >= sizeof copy)
    return 0;
  mm_copy(0, copy, 3, p, n + 1);
  return strcmp(copy, s) == 0;
}

/* The context of text_words' callback, in memory 3 (the library passes it
 * back as its 'void *'). */
struct word_stats {
  int words;
  size_t longest;
  char first[16];
};

/* A callback of the library: its parameters are memory-3 pointers. */
static int visit(const __memory(3) char *word, size_t length,
                 __memory(3) void *context) {
  __memory(3) struct word_stats *stats = context;
  if (stats->words++ == 0) {
    size_t n = length < 15 ? length : 15;
    mm_copy(3, stats->first, 3, word, n);
    stats->first[n] = 0;
  }
  if (length > stats->longest)
    stats->longest = length;
  return 0;
}

int main(void) {
  __memory(3) char *s = in3("hello multi-memory world");
  check(text_count(s, 'o') == 3, "text_count reads a memory-3 string");

  text_t upper = text_upper(s);
  check(upper == s && equals(upper, "HELLO MULTI-MEMORY WORLD"),
        "text_upper writes it in place and returns it");

  __memory(3) struct word_stats *stats = mm_calloc(3, 1, sizeof *stats);
  int words = text_words(s, visit, stats);
  check(words == 3 && stats->words == 3 && stats->longest == 12 &&
            equals(stats->first, "HELLO"),
        "text_words calls back with memory-3 words and context");

  const __memory(3) char *__memory(3) *parts = mm_malloc(3, 3 * sizeof *parts);
  parts[0] = in3("count");
  parts[1] = in3("upper");
  parts[2] = in3("words");
  __memory(3) char *joined = text_join(parts, 3, in3(", "));
  check(joined && equals(joined, "count, upper, words"),
        "text_join reads an array of memory-3 strings, returns its malloc'd result");
  mm_free(3, joined); /* the library's malloc is memory 3's heap */

  __memory(3) struct text_buffer *buffer = mm_malloc(3, sizeof *buffer);
  check(text_buffer_init(buffer, 4) == 0 && buffer->length == 0 &&
            buffer->last_error == NULL,
        "text_buffer_init fills a memory-3 struct");
  text_buffer_append(buffer, in3("abc"));
  text_buffer_append(buffer, in3("defgh"));
  check(buffer->length == 8 && buffer->capacity >= 9 &&
            equals(buffer->data, "abcdefgh"),
        "text_buffer_append grows its pointer field with realloc");
  text_buffer_free(buffer);
  check(buffer->data == NULL, "text_buffer_free clears it");

  __memory(3) char *out = mm_malloc(3, 32);
  check(text_format(out, 32, in3("level"), 42) == 8 && equals(out, "level=42"),
        "text_format writes with the library's snprintf");

  check(equals(text_version, "textlib 1.2") && equals(text_names[2], "words"),
        "the library's extern variables are read in memory 3");
  check(text_calls == 9, "text_calls counts the calls");
  text_calls = 100;
  text_count(s, 'L');
  check(text_calls == 101, "the application writes the library's variable");

  fflush(stdout);
  __memory(3) FILE *log = text_log();
  check(text_log_line(log, in3("a line through the library's FILE")) == 0,
        "text_log_line writes through the library's own FILE");

  printf("%d failed\n", failures);
  return failures != 0;
}
