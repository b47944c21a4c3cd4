/* <mmcc.h>: spelling for WebAssembly multi-memory in C and C++.
 *
 * mmcc puts runtime/include on the include path, so `#include <mmcc.h>`
 * works without flags.
 *
 *   __memory(N) T *p;     p points into memory N (0 is the default memory,
 *                         which holds the C stack, libc's heap and all
 *                         ordinary data).
 *
 * Compiled by anything other than mmcc (or with MMCC_SINGLE_MEMORY defined),
 * __memory(N) expands to nothing and every memory is memory 0: the same
 * program then runs in one memory. The test suite uses this as its
 * equivalence oracle.
 */
#ifndef MMCC_H
#define MMCC_H

/* The helpers below are C functions in C++ too. */
#ifdef __cplusplus
#define __MMCC_C_LINKAGE extern "C"
#else
#define __MMCC_C_LINKAGE
#endif

#if defined(__mmcc__) && !defined(MMCC_SINGLE_MEMORY)
#define MMCC_MULTI_MEMORY 1
/* A pointer into memory N: `__memory(2) int *p`. */
#define __memory(N) __attribute__((address_space(N)))
/* A pointer into the application's default memory, named explicitly: in
 * code compiled into a library memory (--in-memory=K), where unqualified
 * pointers point into memory K, `const __default_memory char *buf` still
 * points into the application's memory 0 (a library that reads its
 * caller's buffer in place). Elsewhere it is memory 0 like an unqualified
 * pointer, but a distinct type: convert with a copy, not a cast. */
#define __default_memory __attribute__((address_space(256)))
#else
#define __memory(N)
#define __default_memory
#endif

/* ---- wasm_memory arrays: a global array that is a memory of its own ------
 *
 *   __wasm_memory int ring[1024];          memory of its own; ring[0] is at
 *                                          address 0 of that memory
 *   extern __wasm_memory int ring[1024];   the same array, defined elsewhere
 *
 * Index it (ring[i], ring[i].field, *(ring + i)); its address cannot be
 * taken or passed (mmcc reports that as an error). Companions (put them on
 * the first declaration):
 *   __wasm_memory_import("env", "user")    the host provides the memory
 *                                          (declare it extern, e.g. T a[])
 *   __wasm_memory_export("name")           exported as "name" (default: the
 *                                          array's own name)
 *   __wasm_memory_private                  not exported (static arrays
 *                                          never are)
 *   __wasm_memory_pages(min, max)          limits in 64 KiB pages
 *   __wasm_memory_shared                   a shared memory (needs a max)
 *
 * mm_array_pages(a), mm_array_bytes(a), mm_array_length(a): the memory's
 * current size in pages, bytes and elements of a (for an imported array of
 * unknown size, what the host gave); mm_array_grow(a, pages): memory.grow,
 * returns the old size in pages or -1.
 *
 * Without mmcc these are an ordinary array and its sizes: the same program
 * runs in one memory (mm_array_grow then fails with -1). */
#ifdef MMCC_MULTI_MEMORY
#define __wasm_memory __attribute__((wasm_memory))
#define __wasm_memory_import(module, field) __attribute__((wasm_memory_import(module, field)))
#define __wasm_memory_export(name) __attribute__((wasm_memory_export(name)))
#define __wasm_memory_private __attribute__((wasm_memory_private))
#define __wasm_memory_pages(...) __attribute__((wasm_memory_pages(__VA_ARGS__)))
#define __wasm_memory_shared __attribute__((wasm_memory_shared))
__MMCC_C_LINKAGE long __mmcc_wasm_memory_size(int, ...);
__MMCC_C_LINKAGE long __mmcc_wasm_memory_grow(int, ...);
#define mm_array_pages(a) ((unsigned long)__mmcc_wasm_memory_size(0, (a)))
#define mm_array_grow(a, delta_pages) __mmcc_wasm_memory_grow(0, (a), (long)(delta_pages))
#else
#define __wasm_memory
#define __wasm_memory_import(module, field)
#define __wasm_memory_export(name)
#define __wasm_memory_private
#define __wasm_memory_pages(...)
#define __wasm_memory_shared
#define mm_array_pages(a) ((unsigned long)((sizeof(a) + 65535) / 65536))
#define mm_array_grow(a, delta_pages) ((void)(delta_pages), -1L)
#endif
#define mm_array_bytes(a) ((unsigned long long)mm_array_pages(a) * 65536ull)
#define mm_array_length(a) ((unsigned long)(mm_array_bytes(a) / sizeof((a)[0])))

