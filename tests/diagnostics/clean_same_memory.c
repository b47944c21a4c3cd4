// Allowed: everything that stays within one memory.
#define MEM2 __attribute__((address_space(2)))
typedef __SIZE_TYPE__ size_t;

struct node { MEM2 struct node *next; int value; };

int sum(MEM2 const struct node *n) {
  int s = 0;
  for (; n; n = n->next)
    s += n->value;
  return s;
}

void fill(MEM2 int *dst, size_t n, int v) {
  for (size_t i = 0; i < n; ++i)
    dst[i] = v;
}

MEM2 char *advance(MEM2 char *p, long k) { return p + k; }

void uses(MEM2 char *p, MEM2 char *end, MEM2 struct node *list) {
  MEM2 void *v = p;              // pointee type changes, memory does not
  MEM2 int *ip = (MEM2 int *)v;
  MEM2 const char *cp = p;       // adding const
  MEM2 char **pp = &p;           // a memory-0 variable holding a memory-2 pointer
  long len = end - p;
  int before = p < end;
  fill(ip, 4, 0);
  (void)advance(*pp, len);
  (void)sum(list);
  (void)cp; (void)before;
}
