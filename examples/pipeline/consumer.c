/* The consumer: takes the records the producer left in the ring of the
 * host's channel memory (pipeline.h), checks them and adds them up.
 *
 * Its totals and the sequence number it expects next are in memory 2,
 * which is private: they change only through the records it accepts, and
 * the host sees them when it asks for a report.
 *
 * Exports (a library-style module, no main; build.sh links it with
 * -mexec-model=reactor, so hosts call _initialize first):
 *   consumer_consume(limit)  takes up to limit waiting records; returns how
 *                            many, or -1 if the channel is not (yet) one
 *                            this consumer understands
 *   consumer_report()        copies the totals to the channel's report area;
 *                            returns how many records were aggregated
 */
#include "pipeline.h"

__memory_declare(2, __wasm_memory_private __wasm_memory_pages(1, 1));

static __memory(2) struct consumer_state {
    struct pipeline_report totals; /* totals.next_sequence: expected next */
} state;

static int histogram_bucket(int32_t centi_celsius) {
    if (centi_celsius < HISTOGRAM_LOW)
        return 0;
    int32_t bucket = (centi_celsius - HISTOGRAM_LOW) / HISTOGRAM_WIDTH;
    return bucket < HISTOGRAM_BUCKETS ? (int)bucket : HISTOGRAM_BUCKETS - 1;
}

static void take(const struct record *r) {
    __memory(2) struct pipeline_report *t = &state.totals;
    if (r->checksum != record_checksum(r) || r->sensor >= SENSORS) {
        /* Damaged or not from our producer: nothing in it can be trusted,
         * the sequence number neither, so the slot counts as the one
         * expected. */
        t->rejected++;
        t->next_sequence++;
        return;
    }
    if (r->sequence != t->next_sequence)
        t->sequence_errors++; /* records lost, repeated or reordered */
    t->next_sequence = r->sequence + 1;
    __memory(2) struct sensor_totals *s = &t->sensors[r->sensor];
    if (s->count == 0 || r->centi_celsius < s->min)
        s->min = r->centi_celsius;
    if (s->count == 0 || r->centi_celsius > s->max)
        s->max = r->centi_celsius;
    s->last = r->centi_celsius;
    s->sum += r->centi_celsius;
    s->count++;
    t->histogram[histogram_bucket(r->centi_celsius)]++;
    t->records++;
}

static int channel_understood(void) {
    struct channel_info info = *CHANNEL_INFO;
    return info.magic == CHANNEL_MAGIC && info.version == CHANNEL_VERSION &&
           info.ring_capacity == RING_CAPACITY && info.record_size == sizeof(struct record);
}

__attribute__((export_name("consumer_consume")))
int consumer_consume(int limit) {
    if (!channel_understood())
        return -1;
    /* Acquire on head: the records up to it are in place. Only the
     * consumer writes tail. */
    uint32_t head = atomic_load_explicit(CHANNEL_HEAD, memory_order_acquire);
    uint32_t tail = atomic_load_explicit(CHANNEL_TAIL, memory_order_relaxed);
    uint32_t waiting = head - tail;
    uint32_t n = limit < 0 ? 0 : (uint32_t)limit < waiting ? (uint32_t)limit : waiting;
    for (uint32_t i = 0; i < n; i++) {
        /* Copied out first: what is checked is what is added up, whoever
         * else writes the channel meanwhile. */
        struct record r = CHANNEL_RING[(tail + i) % RING_CAPACITY];
        take(&r);
    }
    /* Release: done reading those slots before the producer reuses them. */
    atomic_store_explicit(CHANNEL_TAIL, tail + n, memory_order_release);
    return (int)n;
}

__attribute__((export_name("consumer_report")))
int consumer_report(void) {
    *CHANNEL_REPORT = state.totals; /* from memory 2 to memory 1 */
    return (int)state.totals.records;
}