/* ---- Declaring a numbered memory in the source ---------------------------
 *
 *   __memory_declare(2, __wasm_memory_import("env", "user"));
 *   __memory_declare(3, __wasm_memory_private __wasm_memory_pages(1, 64));
 *
 * At file scope: memory N's settings, with the companions of wasm_memory
 * arrays (written one after the other, no commas). They travel in the
 * object file, so a library can carry them; the link checks that all
 * objects agree (an error names both), and mmcc's --memory=N:... options
 * override them. Without mmcc the declaration is nothing. */
#define __MMCC_CONCAT2(a, b) a##b
#define __MMCC_CONCAT(a, b) __MMCC_CONCAT2(a, b)
#ifdef MMCC_MULTI_MEMORY
#define __memory_declare(N, ...)                                               \
    __attribute__((memory_declare(N), used)) __VA_ARGS__ static const char    \
        __MMCC_CONCAT(__mmcc_memory_declaration_, __COUNTER__)[1] = {0}
#else
#define __memory_declare(N, ...) extern int __mmcc_memory_declaration_unused
#endif

/* Size of memory N in 64 KiB pages, and in bytes. N must be a constant. */
#ifdef MMCC_MULTI_MEMORY
#define mm_memory_pages(N) __builtin_wasm_memory_size(N)
#define mm_memory_grow(N, delta_pages) __builtin_wasm_memory_grow((N), (delta_pages))
#else
#define mm_memory_pages(N) __builtin_wasm_memory_size(0)
#define mm_memory_grow(N, delta_pages) __builtin_wasm_memory_grow(0, (delta_pages))
#endif
#define mm_memory_bytes(N) ((unsigned long long)mm_memory_pages(N) * 65536ull)

/* Wait and notify on memory N (needs -matomics or -pthread; N constant).
 *   mm_atomic_wait32(N, p, expected, timeout_ns): 0 woken, 1 value differed,
 *     2 timed out (timeout_ns < 0: no timeout); traps unless memory N is
 *     shared.
 *   mm_atomic_notify(N, p, count): wakes up to count waiters, returns how
 *     many were woken. */
#ifdef MMCC_MULTI_MEMORY
__MMCC_C_LINKAGE int __mmcc_memory_atomic_wait32(int memory, unsigned long address, int expected, long long timeout_ns);
__MMCC_C_LINKAGE int __mmcc_memory_atomic_wait64(int memory, unsigned long address, long long expected, long long timeout_ns);
__MMCC_C_LINKAGE int __mmcc_memory_atomic_notify(int memory, unsigned long address, int count);
#define mm_atomic_wait32(N, p, expected, timeout_ns) \
    __mmcc_memory_atomic_wait32((N), (unsigned long)(p), (expected), (timeout_ns))
#define mm_atomic_wait64(N, p, expected, timeout_ns) \
    __mmcc_memory_atomic_wait64((N), (unsigned long)(p), (expected), (timeout_ns))
#define mm_atomic_notify(N, p, count) __mmcc_memory_atomic_notify((N), (unsigned long)(p), (count))
#else
#define mm_atomic_wait32(N, p, expected, timeout_ns) \
    __builtin_wasm_memory_atomic_wait32((int *)(p), (expected), (timeout_ns))
#define mm_atomic_wait64(N, p, expected, timeout_ns) \
    __builtin_wasm_memory_atomic_wait64((long long *)(p), (expected), (timeout_ns))
#define mm_atomic_notify(N, p, count) __builtin_wasm_memory_atomic_notify((int *)(p), (count))
#endif


