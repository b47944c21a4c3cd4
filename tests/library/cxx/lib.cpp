#include <vector>
#include <string>
#include <map>
#include <algorithm>
#include <cstdio>
/* C++ in a library memory: libc++ containers and strings, and a static
 * object whose constructor and destructor must run. */
struct Registry {
  std::map<std::string, int> counts;
  Registry() { std::printf("lib: registry constructed\n"); }
  ~Registry() { std::printf("lib: registry destroyed with %zu words\n", counts.size()); }
};
static Registry registry;
extern "C" int lib_count_words(const char *text) {
  std::string s(text), word;
  std::vector<std::string> words;
  for (char c : s) { if (c == ' ') { if (!word.empty()) words.push_back(word); word.clear(); } else word += c; }
  if (!word.empty()) words.push_back(word);
  for (auto &w : words) registry.counts[w]++;
  std::sort(words.begin(), words.end());
  return (int)words.size();
}
