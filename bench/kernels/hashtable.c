/* Hash table: open addressing with linear probing. Keys in memory 1, the
 * table (key, value slots, load factor 1/2) in memory 2. Each call clears
 * the table, inserts every key, then looks up as many keys, half of them
 * absent. */
#include "bench.h"

#define KEYS (SCALE > 1 ? (1 << 18) : (1 << 12))
#define SLOTS (2 * KEYS)
#define REPS (SCALE > 1 ? 24 : 1)

struct slot {
    uint32_t key; /* 0: empty */
    uint32_t value;
};

MEM(1) uint32_t hash_keys[KEYS];
MEM(2) struct slot hash_table[SLOTS];
static uint64_t hash_found;

static inline uint32_t hash_of(uint32_t key) { return (key * 2654435761u) >> 5; }

HOT void kernel_hashtable(void) {
    for (int s = 0; s < SLOTS; s++)
        SET(hash_table[s].key, 0);
    for (int i = 0; i < KEYS; i++) {
        uint32_t key = GET(hash_keys[i]);
        uint32_t s = hash_of(key) & (SLOTS - 1);
        for (;;) {
            uint32_t there = GET(hash_table[s].key);
            if (there == 0 || there == key)
                break;
            s = (s + 1) & (SLOTS - 1);
        }
        SET(hash_table[s].key, key);
        SET(hash_table[s].value, (uint32_t)i);
    }
    uint64_t found = 0;
    for (int i = 0; i < KEYS; i++) {
        uint32_t key = GET(hash_keys[i]) ^ (i & 1 ? 0x80000000u : 0);
        uint32_t s = hash_of(key) & (SLOTS - 1);
        for (;;) {
            uint32_t there = GET(hash_table[s].key);
            if (there == key) {
                found += GET(hash_table[s].value) + 1;
                break;
            }
            if (there == 0)
                break;
            s = (s + 1) & (SLOTS - 1);
        }
    }
    hash_found += found;
}

int main(void) {
    /* Distinct non-zero keys below 2^31 (the lookups flip bit 31 to miss). */
    for (int i = 0; i < KEYS; i++)
        SET(hash_keys[i], ((uint32_t)i * 2246822519u + 12345u) & 0x7fffffffu | 1u);
    double elapsed = BENCH_TIME(REPS, kernel_hashtable());
    uint64_t sum = hash_found;
    for (int s = 0; s < SLOTS; s += 7)
        sum = sum * 31 + GET(hash_table[s].key);
    bench_report(elapsed, sum);
    return 0;
}
