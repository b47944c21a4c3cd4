/* The library: plain C, compiled into memory 3 with --in-memory=3 (its
 * code, data, heap, stack and C library all live there). */
#include "lib.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int text_calls;
const char *text_version = "textlib 1.2";
const char *const text_names[3] = {"count", "upper", "words"};

size_t text_count(const char *s, char c) {
  size_t n = 0;
  text_calls++;
  for (; *s; s++)
    n += *s == c;
  return n;
}

text_t text_upper(text_t s) {
  text_calls++;
  for (char *p = s; *p; p++)
    *p = (char)toupper((unsigned char)*p);
  return s;
}

int text_words(const char *s, text_visit_fn visit, void *context) {
  int words = 0;
  text_calls++;
  while (*s) {
    while (*s == ' ')
      s++;
    size_t n = strcspn(s, " ");
    if (n) {
      words++;
      if (visit(s, n, context))
        break;
    }
    s += n;
  }
  return words;
}

char *text_join(const char *const *parts, size_t count, const char *separator) {
  size_t length = 1;
  text_calls++;
  for (size_t i = 0; i < count; i++)
    length += strlen(parts[i]) + (i ? strlen(separator) : 0);
  char *out = malloc(length);
  if (!out)
    return NULL;
  out[0] = 0;
  for (size_t i = 0; i < count; i++) {
    if (i)
      strcat(out, separator);
    strcat(out, parts[i]);
  }
  return out;
}

int text_buffer_init(struct text_buffer *b, size_t capacity) {
  text_calls++;
  b->data = malloc(capacity);
  b->length = 0;
  b->capacity = capacity;
  b->last_error = b->data ? NULL : "out of memory";
  if (b->data)
    b->data[0] = 0;
  return b->data ? 0 : -1;
}

int text_buffer_append(struct text_buffer *b, const char *s) {
  size_t n = strlen(s);
  text_calls++;
  if (b->length + n + 1 > b->capacity) {
    size_t capacity = 2 * (b->length + n + 1);
    char *data = realloc(b->data, capacity);
    if (!data) {
      b->last_error = "out of memory";
      return -1;
    }
    b->data = data;
    b->capacity = capacity;
  }
  memcpy(b->data + b->length, s, n + 1);
  b->length += n;
  return 0;
}

void text_buffer_free(struct text_buffer *b) {
  text_calls++;
  free(b->data);
  b->data = NULL;
  b->length = b->capacity = 0;
}

int text_format(char *out, size_t size, const char *label, int value) {
  text_calls++;
  return snprintf(out, size, "%s=%d", label, value);
}

FILE *text_log(void) { return stdout; }

int text_log_line(FILE *f, const char *line) {
  text_calls++;
  return fputs(line, f) < 0 || fputc('\n', f) < 0 || fflush(f) ? -1 : 0;
}
