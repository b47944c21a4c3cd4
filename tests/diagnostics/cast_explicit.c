// Explicit casts between pointers into different memories are errors: an
// address in memory 2 means nothing in memory 0 (and LLVM's WebAssembly
// backend would crash on the addrspacecast).
#define MEM2 __attribute__((address_space(2)))
#define MEM3 __attribute__((address_space(3)))

char *to_default(MEM2 char *p) {
  return (char *)p; // expect-error@col=10: cast from a pointer into memory 2 to a pointer into memory 0 (the default memory)
}

MEM2 char *from_default(char *p) {
  return (MEM2 char *)p; // expect-error: cast from a pointer into memory 0 (the default memory) to a pointer into memory 2
}

MEM3 char *between_memories(MEM2 char *p) {
  return (MEM3 char *)p; // expect-error: cast from a pointer into memory 2 to a pointer into memory 3
}

int *other_pointee_type(MEM2 char *p) {
  return (int *)p; // expect-error: cast from a pointer into memory 2 to a pointer into memory 0
}

void *to_void(MEM2 int *p) {
  return (void *)p; // expect-error: copy the data instead (memcpy works across memories)
}

// The pointers stored at *pp point into memory 2; reading them as 'char *'
// would use them as memory-0 addresses.
char **nested(MEM2 char **pp) {
  return (char **)pp; // expect-error: would make pointers into memory 2 be read as pointers into memory 0
}

// Through a macro: reported where the macro is used.
#define AS_PLAIN(p) ((char *)(p))
char first(MEM2 char *p) {
  return *AS_PLAIN(p); // expect-error: cast from a pointer into memory 2
}
