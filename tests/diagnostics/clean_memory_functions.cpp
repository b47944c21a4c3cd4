// Allowed in C++ too: the plugin adds memcpy/memmove/memset overloads for
// pointers into any memory (clang's overload resolution would otherwise
// reject them), and std:: picks them up through 'using ::memcpy'.
#define MEM2 __attribute__((address_space(2)))
#define MEM3 __attribute__((address_space(3)))
typedef __SIZE_TYPE__ size_t;
extern "C" void *memcpy(void *, const void *, size_t);
extern "C" void *memmove(void *, const void *, size_t);
extern "C" void *memset(void *, int, size_t);
namespace std {
using ::memcpy;
using ::memmove;
using ::memset;
} // namespace std

struct Pixel { unsigned char r, g, b, a; };

void copies(MEM2 Pixel *img, MEM3 Pixel *other, Pixel *local, size_t n) {
  memcpy(img, local, n * sizeof(Pixel));
  memcpy(local, img, n * sizeof(Pixel));
  std::memcpy(other, img, n * sizeof(Pixel));
  memmove(img, img + 1, (n - 1) * sizeof(Pixel));
  memset(img, 0, n * sizeof(Pixel));
  std::memset(other, 0, sizeof(Pixel));
  // Ordinary memory-0 calls still go to the C library's declarations.
  memcpy(local, local + 1, sizeof(Pixel));
  void *(*fp)(void *, const void *, size_t) = &memcpy;
  (void)fp;
}
