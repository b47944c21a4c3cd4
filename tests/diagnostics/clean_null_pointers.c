// Allowed: null pointer constants converted to pointers into any memory.
#define MEM2 __attribute__((address_space(2)))
#define NULL ((void *)0)

MEM2 char *global_null = 0;
MEM2 char *global_null2 = NULL;

MEM2 char *nulls(MEM2 char *p, int c) {
  MEM2 char *a = 0;
  MEM2 char *b = NULL;
  MEM2 int *d = (MEM2 int *)0;
  MEM2 char *e = (MEM2 char *)(char *)0;
  if (p == 0 || p != NULL || !p)
    return c ? p : 0;
  p = NULL;
  (void)a; (void)b; (void)d; (void)e;
  return c ? NULL : p;
}
