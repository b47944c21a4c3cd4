// Constructs the memory-indexing pass does not compile (yet) are located
// errors, never silent memory-0 code. (Checked through mmcc only.)
#define MEM2 __attribute__((address_space(2)))

_Thread_local MEM2 int per_thread;

int uses_thread_local(void) {
  return per_thread; // expect-error: thread-local variables live in memory 0
}
