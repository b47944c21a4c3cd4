/* heap.c: the heap of one memory -- mm_malloc(N, ...) and friends.
 *
 * A two-level segregated-fit allocator (the TLSF design: Masmano et al.,
 * "TLSF: a new dynamic memory allocator for real-time systems", 2004),
 * written for mmcc. Every byte of it lives in memory N: the heap's state
 * sits at the end of memory N's static data (__mmcc_heap_base_N, defined
 * by mmcc's linker), the blocks follow it, and memory.grow on memory N adds
 * room. Nothing is kept in memory 0, so instances that share memory N (a
 * shared memory imported by several threads or modules) share one heap.
 *
 * Blocks. A block's address b is 8 bytes before the payload it hands out:
 *
 *   b+0   prev_phys   the previous block, valid only while that one is free
 *                     (it is the last word of the previous block's payload)
 *   b+4   header      the block's size | FREE | PREV_FREE
 *   b+8   payload     16-byte aligned; a free block keeps its free-list
 *                     links here
 *   b+size            the next block
 *
 * Sizes are multiples of 16 and at least 16, so an allocation costs its
 * size rounded up to 16 after adding 4 bytes of header. Each pool ends
 * with a zero-sized used block (the sentinel), so coalescing never runs
 * off the end. Free blocks are kept in lists by size class: first level
 * the power of two, second level 32 subdivisions of it, with a bitmap per
 * level, so finding the class that fits is two count-trailing-zeros.
 * Within the class the lowest-addressed block is taken. Freeing coalesces
 * with both neighbours at once. The free block at the end of the memory
 * (the "wilderness") is kept out of the lists and used last, and the
 * memory grows only when nothing else fits (by a quarter of its size or
 * more, see grow_memory).
 */
#include "runtime.h"

#if MMCC_MEMORY == 0

#include <malloc.h>
#include <stdlib.h>

address MMCC_RT(malloc)(size n) { return (address)malloc(n); }
address MMCC_RT(calloc)(size count, size n) { return (address)calloc(count, n); }
address MMCC_RT(realloc)(address p, size n) { return (address)realloc((void *)p, n); }
address MMCC_RT(aligned_alloc)(size align, size n) { return (address)aligned_alloc(align, n); }
void MMCC_RT(free)(address p) { free((void *)p); }
size MMCC_RT(usable_size)(address p) { return malloc_usable_size((void *)p); }

#elif defined(MMCC_LIBRARY_MEMORY)

/* Memory N holds retargeted code with its own C library (--in-memory=N):
 * its heap is that library's malloc, so that the library can free what the
 * application allocated for it and the reverse (two allocators growing one
 * memory would break each other's assumption that the memory's end is
 * theirs). */
#define MMCC_STRINGIFY_(x) #x
#define MMCC_STRINGIFY(x) MMCC_STRINGIFY_(x)
#define IN_MEMORY(fn) __asm__("__mmcc_in" MMCC_STRINGIFY(MMCC_MEMORY) "." #fn)

address library_malloc(size n) IN_MEMORY(malloc);
address library_calloc(size count, size n) IN_MEMORY(calloc);
address library_realloc(address p, size n) IN_MEMORY(realloc);
address library_aligned_alloc(size align, size n) IN_MEMORY(aligned_alloc);
void library_free(address p) IN_MEMORY(free);
size library_usable_size(address p) IN_MEMORY(malloc_usable_size);

address MMCC_RT(malloc)(size n) { return library_malloc(n); }
address MMCC_RT(calloc)(size count, size n) { return library_calloc(count, n); }
address MMCC_RT(realloc)(address p, size n) { return library_realloc(p, n); }
address MMCC_RT(aligned_alloc)(size align, size n) { return library_aligned_alloc(align, n); }
void MMCC_RT(free)(address p) { library_free(p); }
size MMCC_RT(usable_size)(address p) { return library_usable_size(p); }

#else

#include <stdio.h>
#include <unistd.h>

enum {
    FREE = 1u,
    PREV_FREE = 2u,
    FLAGS = FREE | PREV_FREE,

    ALIGN_LOG = 4,
    ALIGN = 1u << ALIGN_LOG,
    MIN_BLOCK = 16,
    HEADER = 4,             /* bytes an allocation costs beyond its payload */
    PAYLOAD_OFFSET = 8,     /* from a block's address to its payload */

