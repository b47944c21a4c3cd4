/* The producer: simulated temperature sensors whose readings it writes as
 * records into the ring in the host's channel memory (pipeline.h).
 *
 * Its generator state (a random number generator, the sequence number, the
 * clock and each sensor's current reading) is in memory 2, which is
 * private: the host, the consumer and anyone else holding the channel can
 * neither read nor change it.
 *
 * Exports (a library-style module, no main; build.sh links it with
 * -mexec-model=reactor, so hosts call _initialize first):
 *   producer_init(seed)      starts the sensors and describes the channel
 *   producer_produce(count)  writes up to count records, as many as fit;
 *                            returns how many (-1 before producer_init)
 */
#include "pipeline.h"

__memory_declare(2, __wasm_memory_private __wasm_memory_pages(1, 1));

static __memory(2) struct producer_state {
    uint64_t random;          /* splitmix64 state */
    uint32_t next_sequence;
    uint32_t clock_ms;
    int32_t reading[SENSORS]; /* each sensor's value: a random walk */
    int started;
} state;

/* splitmix64: a 64-bit state that advances by a constant, and a mix of it
 * as the output; the hosts reimplement it to check the records. */
static uint64_t next_random(void) {
    state.random += 0x9e3779b97f4a7c15u;
    uint64_t z = state.random;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

__attribute__((export_name("producer_init")))
void producer_init(uint64_t seed) {
    state.random = seed;
    state.next_sequence = 0;
    state.clock_ms = 0;
    for (int s = 0; s < SENSORS; s++)
        state.reading[s] = -1800 + 700 * s; /* -18.00 °C (a freezer), -11.00 °C, ... 31.00 °C */
    state.started = 1;
    *CHANNEL_INFO = (struct channel_info){CHANNEL_MAGIC, CHANNEL_VERSION, RING_CAPACITY, sizeof(struct record)};
}

/* One random number gives the sensor, the change of its reading (-1.00 to
 * +1.00 °C) and the time since the previous record (1 to 50 ms). */
static struct record next_record(void) {
    uint64_t r = next_random();
    int sensor = (int)(r % SENSORS);
    state.reading[sensor] += (int32_t)((r >> 8) % 201) - 100;
    state.clock_ms += 1 + (uint32_t)((r >> 16) % 50);
    struct record rec = {
        .sequence = state.next_sequence++,
        .time_ms = state.clock_ms,
        .sensor = (uint16_t)sensor,
        .centi_celsius = state.reading[sensor],
    };
    rec.checksum = record_checksum(&rec);
    return rec;
}

__attribute__((export_name("producer_produce")))
int producer_produce(int count) {
    if (!state.started)
        return -1;
    /* Only the producer writes head. Acquire on tail: the consumer has
     * finished reading the slots it gave back before they are reused. */
    uint32_t head = atomic_load_explicit(CHANNEL_HEAD, memory_order_relaxed);
    uint32_t tail = atomic_load_explicit(CHANNEL_TAIL, memory_order_acquire);
    uint32_t room = RING_CAPACITY - (head - tail);
    uint32_t n = count < 0 ? 0 : (uint32_t)count < room ? (uint32_t)count : room;
    for (uint32_t i = 0; i < n; i++)
        CHANNEL_RING[(head + i) % RING_CAPACITY] = next_record();
    /* Release: the records are in place before the consumer sees them. */
    atomic_store_explicit(CHANNEL_HEAD, head + n, memory_order_release);
    return (int)n;
}
