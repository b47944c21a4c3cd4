/* C++ exceptions: wasm exception tags cannot be retargeted. */
int may_throw(int x) { if (x < 0) throw x; return x * 2; }
int catcher(int x) { try { return may_throw(x); } catch (int e) { return e; } }
