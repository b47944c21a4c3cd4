// What is compiled in a '#pragma mmcc memory(push, 3)' region is compiled
// for memory 0, as part of the application, so a region holds declarations
// only: a function body there is an error, and so is a variable defined
// there whose type would have memory-3 pointers. Their types are left as
// they are (the body sees the types it is compiled with), so the error is
// the only one.
#pragma mmcc memory(push, 3)
static inline int first_byte(const char *p) { return *p; } // expect-error@col=19: 'first_byte' is defined inside '#pragma mmcc memory(push, 3)', but a body here is compiled for memory 0, as part of the application, not as memory 3's library code; move the definition out of the region, or into the library's own sources (compiled with --in-memory=3)
int declared_first(char *p);
int declared_first(char *p) { return *p; } // expect-error: 'declared_first' is defined inside
char *current_name; // expect-error@col=7: 'current_name' is defined inside '#pragma mmcc memory(push, 3)': a variable defined there belongs to the application, in memory 0, but its type would say memory 3's pointers; declare it 'extern' (the library's variable), or define it outside the region
static const char *const names[] = {"a", "b"}; // expect-error@col=26: 'names' is defined inside
extern int with_initializer = 1; // expect-error@col=12: 'with_initializer' is defined inside '#pragma mmcc memory(push, 3)': an 'extern' declaration there declares the library's variable, but with an initializer it defines it in the application // expect-warning: 'extern' variable has an initializer
// Definitions without pointers change nothing, and are fine.
static const int version_major = 1;
enum { LEVEL_DEFAULT = 6 };
#pragma mmcc memory(push, 0)
static inline int helper(char *p) { return *p; } // a region of memory 0 is the application's
#pragma mmcc memory(pop)
#pragma mmcc memory(pop)

int use(char *p) { return first_byte(p) + helper(p) + version_major; }
