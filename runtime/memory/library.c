/* library.c: the default memory's side of library memory N (code that
 * --in-memory=N retargeted, with its own C library), compiled with
 * -DMMCC_MEMORY=N.
 *
 * Memory N's C library keeps its own exit handlers (atexit, C++ static
 * destructors) and stdio buffers; its __wasm_call_dtors runs the handlers
 * and flushes the buffers. Something has to call it when the program ends
 * without calling memory N's exit() (a library that calls exit() itself
 * ends the program through its own C library, which runs them first):
 *
 * - an application with code (and a C library) in the default memory runs
 *   its own exit handlers only, so memory N's __wasm_call_dtors is
 *   registered as one of them: output a library wrote with printf is not
 *   lost when the application returns from main;
 * - a whole program in memory N (-DMMCC_WHOLE_PROGRAM) has no C library in
 *   the default memory, and its _start returns without calling exit() when
 *   main returns 0: the linker then calls __wasm_call_dtors after _start,
 *   which is defined here as memory N's. */
#ifndef MMCC_MEMORY
#error "compile with -DMMCC_MEMORY=<memory number>"
#endif

#define MMCC_STRINGIFY_(x) #x
#define MMCC_STRINGIFY(x) MMCC_STRINGIFY_(x)

void memory_call_dtors(void) __asm__("__mmcc_in" MMCC_STRINGIFY(MMCC_MEMORY) ".__wasm_call_dtors");

#ifdef MMCC_WHOLE_PROGRAM

void __wasm_call_dtors(void) {
  memory_call_dtors();
}

#else

#include <stdlib.h>

__attribute__((constructor)) static void register_memory_exit(void) {
  atexit(memory_call_dtors);
}

#endif
