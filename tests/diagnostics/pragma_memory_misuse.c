// The library's header inside '#pragma mmcc memory(push, 3)' makes clang's
// own type checks reject memory-0 pointers passed to the library, and
// callbacks whose parameters are memory-0 pointers. (The clean use is
// clean_pragma_memory.c.)
#define MEM3 __attribute__((address_space(3)))

#pragma mmcc memory(push, 3)
#include "include/pragma_lib.h"
#pragma mmcc memory(pop)

static lib_voidp good_alloc(lib_voidp opaque, unsigned items, unsigned size);
static void *plain_alloc(void *opaque, unsigned items, unsigned size);
static void plain_free(void *opaque, void *address);
static int plain_each(char *chunk, unsigned n);
static int plain_progress(const char *stage, unsigned done);

void misuse(char *plain, lib_byte *bytes, sys_size_t *len, lib_stream *mine,
            MEM3 lib_stream *theirs, MEM3 char *buffer) {
  lib_compress(bytes, len, bytes, 4); // expect-error: passing 'lib_byte *' (aka 'unsigned char *') to parameter of type '__attribute__((address_space(3))) lib_byte *' (aka '__attribute__((address_space(3))) unsigned char *') changes address space of pointer
  lib_fill(plain, 0); // expect-error: passing 'char *' to parameter of type '__attribute__((address_space(3))) char *' changes address space of pointer
  lib_fill(buffer, plain_each); // expect-error: incompatible function pointer types passing 'int (char *, unsigned int)' to parameter of type 'int (*)(__attribute__((address_space(3))) char *, unsigned int)'
  lib_init(mine, good_alloc, 0); // expect-error: passing 'lib_stream *' (aka 'struct lib_stream *') to parameter of type 'lib_streamp' (aka '__attribute__((address_space(3))) struct lib_stream *') changes address space of pointer
  lib_init(theirs, plain_alloc, 0); // expect-error: incompatible function pointer types passing 'void *(void *, unsigned int, unsigned int)' to parameter of type 'lib_alloc_fn'
  lib_init(theirs, good_alloc, plain_free); // expect-error: incompatible function pointer types passing 'void (void *, void *)' to parameter of type 'lib_free_fn' (aka 'void (*)(__attribute__((address_space(3))) void *, __attribute__((address_space(3))) void *)')
  theirs->msg = plain; // expect-error: assigning 'char *' to '__attribute__((address_space(3))) char *__attribute__((address_space(3)))' changes address space of pointer
  theirs->zalloc = plain_alloc; // expect-error: incompatible function pointer types assigning to '__attribute__((address_space(3))) lib_alloc_fn'
  theirs->progress = plain_progress; // expect-error: incompatible function pointer types assigning to 'int (*__attribute__((address_space(3))))(const __attribute__((address_space(3))) char *, unsigned int)' from 'int (const char *, unsigned int)'
  char *version = lib_version(); // expect-error: initializing 'char *' with an expression of type 'const __attribute__((address_space(3))) char *' changes address space of pointer
  int *error = &lib_errno; // expect-error: initializing 'int *' with an expression of type '__attribute__((address_space(3))) int *' changes address space of pointer
  lib_set_log(sys_stdout); // expect-error: passing 'SYS_FILE *' (aka 'struct sys_file *') to parameter of type '__attribute__((address_space(3))) SYS_FILE *'
  sys_puts(lib_version()); // expect-error: passing 'const __attribute__((address_space(3))) char *' to parameter of type 'const char *' changes address space of pointer
  (void)version;
  (void)error;
}
