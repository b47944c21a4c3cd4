/* A small text library, written for one memory: no mmcc annotations. The
 * application includes this header inside '#pragma mmcc memory(push, 3)'
 * and links the library with --in-memory=3, so every pointer below is a
 * memory-3 pointer there. */
#ifndef TEXTLIB_H
#define TEXTLIB_H
#include <stddef.h>
#include <stdio.h>

typedef char *text_t;                       /* a typedef'd pointer */
/* Called for each word: the word and the caller's context are in the
 * library's memory. */
typedef int (*text_visit_fn)(const char *word, size_t length, void *context);

struct text_buffer {                        /* pointer fields */
  char *data;
  size_t length, capacity;
  const char *last_error;
};

size_t text_count(const char *s, char c);
text_t text_upper(text_t s);
int text_words(const char *s, text_visit_fn visit, void *context);
char *text_join(const char *const *parts, size_t count, const char *separator);
int text_buffer_init(struct text_buffer *b, size_t capacity);
int text_buffer_append(struct text_buffer *b, const char *s);
void text_buffer_free(struct text_buffer *b);
int text_format(char *out, size_t size, const char *label, int value);
FILE *text_log(void);                       /* the library's own FILE */
int text_log_line(FILE *f, const char *line);

extern int text_calls;                      /* the library's variables */
extern const char *text_version;
extern const char *const text_names[3];
#endif
