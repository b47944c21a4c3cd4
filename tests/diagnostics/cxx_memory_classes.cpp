// C++ objects in memory N that C++ cannot construct or call members on:
// each is clang's located error, with mmcc's explanation of what works.
#define MEM(N) __attribute__((address_space(N)))

// Not trivially copyable (a destructor runs): its constructor cannot be
// given an object in memory N.
struct Counter {
  int n;
  Counter() : n(7) {}
  ~Counter() { n = 0; }
};
MEM(2) Counter counter; // expect-error: no matching constructor for initialization

// Trivially copyable with a constructor: direct initialization works
// (the constructor runs in memory 0 and the object is copied in), but a
// prvalue would be built in place, in memory 2.
struct Pair {
  int a, b;
  Pair(int a, int b) : a(a), b(b) {}
};
Pair make_pair_value();
MEM(2) Pair direct(1, 2);
MEM(2) Pair listed = {3, 4};
MEM(2) Pair in_place = Pair(5, 6); // expect-error@col=24: this 'Pair' is constructed with 'this' in memory 0
MEM(2) Pair returned = make_pair_value(); // expect-error: this call returns its 'Pair' result through a pointer into memory 0
MEM(2) Pair elements[2] = {{7, 8}, Pair(9, 10)}; // expect-error@col=36: builds it in place

struct Shape {
  virtual int sides() const { return 0; }
  int id;
};
MEM(2) Shape shape = {}; // expect-error: no matching constructor

struct Point {
  int x, y;
  // Const member functions run on a copy in memory 0 (the plugin's
  // twins); these two cannot: one changes the object, the other returns
  // a reference into it.
  int sum() const { return x + y; }
  void shift() { x++; }
  const int &first() const { return x; }
};
MEM(3) Point point;

int byref(const Point &p) { return p.x; }

typedef __SIZE_TYPE__ size_t;
void *operator new(size_t, void *place) noexcept;

void construct_in_place() {
  new (&point) Point{1, 2}; // expect-error: no matching 'operator new' function for non-allocating placement new expression; include <new> (mmcc: if the address is in memory N, placement new cannot construct there
}

int use() {
  int s = point.sum();
  point.shift(); // expect-error: cannot initialize object parameter
  s += point.first(); // expect-error: cannot initialize object parameter
  s += byref(point); // expect-error: no matching function for call to 'byref'
  Shape local;
  shape = local; // expect-error: no viable overloaded '='
  return s;
}

// Pointers to members: clang types `obj.*pm` as in memory 0 for an object
// in memory N, so only an immediate read is compiled right.
float member(float Pair::*unused, int Point::*pm, MEM(3) Point *p) {
  (void)unused;
  int v = point.*pm;
  int w = p->*pm;
  int &r = point.*pm; // expect-error: a pointer to member applied to an object in memory 3
  return (float)(v + w + r);
}
