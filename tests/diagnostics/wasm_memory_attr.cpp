// The C++11 spelling [[mmcc::wasm_memory]].
[[mmcc::wasm_memory]] char fine[4096];

[[mmcc::wasm_memory]] int function(); // expect-error: can only be applied to a global variable, not to a function

struct S {
  [[mmcc::wasm_memory]] int field; // expect-error: not to a struct or union member
  [[mmcc::wasm_memory]] static char static_member[16];
};

thread_local __attribute__((wasm_memory)) char per_thread[16]; // expect-error: not to a thread-local variable
