// wasm_memory arrays of classes in C++. Elements live outside memory 0, and
// constructors and member functions take 'this' in memory 0: classes that
// need a constructor or destructor cannot be elements, and a non-const
// member function cannot run on one. Whole elements of a trivially
// copyable class are copied and assigned (MemoryClassMembers.cpp).
struct Point {
  int x, y;
  int sum() const { return x + y; }
  void flip() { x = -x; }
};
struct WithDefaults { int v = 7; int w; };
struct WithConstructor { int v; WithConstructor() : v(1) {} };
struct WithDestructor { int v; ~WithDestructor() {} };

__attribute__((wasm_memory)) Point points[16];          // zeroed, no constructor runs
__attribute__((wasm_memory)) Point more_points[4] = {}; // also fine
__attribute__((wasm_memory)) WithDefaults defaults[4] = {};
__attribute__((wasm_memory)) WithDefaults no_init[4]; // expect-error: give the wasm_memory array an initializer
__attribute__((wasm_memory)) WithConstructor constructed[4]; // expect-error: cannot have a constructor or destructor
__attribute__((wasm_memory)) WithDestructor destructed[4] = {}; // expect-error: cannot have a constructor or destructor

int fields(int i) {
  points[i].x = points[i + 1].y; // fields: fine
  return points[i].x + defaults[i].v;
}

void whole_elements(int i, Point p) {
  points[i] = points[i + 1];
  points[i] = p;
  more_points[i] = points[i];
  Point copy = points[i];
  (void)copy;
}

int members(int i) {
  int s = points[i].sum();
  points[i].flip(); // expect-error: cannot initialize object parameter
  return s;
}
