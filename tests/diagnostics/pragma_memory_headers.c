// Two ways a '#pragma mmcc memory' region would leave a library's
// declarations in memory 0, and their warnings (-Wmmcc-memory-pragma):
// the header was included before, outside the region, and its include
// guard skips it inside; or the region includes a system header whose
// declarations it would change (system headers are the application's C
// library).
#include "include/pragma_guarded.h"

#pragma mmcc memory(push, 3)
#include "include/pragma_guarded.h" // expect-warning@col=10: 'pragma_guarded.h' was read before, outside '#pragma mmcc memory' regions, so in memory 0, and is skipped here (its include guard), so inside '#pragma mmcc memory(push, 3)' its declarations keep memory 0's pointer types; include it for the first time inside the region [-Wmmcc-memory-pragma]
#include "include/pragma_system.h" // expect-warning: 'pragma_system.h' is a system header, so inside '#pragma mmcc memory(push, 3)' its declarations keep memory 0's types (system headers are the application's C library): if it is the library's header, put its directory on the include path with -I rather than -isystem; if it is the C library's, include it before the region [-Wmmcc-memory-pragma]
#pragma mmcc memory(pop)

// Both kept memory 0's types.
_Static_assert(__builtin_types_compatible_p(__typeof__(guarded_count), int (const char *)), "");
_Static_assert(__builtin_types_compatible_p(__typeof__(sys_puts), int (const char *)), "");

// Read first in the region, the header's types are memory 3's; skipped in
// another region of memory 3 it needs no warning.
#pragma mmcc memory(push, 3)
#include "include/pragma_lib.h"
#pragma mmcc memory(pop)
#pragma mmcc memory(push, 3)
#include "include/pragma_lib.h"
#pragma mmcc memory(pop)
#include "include/pragma_lib.h"
_Static_assert(__builtin_types_compatible_p(__typeof__(lib_version), const __attribute__((address_space(3))) char *(void)), "");
