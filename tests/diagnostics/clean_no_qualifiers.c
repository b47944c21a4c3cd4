// Ordinary code without memory qualifiers: the plugin must stay silent.
typedef __SIZE_TYPE__ size_t;
typedef __UINTPTR_TYPE__ uintptr_t;
size_t strlen(const char *);
int printf(const char *, ...);
void *memcpy(void *, const void *, size_t);
int vsum(int n, ...);

struct point { int x, y; };

int main(int argc, char **argv) {
  char buf[32];
  const char *s = argc > 1 ? argv[1] : "hello";
  memcpy(buf, s, strlen(s) + 1);
  printf("%s %p %zu\n", buf, (void *)buf, strlen(buf));
  struct point p = {1, 2};
  char *raw = (char *)&p;
  uintptr_t addr = (uintptr_t)raw;
  int *ip = (int *)addr;
  void *vp = ip;
  return vsum(2, *ip, p.y) + (vp == raw) + (s == 0);
}