    SL_LOG = 5,
    SL_COUNT = 1u << SL_LOG,
    /* Sizes below 512 are one class per 16 bytes (first level 0); above,
     * first level k >= 1 holds [2^(k+8), 2^(k+9)). */
    SMALL_LIMIT = 1u << (SL_LOG + ALIGN_LOG),
    FL_COUNT = 32 - (SL_LOG + ALIGN_LOG) + 1,

    PAGE = 65536,
    MAGIC = 0x50414548,     /* "HEAP" */
};

/* Requests above this fail: they could never fit in a 4 GiB memory along
 * with the heap's state, and rounding them up must not overflow. */
#define MAX_REQUEST 0x7fff0000u

typedef struct block block;
typedef MEM block *block_ptr;
struct block {
    block_ptr prev_phys;
    uint32_t header;
    block_ptr next_free;
    block_ptr prev_free;
};

struct heap {
    uint32_t magic;
    uint32_t lock;          /* 0 free, 1 held, 2 held with waiters */
    uint32_t fl_bitmap;
    uint32_t sl_bitmap[FL_COUNT];
    block_ptr free_lists[FL_COUNT][SL_COUNT];
    uint32_t low;           /* the first payload address ever handed out */
    block_ptr top;          /* the sentinel of the pool that ends highest */
    block_ptr wilderness;   /* the free block before top, if any: unlisted */
};

#define MMCC_STRINGIFY_(x) #x
#define MMCC_STRINGIFY(x) MMCC_STRINGIFY_(x)
/* The end of memory N's static data (the linker defines it); its address
 * is the value. */
extern const char HEAP_BASE[] __asm__("__mmcc_heap_base_" MMCC_STRINGIFY(MMCC_MEMORY));

static inline MEM struct heap *heap(void) {
    return (MEM struct heap *)(((address)HEAP_BASE + ALIGN - 1) & ~(address)(ALIGN - 1));
}

/* ---- blocks -------------------------------------------------------------- */

static inline uint32_t block_size(block_ptr b) { return b->header & ~FLAGS; }
static inline block_ptr block_at(address a) { return (block_ptr)a; }
static inline block_ptr next_block(block_ptr b) { return block_at((address)b + block_size(b)); }
static inline block_ptr block_of(address payload) { return block_at(payload - PAYLOAD_OFFSET); }
static inline address payload_of(block_ptr b) { return (address)b + PAYLOAD_OFFSET; }

/* The block size that serves a request of n bytes. */
static inline uint32_t adjust_request(size n) {
    uint32_t s = ((uint32_t)n + HEADER + ALIGN - 1) & ~(ALIGN - 1);
    return s < MIN_BLOCK ? MIN_BLOCK : s;
}

/* ---- size classes -------------------------------------------------------- */

static inline void size_class(uint32_t s, uint32_t *fl, uint32_t *sl) {
    if (s < SMALL_LIMIT) {
        *fl = 0;
        *sl = s >> ALIGN_LOG;
    } else {
        uint32_t log = 31 - (uint32_t)__builtin_clz(s);
        *fl = log - (SL_LOG + ALIGN_LOG) + 1;
        *sl = (s >> (log - SL_LOG)) ^ SL_COUNT;
    }
}

/* s rounded up to a class boundary: every block in that class and above
 * is at least s bytes. */
static inline uint32_t fitting_size(uint32_t s) {
    if (s < SMALL_LIMIT)
        return s;
    uint32_t round = (1u << (31 - (uint32_t)__builtin_clz(s) - SL_LOG)) - 1;
    return (s + round) & ~round;
}

static void insert_free(MEM struct heap *h, block_ptr b) {
    uint32_t fl, sl;
    size_class(block_size(b), &fl, &sl);
    block_ptr head = h->free_lists[fl][sl];
    b->next_free = head;
    b->prev_free = 0;
    if (head)
        head->prev_free = b;
    h->free_lists[fl][sl] = b;
    h->fl_bitmap |= 1u << fl;
    h->sl_bitmap[fl] |= 1u << sl;
}

