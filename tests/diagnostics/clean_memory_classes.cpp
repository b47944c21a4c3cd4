// Trivially copyable classes in memory N: default- and aggregate-
// initialized, copied in and out, between memories and within one, and
// assigned, with no diagnostic (the plugin declares the special members,
// MemoryClassMembers.cpp). Memory-0 objects keep their own members: no
// assignment between them becomes ambiguous.
#define MEM(N) __attribute__((address_space(N)))

struct Point {
  int x, y;
};
struct Segment {
  Point a, b;
  int tags[3];
};
union Word {
  unsigned u;
  float f;
};

MEM(2) Point points[4];
MEM(2) Point origin = {0, 0};
MEM(3) Segment segments[2] = {{{1, 2}, {3, 4}, {5, 6, 7}}};
MEM(3) Word word = {1u};

// Defined after memories 2 and 3 were named.
struct Late {
  double d;
  Point p;
};
MEM(2) Late late[2];

int use(Point byvalue) {
  Point p = points[1];
  points[2] = p;
  points[3] = origin;
  segments[1] = segments[0];
  segments[0].a = points[2];
  Segment s = segments[1];
  s.b = points[0];
  Point q;
  q = p;
  q = segments[0].b;
  Word w = word;
  word = w;
  late[0] = late[1];
  Late l = late[0];
  late[1].p = byvalue;
  MEM(2) Point &ref = points[0];
  ref = q;
  MEM(2) Point *ptr = &points[1];
  *ptr = ref;
  return p.x + s.a.y + q.x + (int)l.d + ref.y;
}