/* ---- The heap and string functions of every memory ----------------------
 *
 * Each memory N >= 1 has a heap of its own (a TLSF-style allocator that
 * lives entirely in memory N and grows it with memory.grow) and its own
 * copies of the string functions. N must be an integer constant; pointers
 * passed in must point into memory N (mmcc checks both at compile time).
 * Memory 0's are the C library's. Only the memories a program uses get this
 * code: mmcc compiles it for them at link time (see docs/heap.md).
 *
 *   __memory(N) void *mm_malloc(N, size)           NULL when memory N is full
 *   __memory(N) void *mm_calloc(N, count, size)
 *   __memory(N) void *mm_realloc(N, p, size)
 *   __memory(N) void *mm_aligned_alloc(N, align, size)
 *   void mm_free(N, p)
 *   size_t mm_usable_size(N, p)
 *
 *   mm_strlen mm_strnlen mm_strcmp mm_strncmp mm_strchr mm_strrchr mm_strstr
 *   mm_strspn mm_strcspn mm_strcpy mm_strncpy mm_strcat mm_strncat mm_strdup
 *   mm_strndup mm_memchr mm_memcmp mm_memcpy mm_memmove mm_memset mm_atoi
 *   mm_atol mm_atoll: the C function of the same name, with every pointer
 *   in memory N: mm_strlen(2, s), mm_strcmp(2, a, b), mm_strdup(2, s)
 *   (the copy is in memory 2's heap).
 *
 * Between memories (dN: the destination's memory, sN: the source's):
 *   void mm_copy(dN, dst, sN, src, n)              memory.copy dN sN
 *   __memory(dN) char *mm_strcopy(dN, dst, sN, src)   strcpy across
 *   __memory(dN) char *mm_strdup_to(dN, sN, src)   strdup into dN's heap
 *   __memory(dN) void *mm_memdup_to(dN, sN, src, n)
 */
#ifdef MMCC_MULTI_MEMORY

#ifdef __cplusplus
extern "C" {
#endif
/* The runtime's calling convention: the memory number first, addresses as
 * integers. mmcc's clang plugin checks that each memory argument is an
 * integer constant and that each address argument is a pointer into the
 * memory before it; its IR pass turns __mmcc_rt_<fn>(N, ...) into a call of
 * memory N's __mmcc_m<N>_<fn>(...). */
typedef int __mmcc_memory_t;
typedef unsigned long __mmcc_address_t;
typedef unsigned long __mmcc_size_t;
__mmcc_address_t __mmcc_rt_malloc(__mmcc_memory_t, __mmcc_size_t);
__mmcc_address_t __mmcc_rt_calloc(__mmcc_memory_t, __mmcc_size_t, __mmcc_size_t);
__mmcc_address_t __mmcc_rt_realloc(__mmcc_memory_t, __mmcc_address_t, __mmcc_size_t);
__mmcc_address_t __mmcc_rt_aligned_alloc(__mmcc_memory_t, __mmcc_size_t, __mmcc_size_t);
void __mmcc_rt_free(__mmcc_memory_t, __mmcc_address_t);
__mmcc_size_t __mmcc_rt_usable_size(__mmcc_memory_t, __mmcc_address_t);
__mmcc_size_t __mmcc_rt_strlen(__mmcc_memory_t, __mmcc_address_t);
__mmcc_size_t __mmcc_rt_strnlen(__mmcc_memory_t, __mmcc_address_t, __mmcc_size_t);
int __mmcc_rt_strcmp(__mmcc_memory_t, __mmcc_address_t, __mmcc_address_t);
int __mmcc_rt_strncmp(__mmcc_memory_t, __mmcc_address_t, __mmcc_address_t, __mmcc_size_t);
__mmcc_address_t __mmcc_rt_strchr(__mmcc_memory_t, __mmcc_address_t, int);
__mmcc_address_t __mmcc_rt_strrchr(__mmcc_memory_t, __mmcc_address_t, int);
__mmcc_address_t __mmcc_rt_strstr(__mmcc_memory_t, __mmcc_address_t, __mmcc_address_t);
__mmcc_size_t __mmcc_rt_strspn(__mmcc_memory_t, __mmcc_address_t, __mmcc_address_t);
__mmcc_size_t __mmcc_rt_strcspn(__mmcc_memory_t, __mmcc_address_t, __mmcc_address_t);
__mmcc_address_t __mmcc_rt_strcpy(__mmcc_memory_t, __mmcc_address_t, __mmcc_address_t);
__mmcc_address_t __mmcc_rt_strncpy(__mmcc_memory_t, __mmcc_address_t, __mmcc_address_t, __mmcc_size_t);
__mmcc_address_t __mmcc_rt_strcat(__mmcc_memory_t, __mmcc_address_t, __mmcc_address_t);
__mmcc_address_t __mmcc_rt_strncat(__mmcc_memory_t, __mmcc_address_t, __mmcc_address_t, __mmcc_size_t);
__mmcc_address_t __mmcc_rt_strdup(__mmcc_memory_t, __mmcc_address_t);
__mmcc_address_t __mmcc_rt_strndup(__mmcc_memory_t, __mmcc_address_t, __mmcc_size_t);
__mmcc_address_t __mmcc_rt_memchr(__mmcc_memory_t, __mmcc_address_t, int, __mmcc_size_t);
int __mmcc_rt_memcmp(__mmcc_memory_t, __mmcc_address_t, __mmcc_address_t, __mmcc_size_t);
__mmcc_address_t __mmcc_rt_memcpy(__mmcc_memory_t, __mmcc_address_t, __mmcc_address_t, __mmcc_size_t);
__mmcc_address_t __mmcc_rt_memmove(__mmcc_memory_t, __mmcc_address_t, __mmcc_address_t, __mmcc_size_t);
__mmcc_address_t __mmcc_rt_memset(__mmcc_memory_t, __mmcc_address_t, int, __mmcc_size_t);
int __mmcc_rt_atoi(__mmcc_memory_t, __mmcc_address_t);
long __mmcc_rt_atol(__mmcc_memory_t, __mmcc_address_t);
long long __mmcc_rt_atoll(__mmcc_memory_t, __mmcc_address_t);
/* memory.copy dN sN, emitted in place by mmcc. */
void __mmcc_rt_copy(__mmcc_memory_t, __mmcc_address_t, __mmcc_memory_t, __mmcc_address_t, __mmcc_size_t);
#ifdef __cplusplus
}
#endif