static void remove_free(MEM struct heap *h, block_ptr b) {
    if (b == h->wilderness) {
        h->wilderness = 0;
        return;
    }
    uint32_t fl, sl;
    size_class(block_size(b), &fl, &sl);
    block_ptr next = b->next_free, prev = b->prev_free;
    if (next)
        next->prev_free = prev;
    if (prev) {
        prev->next_free = next;
    } else {
        h->free_lists[fl][sl] = next;
        if (!next) {
            h->sl_bitmap[fl] &= ~(1u << sl);
            if (!h->sl_bitmap[fl])
                h->fl_bitmap &= ~(1u << fl);
        }
    }
}

/* A free block of at least s bytes, taken off its list; 0 if none. */
static block_ptr take_fitting(MEM struct heap *h, uint32_t s) {
    uint32_t fl, sl;
    size_class(fitting_size(s), &fl, &sl);
    if (fl >= FL_COUNT)
        return 0;
    uint32_t sl_map = h->sl_bitmap[fl] & (~0u << sl);
    if (!sl_map) {
        uint32_t fl_map = fl + 1 < FL_COUNT ? h->fl_bitmap & (~0u << (fl + 1)) : 0;
        if (!fl_map)
            return 0;
        fl = (uint32_t)__builtin_ctz(fl_map);
        sl_map = h->sl_bitmap[fl];
    }
    sl = (uint32_t)__builtin_ctz(sl_map);
    /* The lowest-addressed block of the class: the memory's upper blocks
     * stay free and coalesce, so the memory grows less (address-ordered
     * fits fragment least; Johnstone and Wilson, ISMM 1998). The lists are
     * short: one per 1/32 of a power of two. */
    block_ptr b = h->free_lists[fl][sl];
    for (block_ptr c = b->next_free; c; c = c->next_free)
        if ((address)c < (address)b)
            b = c;
    remove_free(h, b);
    return b;
}

/* Marks the (free, unlisted) block b as a free block: sets its flag and
 * tells the next block. */
static inline void mark_free(block_ptr b) {
    b->header |= FREE;
    block_ptr next = next_block(b);
    next->prev_phys = b;
    next->header |= PREV_FREE;
}

/* Coalesces the free, unlisted block b with free neighbours, lists the
 * result. */
static void release(MEM struct heap *h, block_ptr b) {
    if (b->header & PREV_FREE) {
        block_ptr prev = b->prev_phys;
        remove_free(h, prev);
        prev->header += block_size(b);
        b = prev;
    }
    block_ptr next = next_block(b);
    if (next->header & FREE) {
        remove_free(h, next);
        b->header += block_size(next);
    }
    mark_free(b);
    if (next_block(b) == h->top)
        h->wilderness = b; /* used last: keeps the memory from growing */
    else
        insert_free(h, b);
}

/* Makes the used block b exactly s bytes when the rest can be a block of
 * its own, and frees the rest. */
static void trim(MEM struct heap *h, block_ptr b, uint32_t s) {
    uint32_t rest = block_size(b) - s;
    if (rest < MIN_BLOCK)
        return;
    b->header = s | (b->header & FLAGS);
    block_ptr tail = next_block(b);
    tail->header = rest; /* previous block (b) is used */
    release(h, tail);
}

/* Hands out the free, unlisted block b for a request of s bytes. */
static address use_block(MEM struct heap *h, block_ptr b, uint32_t s) {
    b->header &= ~FREE;
    block_ptr next = next_block(b);
    next->header &= ~PREV_FREE;
    trim(h, b, s);
    return payload_of(b);
}

/* ---- pools and growth ---------------------------------------------------- */

/* Turns [start, end) (16-byte aligned, at least 32 bytes) into a pool: one
 * free block and the sentinel. */
static void add_pool(MEM struct heap *h, address start, address end) {
    block_ptr b = block_at(start + PAYLOAD_OFFSET);
    block_ptr sentinel = block_at(end - PAYLOAD_OFFSET);
    b->header = (uint32_t)((address)sentinel - (address)b);
    sentinel->header = 0;
    if (!h->low || payload_of(b) < h->low)
        h->low = payload_of(b);
    if (!h->top || (address)sentinel > (address)h->top) {
        if (h->wilderness) {
            insert_free(h, h->wilderness);
            h->wilderness = 0;
        }
        h->top = sentinel;
    }
    release(h, b);
}

static address memory_end(void) { return (address)mm_memory_pages(MMCC_MEMORY) * PAGE; }

