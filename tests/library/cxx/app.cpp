#include <mmcc.h>
#include <cstdio>
#include <cstring>
#include <vector>
extern "C" int lib_count_words(const __memory(6) char *text);
int main() {
  std::vector<int> mine{1, 2, 3};
  const char *t = "the quick brown fox jumps over the lazy dog";
  __memory(6) char *copy = (__memory(6) char *)mm_malloc(6, strlen(t) + 1);
  mm_copy(6, copy, 0, t, strlen(t) + 1);
  std::printf("app: %d words, %zu mine\n", lib_count_words(copy), mine.size());
  return 0;
}
