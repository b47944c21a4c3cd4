/* setjmp/longjmp (with -mllvm -wasm-enable-sjlj): cannot be retargeted. */
typedef long jmp_buf[8];
int setjmp(jmp_buf);
void longjmp(jmp_buf, int) __attribute__((noreturn));
static jmp_buf env;
int f(int x) { if (setjmp(env)) return 1; if (x) longjmp(env, 1); return 0; }
