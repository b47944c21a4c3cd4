/* In a library memory, a cast between the application's memory and the
 * library's is a cast between two memories. */
#include <mmcc.h>
int lib_first(const __default_memory int *caller) {
  const int *mine = (const int *)caller;
  return *mine;
}
