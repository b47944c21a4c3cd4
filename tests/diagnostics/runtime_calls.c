// <mmcc.h>'s mm_* functions: the memory must be an integer constant that
// names a memory, and each pointer must point into the memory it is passed
// for. (mmcc defines __mmcc__; the plugin-only run defines it here.)
#ifndef __mmcc__
#define __mmcc__ 1
#endif
#include "../../runtime/include/mmcc.h"

__memory(1) char one[16];
__memory(2) char two[16];
int number;
enum { HEAP = 2 };

void misuse(int m) {
  mm_free(2, one); // expect-error: mm_free on memory 2, but 'one' points into memory 1; pass 1 as the memory
  mm_free(m, two); // expect-error: the memory of mm_free must be an integer constant expression
  (void)mm_strlen(300, two); // expect-error: mm_strlen on memory 300: memories are numbered 0 to 255
  (void)mm_strlen(20, two); // expect-error: mm_strlen on memory 20: address space 20 is reserved
  mm_copy(1, one, 2, one, 3); // expect-error: mm_copy on memory 2, but 'one' points into memory 1
  mm_free(2, number); // expect-error: mm_free expects a pointer into memory 2 here, not a value of type 'int'
  (void)mm_strcmp(2, two, "text"); // expect-error: mm_strcmp on memory 2, but '"text"' points into memory 0
}

void fine(void) {
  __memory(2) char *p = mm_malloc(HEAP, 10);
  __memory(2) char *q = mm_malloc(1 + 1, 10);
  mm_free(2, 0);
  mm_copy(2, p, 1, one, 10);
  mm_copy(0, (char *)0, 2, two, 0);
  (void)mm_strlen(2, two);
  mm_free(HEAP, p);
  mm_free(2, q);
}
