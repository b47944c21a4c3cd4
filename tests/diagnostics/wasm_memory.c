// wasm_memory arrays are memories of their own: indexed, never pointed
// into; the attribute and its companions only fit global arrays. (mmcc
// defines __mmcc__; the plugin-only run defines it here.)
#ifndef __mmcc__
#define __mmcc__ 1
#endif
#include "../../runtime/include/mmcc.h"

__wasm_memory int ring[64];
__wasm_memory struct cell { int key, value; } cells[16];
__wasm_memory int grid[8][8];

void use_int(__typeof__(ring[0]) *p); // expect-error: 'p' would point into 'ring'

void misuse(void) {
  (void)&ring[3]; // expect-error: cannot take the address of an element of 'ring'
  (void)&ring; // expect-error: cannot take the address of 'ring'
  (void)&cells[2].value; // expect-error: cannot take the address of a member of an element of 'cells'
  use_int(ring); // expect-error: 'ring' cannot be passed where a pointer is expected
  (void)(ring + 1); // expect-error: 'ring' cannot be used as a pointer
}

int fine(int i) {
  ring[i & 63] += 2;
  cells[i & 15].value = cells[0].key;
  int n = (int)(sizeof ring / sizeof ring[0]);
  return *(ring + 1) + (ring + 2)[i & 7] + grid[i & 7][1] + *(grid[2] + 3 + 1) + n + (int)mm_array_pages(ring);
}

__attribute__((wasm_memory)) int not_an_array; // expect-error: 'not_an_array' has type 'int', which is not an array
__attribute__((wasm_memory)) void function(void); // expect-error: can only be applied to a global variable, not to a function
void local(void) {
  __attribute__((wasm_memory)) int automatic[4]; // expect-error: not to a local variable with automatic storage
  static __wasm_memory int kept[4];
  kept[0] = automatic[0];
}
__attribute__((wasm_memory)) __memory(2) int both[4]; // expect-error: its elements cannot also be in an address space
__wasm_memory __wasm_memory_import("env", "user") int defined_import[4] = {1}; // expect-error: is imported from the host (wasm_memory_import)
__wasm_memory __wasm_memory_pages(4, 2) int bad_limits[4]; // expect-error: the minimum size of 'bad_limits' (4 pages) is larger than its maximum (2 pages)
__wasm_memory __wasm_memory_shared int unbounded[4]; // expect-error: a shared memory needs a maximum size
__wasm_memory __wasm_memory_export("x") __wasm_memory_private int contradiction[4]; // expect-error: cannot be both exported
__wasm_memory __wasm_memory_pages(1, 1) int too_big[20000]; // expect-error: more than its maximum of 1 pages
__wasm_memory_export("plain") int plain[4]; // expect-error: 'plain' is not a wasm_memory array
__wasm_memory_pages(70000) __wasm_memory int huge_limit[4]; // expect-error: must be an integer constant from 0 to 65536

extern __wasm_memory int later[4];
__wasm_memory __wasm_memory_export("late") int later[4]; // expect-error: adds a memory export setting