#define __mm_a(p) ((__mmcc_address_t)(p))
#define __mm_p(N, T, x) ((__memory(N) T *)(x))
#define mm_malloc(N, size) __mm_p(N, void, __mmcc_rt_malloc((N), (size)))
#define mm_calloc(N, count, size) __mm_p(N, void, __mmcc_rt_calloc((N), (count), (size)))
#define mm_realloc(N, p, size) __mm_p(N, void, __mmcc_rt_realloc((N), __mm_a(p), (size)))
#define mm_aligned_alloc(N, align, size) __mm_p(N, void, __mmcc_rt_aligned_alloc((N), (align), (size)))
#define mm_free(N, p) __mmcc_rt_free((N), __mm_a(p))
#define mm_usable_size(N, p) ((__SIZE_TYPE__)__mmcc_rt_usable_size((N), __mm_a(p)))
#define mm_strlen(N, s) ((__SIZE_TYPE__)__mmcc_rt_strlen((N), __mm_a(s)))
#define mm_strnlen(N, s, max) ((__SIZE_TYPE__)__mmcc_rt_strnlen((N), __mm_a(s), (max)))
#define mm_strcmp(N, a, b) __mmcc_rt_strcmp((N), __mm_a(a), __mm_a(b))
#define mm_strncmp(N, a, b, n) __mmcc_rt_strncmp((N), __mm_a(a), __mm_a(b), (n))
#define mm_strchr(N, s, c) __mm_p(N, char, __mmcc_rt_strchr((N), __mm_a(s), (c)))
#define mm_strrchr(N, s, c) __mm_p(N, char, __mmcc_rt_strrchr((N), __mm_a(s), (c)))
#define mm_strstr(N, h, n) __mm_p(N, char, __mmcc_rt_strstr((N), __mm_a(h), __mm_a(n)))
#define mm_strspn(N, s, set) ((__SIZE_TYPE__)__mmcc_rt_strspn((N), __mm_a(s), __mm_a(set)))
#define mm_strcspn(N, s, set) ((__SIZE_TYPE__)__mmcc_rt_strcspn((N), __mm_a(s), __mm_a(set)))
#define mm_strcpy(N, d, s) __mm_p(N, char, __mmcc_rt_strcpy((N), __mm_a(d), __mm_a(s)))
#define mm_strncpy(N, d, s, n) __mm_p(N, char, __mmcc_rt_strncpy((N), __mm_a(d), __mm_a(s), (n)))
#define mm_strcat(N, d, s) __mm_p(N, char, __mmcc_rt_strcat((N), __mm_a(d), __mm_a(s)))
#define mm_strncat(N, d, s, n) __mm_p(N, char, __mmcc_rt_strncat((N), __mm_a(d), __mm_a(s), (n)))
#define mm_strdup(N, s) __mm_p(N, char, __mmcc_rt_strdup((N), __mm_a(s)))
#define mm_strndup(N, s, n) __mm_p(N, char, __mmcc_rt_strndup((N), __mm_a(s), (n)))
#define mm_memchr(N, s, c, n) __mm_p(N, void, __mmcc_rt_memchr((N), __mm_a(s), (c), (n)))
#define mm_memcmp(N, a, b, n) __mmcc_rt_memcmp((N), __mm_a(a), __mm_a(b), (n))
#define mm_memcpy(N, d, s, n) __mm_p(N, void, __mmcc_rt_memcpy((N), __mm_a(d), __mm_a(s), (n)))
#define mm_memmove(N, d, s, n) __mm_p(N, void, __mmcc_rt_memmove((N), __mm_a(d), __mm_a(s), (n)))
#define mm_memset(N, d, c, n) __mm_p(N, void, __mmcc_rt_memset((N), __mm_a(d), (c), (n)))
#define mm_atoi(N, s) __mmcc_rt_atoi((N), __mm_a(s))
#define mm_atol(N, s) __mmcc_rt_atol((N), __mm_a(s))
#define mm_atoll(N, s) __mmcc_rt_atoll((N), __mm_a(s))
#define mm_copy(dN, d, sN, s, n) __mmcc_rt_copy((dN), __mm_a(d), (sN), __mm_a(s), (n))
#define mm_strcopy(dN, d, sN, s) ({                                          \
    __mmcc_address_t __mm_d = __mm_a(d), __mm_s = __mm_a(s);                 \
    __mmcc_rt_copy((dN), __mm_d, (sN), __mm_s, __mmcc_rt_strlen((sN), __mm_s) + 1); \
    __mm_p(dN, char, __mm_d); })