/* Grows memory N by at least `pages`, and by a quarter of its size (at
 * least 1 MiB) when that is more; returns the pages added, 0 when the
 * memory cannot grow by `pages`. A heap that grew by what each request
 * needs called memory.grow about once per page it used, and memory.grow is
 * costly on V8: it makes a new ArrayBuffer, whose whole length V8 counts as
 * newly allocated external memory, so once the memory is past about 40 MiB
 * a full garbage collection follows every few grows (docs/heap.md). By a
 * quarter it is O(log n) grows; the pages it adds and the heap does not
 * use are never touched, so they cost address space, not memory. Near the
 * maximum, or the last page of a 32-bit memory (whose end is no address),
 * it grows by `pages` only. */
enum { GROWTH_DIVISOR = 4, GROWTH_FLOOR = 16 };
static uint32_t grow_memory(uint32_t pages) {
    uint32_t current = (uint32_t)mm_memory_pages(MMCC_MEMORY);
    uint32_t generous = current / GROWTH_DIVISOR > GROWTH_FLOOR ? current / GROWTH_DIVISOR : GROWTH_FLOOR;
    if (generous > pages && (uint64_t)current + generous < 65536 &&
        mm_memory_grow(MMCC_MEMORY, generous) != -1)
        return generous;
    return mm_memory_grow(MMCC_MEMORY, pages) == -1 ? 0 : pages;
}

/* Grows memory N so that a block of s bytes becomes free; false when the
 * memory is at its maximum. */
static int grow_for(MEM struct heap *h, uint32_t s) {
    address end = memory_end();
    block_ptr top = h->top;
    if (top && (address)top + PAYLOAD_OFFSET == end) {
        /* The top pool ends where the memory ends: extend it. The free
         * block before its sentinel counts towards s. */
        uint32_t have = (top->header & PREV_FREE) ? block_size(top->prev_phys) : 0;
        if (s <= have)
            return 1; /* (realloc asks before it looks at the free block) */
        uint32_t pages = grow_memory((s - have + PAGE - 1) / PAGE);
        if (pages == 0)
            return 0;
        /* The old sentinel becomes a free block; a new one ends the pool. */
        uint32_t added = pages * PAGE;
        top->header = added | (top->header & PREV_FREE);
        block_ptr sentinel = block_at((address)top + added);
        sentinel->header = 0;
        h->top = sentinel;
        release(h, top); /* merges with the wilderness */
        return 1;
    }
    /* The memory ends elsewhere (somebody else grew it, or there is no
     * pool yet): start a new pool at its end. */
    uint64_t want = (uint64_t)s + 2 * ALIGN;
    uint32_t pages = grow_memory((uint32_t)((want + PAGE - 1) / PAGE));
    if (pages == 0)
        return 0;
    add_pool(h, end, end + (address)pages * PAGE);
    return 1;
}

static void initialize(MEM struct heap *h) {
    /* The memory is zeroed, so every list and bitmap is already empty. */
    address start = ((address)(h + 1) + ALIGN - 1) & ~(address)(ALIGN - 1);
    address end = memory_end();
    if (end >= start + 4 * ALIGN)
        add_pool(h, start, end);
    h->magic = MAGIC;
}

/* ---- locking (memories shared between threads) --------------------------- */

