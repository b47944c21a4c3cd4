/* A library's header, written for one memory (no mmcc annotations), as
 * the pragma_memory tests of tests/diagnostics include it inside
 * '#pragma mmcc memory(push, 3)'. */
#ifndef PRAGMA_LIB_H
#define PRAGMA_LIB_H
#include "pragma_system.h"

typedef unsigned char lib_byte;
typedef lib_byte *lib_bytes;        /* a typedef'd pointer */
typedef void *lib_voidp;
/* A function-pointer typedef: its parameters and result point into the
 * library's memory; the function pointer itself is a table index. */
typedef lib_voidp (*lib_alloc_fn)(lib_voidp opaque, unsigned items, unsigned size);
typedef void (*lib_free_fn)(lib_voidp opaque, lib_voidp address);

struct lib_stream {
  const lib_byte *next_in;          /* pointer fields */
  lib_bytes next_out;
  char *msg;
  char **names;                     /* every level */
  lib_alloc_fn zalloc;
  lib_free_fn zfree;
  int (*progress)(const char *stage, unsigned done);
  lib_voidp opaque;
  SYS_FILE *log;                    /* the library's own FILE */
  sys_size_t total;
  char tag[8];
};
typedef struct lib_stream lib_stream;
typedef lib_stream *lib_streamp;

int lib_init(lib_streamp strm, lib_alloc_fn alloc, lib_free_fn release);
int lib_compress(lib_byte *dest, sys_size_t *dest_len, const lib_byte *source,
                 sys_size_t source_len);
const char *lib_version(void);
char *lib_join(const char *const *parts, int count, char separator);
int lib_fill(char buffer[16], int (*each)(char *, unsigned));
void lib_set_log(SYS_FILE *log);
extern int lib_errno;                /* extern variables: in the library's memory */
extern const char *lib_messages[];
extern lib_stream lib_default_stream;
#endif