#define mm_memdup_to(dN, sN, s, n) ({                                        \
    __mmcc_address_t __mm_s = __mm_a(s);                                     \
    __mmcc_size_t __mm_n = (n);                                              \
    __mmcc_address_t __mm_d = __mmcc_rt_malloc((dN), __mm_n ? __mm_n : 1);   \
    if (__mm_d) __mmcc_rt_copy((dN), __mm_d, (sN), __mm_s, __mm_n);          \
    __mm_p(dN, void, __mm_d); })
#define mm_strdup_to(dN, sN, s) ({                                           \
    __mmcc_address_t __mm_s2 = __mm_a(s);                                    \
    __mmcc_size_t __mm_len = __mmcc_rt_strlen((sN), __mm_s2) + 1;            \
    (__memory(dN) char *)mm_memdup_to(dN, sN, __mm_s2, __mm_len); })

#else /* one memory: the C library's functions */

#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#define mm_malloc(N, size) malloc(size)
#define mm_calloc(N, count, size) calloc((count), (size))
#define mm_realloc(N, p, size) realloc((p), (size))
#define mm_aligned_alloc(N, align, size) aligned_alloc((align), (size))
#define mm_free(N, p) free(p)
#define mm_usable_size(N, p) malloc_usable_size(p)
#define mm_strlen(N, s) strlen(s)
#define mm_strnlen(N, s, max) strnlen((s), (max))
#define mm_strcmp(N, a, b) strcmp((a), (b))
#define mm_strncmp(N, a, b, n) strncmp((a), (b), (n))
#define mm_strchr(N, s, c) strchr((s), (c))
#define mm_strrchr(N, s, c) strrchr((s), (c))
#define mm_strstr(N, h, n) strstr((h), (n))
#define mm_strspn(N, s, set) strspn((s), (set))
#define mm_strcspn(N, s, set) strcspn((s), (set))
#define mm_strcpy(N, d, s) strcpy((d), (s))
#define mm_strncpy(N, d, s, n) strncpy((d), (s), (n))
#define mm_strcat(N, d, s) strcat((d), (s))
#define mm_strncat(N, d, s, n) strncat((d), (s), (n))
#define mm_strdup(N, s) strdup(s)
#define mm_strndup(N, s, n) strndup((s), (n))
#define mm_memchr(N, s, c, n) memchr((s), (c), (n))
#define mm_memcmp(N, a, b, n) memcmp((a), (b), (n))
#define mm_memcpy(N, d, s, n) memcpy((d), (s), (n))
#define mm_memmove(N, d, s, n) memmove((d), (s), (n))
#define mm_memset(N, d, c, n) memset((d), (c), (n))
#define mm_atoi(N, s) atoi(s)
#define mm_atol(N, s) atol(s)
#define mm_atoll(N, s) atoll(s)
#define mm_copy(dN, d, sN, s, n) ((void)memcpy((d), (s), (n)))
#define mm_strcopy(dN, d, sN, s) strcpy((d), (s))
#define mm_memdup_to(dN, sN, s, n) ({                                        \
    __SIZE_TYPE__ __mm_n = (n);                                              \
    void *__mm_d = malloc(__mm_n ? __mm_n : 1);                              \
    if (__mm_d) memcpy(__mm_d, (s), __mm_n);                                 \
    __mm_d; })
#define mm_strdup_to(dN, sN, s) strdup(s)

