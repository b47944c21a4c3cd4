// '#pragma mmcc memory(push, 3)' ... '(pop)': the header of a library that
// lives in memory 3 (mmcc --in-memory=3), written for one memory, declares
// memory-3 pointer types inside the region. The assertions below fail to
// compile if a type is not exactly what the library sees.
#define MEM2 __attribute__((address_space(2)))
#define MEM3 __attribute__((address_space(3)))
#define SAME(a, b) _Static_assert(__builtin_types_compatible_p(a, b), #a " is " #b)

#pragma mmcc memory(push, 3)
#include "include/pragma_lib.h"
#pragma mmcc memory(pop)

// Functions: parameters and results, at every level; arrays decay into
// memory-3 pointers; callbacks take memory-3 pointers, the function pointer
// itself has no memory.
SAME(__typeof__(lib_compress), int (MEM3 lib_byte *, MEM3 sys_size_t *,
                                    const MEM3 lib_byte *, sys_size_t));
SAME(__typeof__(lib_version), const MEM3 char *(void));
SAME(__typeof__(lib_join), MEM3 char *(const MEM3 char *const MEM3 *, int, char));
SAME(__typeof__(lib_fill), int (MEM3 char *, int (*)(MEM3 char *, unsigned)));
SAME(__typeof__(lib_init), int (MEM3 lib_stream *,
                                MEM3 void *(*)(MEM3 void *, unsigned, unsigned),
                                void (*)(MEM3 void *, MEM3 void *)));
// The library's FILE is its own, in memory 3.
SAME(__typeof__(lib_set_log), void (MEM3 SYS_FILE *));

// Typedefs.
SAME(lib_bytes, MEM3 unsigned char *);
SAME(lib_voidp, MEM3 void *);
SAME(lib_alloc_fn, MEM3 void *(*)(MEM3 void *, unsigned, unsigned));
SAME(lib_streamp, MEM3 struct lib_stream *);

// Struct fields.
SAME(__typeof__(((lib_stream *)0)->next_in), const MEM3 unsigned char *);
SAME(__typeof__(((lib_stream *)0)->next_out), MEM3 unsigned char *);
SAME(__typeof__(((lib_stream *)0)->msg), MEM3 char *);
SAME(__typeof__(((lib_stream *)0)->names), MEM3 char *MEM3 *);
SAME(__typeof__(((lib_stream *)0)->progress), int (*)(const MEM3 char *, unsigned));
SAME(__typeof__(((lib_stream *)0)->log), MEM3 SYS_FILE *);
SAME(__typeof__(((lib_stream *)0)->total), sys_size_t);
SAME(__typeof__(((lib_stream *)0)->tag), char[8]);

// Extern variables are the library's: their storage is in memory 3.
SAME(__typeof__(&lib_errno), MEM3 int *);
SAME(__typeof__(lib_messages), const MEM3 char *MEM3[]);
SAME(__typeof__(&lib_default_stream), MEM3 lib_stream *);

// Declarations of system headers (the C library's) stay memory 0, even
// when the region includes the header first.
SAME(__typeof__(sys_puts), int (const char *));
SAME(sys_string, char *);
SAME(__typeof__(&sys_stdout), SYS_FILE **);

// Declarations written in the region itself; an address space that is
// written keeps its memory.
#pragma mmcc memory(push, 3)
int lib_explicit(MEM2 char *in_two, MEM2 char **to_two, char *MEM2 *in_two_to_three);
#pragma mmcc memory(push, 0)
int app_helper(char *p);  // a region of memory 0 changes nothing
#pragma mmcc memory(pop)
int lib_after_inner(char *p);
#pragma mmcc memory(pop)
int app_after(char *p);
SAME(__typeof__(lib_explicit), int (MEM2 char *, MEM2 char *MEM3 *, MEM3 char *MEM2 *));
SAME(__typeof__(app_helper), int (char *));
SAME(__typeof__(lib_after_inner), int (MEM3 char *));
SAME(__typeof__(app_after), int (char *));

// The pragma from a macro.
#define LIBRARY_BEGIN _Pragma("mmcc memory(push, 3)")
#define LIBRARY_END _Pragma("mmcc memory(pop)")
LIBRARY_BEGIN
char *lib_from_macro(char *p);
LIBRARY_END
SAME(__typeof__(lib_from_macro), MEM3 char *(MEM3 char *));

// Without multiple memories (<mmcc.h>'s MMCC_SINGLE_MEMORY), every memory
// is memory 0, and so is the region's.
#define MMCC_SINGLE_MEMORY
#pragma mmcc memory(push, 3)
int lib_single(char *p);
#pragma mmcc memory(pop)
#undef MMCC_SINGLE_MEMORY
SAME(__typeof__(lib_single), int (char *));

// The application uses the library with memory-3 buffers and callbacks
// that take memory-3 pointers.
static MEM3 lib_byte input[64], output[128];
static MEM3 sys_size_t output_len;

static lib_voidp app_alloc(lib_voidp opaque, unsigned items, unsigned size) {
  (void)items;
  (void)size;
  return opaque;
}
static void app_free(lib_voidp opaque, lib_voidp address) {
  (void)opaque;
  (void)address;
}
static int app_each(MEM3 char *chunk, unsigned n) { return chunk[0] + (int)n; }
static int app_progress(const MEM3 char *stage, unsigned done) { return stage[done]; }

int use_library(void) {
  lib_streamp s = &lib_default_stream;
  s->next_in = input;
  s->next_out = output;
  s->zalloc = app_alloc;
  s->zfree = app_free;
  s->progress = app_progress;
  if (lib_init(s, app_alloc, app_free) != 0)
    return lib_errno;
  output_len = sizeof output;
  int r = lib_compress(output, &output_len, input, sizeof input);
  const MEM3 char *version = lib_version();
  MEM3 char *msg = s->msg;
  r += lib_fill((MEM3 char *)output, app_each);
  r += version[0] + (msg ? msg[0] : 0) + (int)s->total + s->tag[0];
  lib_set_log(s->log);
  const MEM3 char *first = lib_messages[0];
  const MEM3 char *parts[2] = {first, version};
  MEM3 char *joined = lib_join((const MEM3 char *const MEM3 *)s->names, 2, ',');
  (void)parts;
  return r + first[0] + (joined ? joined[0] : 0) + lib_explicit(0, 0, 0) +
         lib_after_inner(msg) + app_helper(0) + sys_puts("done");
}
