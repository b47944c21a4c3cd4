// C++ objects in memory N that C++ cannot construct or call members on:
// each is clang's located error, with mmcc's explanation of what works.
#define MEM(N) __attribute__((address_space(N)))

struct Counter {
  int n;
  Counter() : n(7) {}
};
MEM(2) Counter counter; // expect-error: no matching constructor for initialization

struct Shape {
  virtual int sides() const { return 0; }
  int id;
};
MEM(2) Shape shape = {}; // expect-error: no matching constructor

struct Point {
  int x, y;
  int sum() const { return x + y; }
};
MEM(3) Point point;

int byref(const Point &p) { return p.x; }

int use() {
  int s = point.sum(); // expect-error: cannot initialize object parameter
  s += byref(point); // expect-error: no matching function for call to 'byref'
  Shape local;
  shape = local; // expect-error: no viable overloaded '='
  return s;
}