#endif /* MMCC_MULTI_MEMORY */

/* ---- C++: a growable array in memory N -----------------------------------
 *
 *   mmcc::vector<Record, 2> table;    elements in memory 2, on memory 2's
 *   table.push_back(r);               heap (mm_malloc(2, ...)); the vector
 *   std::sort(table.begin(), ...);    itself (pointer, size, capacity) is an
 *                                     ordinary object, usually in memory 0
 *
 * T must be trivially copyable (objects in memory N are copied as bytes,
 * docs/memory-model.md "C++ on memory N"). mmcc compiles C++ without
 * exceptions, so growing reports a full memory through the result of
 * reserve/resize/try_push_back (false), and push_back traps. Without mmcc
 * it is the same vector in memory 0, on the C library's heap. */
#ifdef __cplusplus
namespace mmcc {

template <class T, int N>
class vector {
    static_assert(__is_trivially_copyable(T), "mmcc::vector<T, N>: T must be trivially copyable");

public:
    typedef T value_type;
    typedef __SIZE_TYPE__ size_type;
    typedef __memory(N) T &reference;
    typedef const __memory(N) T &const_reference;
    typedef __memory(N) T *iterator;
    typedef const __memory(N) T *const_iterator;

    vector() noexcept {}
    explicit vector(size_type count) {
        if (!resize(count)) __builtin_trap();
    }
    vector(const vector &other) { copy_from(other); }
    vector(vector &&other) noexcept : data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
        other.data_ = nullptr;
        other.size_ = other.capacity_ = 0;
    }
    vector &operator=(const vector &other) {
        if (this != &other) copy_from(other);
        return *this;
    }
    vector &operator=(vector &&other) noexcept {
        if (this != &other) {
            release();
            data_ = other.data_;
            size_ = other.size_;
            capacity_ = other.capacity_;
            other.data_ = nullptr;
            other.size_ = other.capacity_ = 0;
        }
        return *this;
    }
    ~vector() { release(); }

    size_type size() const noexcept { return size_; }
    size_type capacity() const noexcept { return capacity_; }
    bool empty() const noexcept { return size_ == 0; }
    __memory(N) T *data() noexcept { return data_; }
    const __memory(N) T *data() const noexcept { return data_; }
    iterator begin() noexcept { return data_; }
    iterator end() noexcept { return data_ + size_; }
    const_iterator begin() const noexcept { return data_; }
    const_iterator end() const noexcept { return data_ + size_; }
    reference operator[](size_type i) noexcept { return data_[i]; }
    const_reference operator[](size_type i) const noexcept { return data_[i]; }
    reference front() noexcept { return data_[0]; }
    reference back() noexcept { return data_[size_ - 1]; }

    /* Room for `count` elements; false (and no change) if memory N is full. */
    bool reserve(size_type count) noexcept {
        if (count <= capacity_) return true;
        size_type bytes = count * sizeof(T);
        if (bytes / sizeof(T) != count) return false;
        __memory(N) void *p = data_ ? mm_realloc(N, data_, bytes) : mm_malloc(N, bytes);
        if (!p) return false;
        data_ = (__memory(N) T *)p;
        capacity_ = count;
        return true;
    }
    /* New elements are zeroed. */
    bool resize(size_type count) noexcept {
        if (count > capacity_ && !reserve(count)) return false;
        if (count > size_) __builtin_memset(data_ + size_, 0, (count - size_) * sizeof(T));
        size_ = count;
        return true;
    }
    bool try_push_back(const T &value) noexcept {
        if (size_ == capacity_ && !reserve(capacity_ ? capacity_ * 2 : 8)) return false;
        data_[size_++] = value;
        return true;
    }
    void push_back(const T &value) noexcept {
        if (!try_push_back(value)) __builtin_trap();
    }
    void pop_back() noexcept { --size_; }
    void clear() noexcept { size_ = 0; }

private:
    /* The other vector's elements (memory.copy within memory N). */
    void copy_from(const vector &other) {
        if (!reserve(other.size_)) __builtin_trap();
        if (other.size_) __builtin_memcpy(data_, other.data_, other.size_ * sizeof(T));
        size_ = other.size_;
    }
    void release() noexcept {
        if (data_) mm_free(N, data_);
        data_ = nullptr;
        size_ = capacity_ = 0;
    }

    __memory(N) T *data_ = nullptr;
    size_type size_ = 0;
    size_type capacity_ = 0;
};

} /* namespace mmcc */
#endif /* __cplusplus */

#endif /* MMCC_H */