#if MMCC_THREADS
static void lock(MEM struct heap *h) {
    uint32_t seen = 0;
    if (__atomic_compare_exchange_n(&h->lock, &seen, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    if (seen != 2)
        seen = __atomic_exchange_n(&h->lock, 2, __ATOMIC_ACQUIRE);
    while (seen != 0) {
        mm_atomic_wait32(MMCC_MEMORY, &h->lock, 2, -1);
        seen = __atomic_exchange_n(&h->lock, 2, __ATOMIC_ACQUIRE);
    }
}
static void unlock(MEM struct heap *h) {
    if (__atomic_exchange_n(&h->lock, 0, __ATOMIC_RELEASE) == 2)
        mm_atomic_notify(MMCC_MEMORY, &h->lock, 1);
}
#else
static inline void lock(MEM struct heap *h) { (void)h; }
static inline void unlock(MEM struct heap *h) { (void)h; }
#endif

/* Grows memory N until the heap's state fits in it; false when the memory
 * cannot grow that far. The linker sizes memory N for its static data
 * only, and the state (about 3.2 KB) sits right after that data: when the
 * data ends less than that before a page boundary (with the linker's
 * stagger, any data at all in memories 15, 31 and 47), the state would
 * cross the memory's end. Counted in pages, so that a memory of 65536
 * pages (whose end in bytes does not fit an address) is no special case.
 * Two threads may both grow here (the lock is part of the state): the
 * memory then has a page or so more than needed, which initialize makes
 * part of the first pool. */
__attribute__((noinline)) static int make_room_for_state(MEM struct heap *h) {
    uint32_t needed = (uint32_t)(((uint64_t)(address)(h + 1) + PAGE - 1) / PAGE);
    for (;;) {
        uint32_t pages = (uint32_t)mm_memory_pages(MMCC_MEMORY);
        if (pages >= needed)
            return 1;
        if (mm_memory_grow(MMCC_MEMORY, needed - pages) == -1)
            return 0;
    }
}

/* The heap, locked and initialized; 0 if memory N cannot hold its state.
 * Until the first call the state may lie past the memory's end, so its
 * bounds are checked before any of it is read: one memory.size and a
 * compare per call (the state never moves, and a memory never shrinks). */
static MEM struct heap *enter(void) {
    MEM struct heap *h = heap();
    if (__builtin_expect((uint64_t)(address)(h + 1) > (uint64_t)mm_memory_pages(MMCC_MEMORY) * PAGE, 0) &&
        !make_room_for_state(h))
        return 0;
    lock(h);
    if (__builtin_expect(h->magic != MAGIC, 0))
        initialize(h);
    return h;
}

/* ---- checks -------------------------------------------------------------- */

/* Appends text to buf at *at (bounded by the buffer's 200 bytes). */
static void append(char *buf, int *at, const char *text) {
    while (*text && *at < 199)
        buf[(*at)++] = *text++;
}

__attribute__((noreturn, cold)) static void bad_pointer(const char *function, address p, const char *why) {
    /* No printf: it would add 60 KB to every program with a heap. */
    char buf[200], number[16];
    int at = 0, n = 0;
    append(buf, &at, "mmcc: ");
    append(buf, &at, function);
    append(buf, &at, "(" MMCC_STRINGIFY(MMCC_MEMORY) ", 0x");
    do
        number[n++] = "0123456789abcdef"[p & 15];
    while (p >>= 4);
    while (n)
        buf[at++] = number[--n];
    append(buf, &at, "): ");
    append(buf, &at, why);
    append(buf, &at, "\n");
    fflush(NULL); /* what the program printed so far comes first */
    write(2, buf, (size_t)at);
    __builtin_trap();
}

/* The used block of payload p, after the checks that cost a few compares:
 * p is aligned and inside the heap, its block is not free, and the next
 * block agrees. */
static block_ptr checked_block(MEM struct heap *h, const char *function, address p) {
    if ((p & (ALIGN - 1)) || p < h->low || p >= memory_end())
        bad_pointer(function, p, "not a pointer returned by this memory's heap");
    block_ptr b = block_of(p);
    if (b->header & FREE)
        bad_pointer(function, p, "the block is already free (double free?)");
    block_ptr next = next_block(b);
    if (block_size(b) < MIN_BLOCK || (address)next >= memory_end() || (next->header & PREV_FREE))
        bad_pointer(function, p, "not a heap block, or the heap is corrupted (a write past the end of a block?)");
    return b;
}

/* ---- the API ------------------------------------------------------------- */

/* The heap for a call given block p: a memory too small for the heap's
 * state has no heap, so p cannot have come from it. */
static MEM struct heap *entered(address p, const char *function) {
    MEM struct heap *h = enter();
    if (!h)
        bad_pointer(function, p, "not a pointer returned by this memory's heap");
    return h;
}

/* A block of at least s bytes from s's own class, whose blocks may be
 * smaller than s (take_fitting skips that class): the last resort before
 * growing the memory, so a nearly full memory is still used to the end. */
static block_ptr take_from_own_class(MEM struct heap *h, uint32_t s) {
    uint32_t fl, sl;
    size_class(s, &fl, &sl);
    if (fl >= FL_COUNT)
        return 0;
    block_ptr best = 0;
    for (block_ptr b = h->free_lists[fl][sl]; b; b = b->next_free)
        if (block_size(b) >= s && (!best || block_size(b) < block_size(best)))
            best = b;
    if (best)
        remove_free(h, best);
    return best;
}

static address allocate(MEM struct heap *h, uint32_t s) {
    block_ptr b = take_fitting(h, s);
    if (!b)
        b = take_from_own_class(h, s);
    if (!b) {
        if (!h->wilderness || block_size(h->wilderness) < s) {
            if (!grow_for(h, s))
                return 0;
            if (!h->wilderness || block_size(h->wilderness) < s)
                return 0;
        }
        b = h->wilderness;
        h->wilderness = 0;
    }
    return use_block(h, b, s);
}

address MMCC_RT(malloc)(size n) {
    if (n > MAX_REQUEST)
        return 0;
    MEM struct heap *h = enter();
    if (!h)
        return 0;
    address p = allocate(h, adjust_request(n));
    unlock(h);
    return p;
}

address MMCC_RT(calloc)(size count, size n) {
    size total;
    if (__builtin_mul_overflow(count, n, &total) || total > MAX_REQUEST)
        return 0;
    address p = MMCC_RT(malloc)(total);
    if (p)
        __builtin_memset((MEM char *)p, 0, total);
    return p;
}

void MMCC_RT(free)(address p) {
    if (!p)
        return;
    MEM struct heap *h = entered(p, "mm_free");
    block_ptr b = checked_block(h, "mm_free", p);
    b->header |= FREE; /* stays visible in b if it merges into its neighbour: catches a second free */
    release(h, b);
    unlock(h);
}

size MMCC_RT(usable_size)(address p) {
    if (!p)
        return 0;
    MEM struct heap *h = entered(p, "mm_usable_size");
    size n = block_size(checked_block(h, "mm_usable_size", p)) - HEADER;
    unlock(h);
    return n;
}

address MMCC_RT(realloc)(address p, size n) {
    if (!p)
        return MMCC_RT(malloc)(n);
    if (n == 0) {
        /* As the C library's malloc does: free, and return NULL. */
        MMCC_RT(free)(p);
        return 0;
    }
    if (n > MAX_REQUEST)
        return 0;
    uint32_t s = adjust_request(n);
    MEM struct heap *h = entered(p, "mm_realloc");
    block_ptr b = checked_block(h, "mm_realloc", p);
    uint32_t have = block_size(b);
    if (s > have) {
        /* Grow in place into a free next block; at the top of the memory,
         * grow the memory first. */
        block_ptr next = next_block(b);
        block_ptr after = (next->header & FREE) ? next_block(next) : next;
        if (after == h->top && (address)after + PAYLOAD_OFFSET == memory_end() &&
            grow_for(h, s - have))
            next = next_block(b);
        if ((next->header & FREE) && have + block_size(next) >= s) {
            remove_free(h, next);
            b->header += block_size(next);
            next_block(b)->header &= ~PREV_FREE;
            have = block_size(b);
        }
    }
    if (s <= have) {
        trim(h, b, s);
        unlock(h);
        return p;
    }
    address q = allocate(h, s);
    if (q) {
        __builtin_memcpy((MEM char *)q, (MEM char *)p, have - HEADER);
        b->header |= FREE;
        release(h, b);
    }
    unlock(h);
    return q;
}

address MMCC_RT(aligned_alloc)(size align, size n) {
    if (align == 0 || (align & (align - 1)) || n > MAX_REQUEST || align > (1u << 30))
        return 0;
    if (align <= ALIGN)
        return MMCC_RT(malloc)(n);
    uint32_t s = adjust_request(n);
    /* Room to move the payload up to the alignment, leaving a gap that is
     * a block of its own. */
    uint64_t want = (uint64_t)s + align + MIN_BLOCK;
    if (want > MAX_REQUEST)
        return 0;
    MEM struct heap *h = enter();
    if (!h)
        return 0;
    address p = allocate(h, (uint32_t)want);
    if (p && (p & (align - 1))) {
        address aligned = (p + align - 1) & ~(address)(align - 1);
        if (aligned - p < MIN_BLOCK)
            aligned += align;
        block_ptr front = block_of(p);
        block_ptr b = block_of(aligned);
        uint32_t gap = (uint32_t)(aligned - p);
        b->header = (block_size(front) - gap); /* used; the front becomes free */
        front->header = gap | (front->header & PREV_FREE) | FREE;
        release(h, front);
        trim(h, b, s);
        p = aligned;
    } else if (p) {
        trim(h, block_of(p), s);
    }
    unlock(h);
    return p;
}

#endif /* MMCC_MEMORY != 0, not a library memory */
