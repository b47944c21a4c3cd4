/* library.c: the default memory's side of library memory N (code that
 * --in-memory=N retargeted, with its own C library), compiled with
 * -DMMCC_MEMORY=N when the application has code in the default memory.
 *
 * Memory N's C library keeps its own exit handlers (atexit, C++ static
 * destructors) and stdio buffers. The application's exit() runs its own
 * handlers only, so this registers memory N's __wasm_call_dtors (which runs
 * memory N's handlers and flushes its stdio) as one of them: output a
 * library wrote with printf is not lost when the application returns from
 * main. (A library that calls exit() itself ends the program through its
 * own C library, which runs its handlers before proc_exit.) */
#include <stdlib.h>

#ifndef MMCC_MEMORY
#error "compile with -DMMCC_MEMORY=<memory number>"
#endif

#define MMCC_STRINGIFY_(x) #x
#define MMCC_STRINGIFY(x) MMCC_STRINGIFY_(x)

void memory_call_dtors(void) __asm__("__mmcc_in" MMCC_STRINGIFY(MMCC_MEMORY) ".__wasm_call_dtors");

__attribute__((constructor)) static void register_memory_exit(void) {
  atexit(memory_call_dtors);
}
