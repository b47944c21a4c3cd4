/* Thread-local storage: cannot move into a library memory. */
_Thread_local int per_thread = 7;
int get(void) { return per_thread; }
