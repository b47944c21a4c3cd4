/* The channel between producer.c and consumer.c: a ring of sensor records
 * in a memory the host provides (memory 1, imported as env.channel), which
 * both modules import. Everything else each module keeps to itself.
 *
 * Layout of the channel (byte offsets; hosts read them too, see README.md):
 *
 *     0   unused: no channel object at address 0, a null pointer
 *    64   struct channel_info   written once by producer_init
 *   128   head                  records published so far (producer writes)
 *   192   tail                  records taken so far (consumer writes)
 *   256   struct pipeline_report   written by consumer_report
 *  1024   struct record ring[RING_CAPACITY]
 *
 * head and tail count from 0 and never wrap back (uint32_t arithmetic):
 * record number i is in ring[i % RING_CAPACITY], head - tail records are
 * waiting, and the ring is full when that is RING_CAPACITY. Each index has
 * one writer, and they sit 64 bytes apart so that two threads writing them
 * do not share a cache line.
 */
#ifndef PIPELINE_H
#define PIPELINE_H

#include <mmcc.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* The channel is a shared memory, so producer and consumer can run on two
 * threads at once (instances on different threads or workers importing the
 * same memory). A host that cannot create shared memories (a web page
 * without cross-origin isolation) gets modules built with
 * -DPIPELINE_UNSHARED and calls producer and consumer in turn; without
 * -matomics mmcc compiles the atomics below to plain loads and stores. */
#ifdef PIPELINE_UNSHARED
#define CHANNEL_SHARING
#else
#ifndef __wasm_atomics__
#error "a shared channel needs -matomics (or -DPIPELINE_UNSHARED)"
#endif
#define CHANNEL_SHARING __wasm_memory_shared
#endif

/* The host's channel (mmcc does not export an imported memory back). */
__memory_declare(1, __wasm_memory_import("env", "channel")
                    __wasm_memory_pages(1, 1) CHANNEL_SHARING);

#define CHANNEL_MAGIC 0x45504950u /* "PIPE" */
#define CHANNEL_VERSION 1u
#define RING_CAPACITY 64u
#define SENSORS 8
#define HISTOGRAM_BUCKETS 16
#define HISTOGRAM_LOW 0        /* centi-degrees: bucket 0 is below 2.5 °C */
#define HISTOGRAM_WIDTH 250    /* 2.5 °C per bucket; the last one is open */

struct channel_info {
    uint32_t magic, version, ring_capacity, record_size;
};

struct record {
    uint32_t sequence;      /* 0, 1, 2, ... in the order produced */
    uint32_t time_ms;       /* since the producer started */
    uint16_t sensor;        /* 0 .. SENSORS - 1 */
    uint16_t reserved;      /* 0 */
    int32_t centi_celsius;  /* the reading */
    uint32_t checksum;      /* record_checksum of the 16 bytes above */
};

struct sensor_totals {
    int64_t sum;
    uint32_t count;
    int32_t min, max, last;
};

struct pipeline_report {
    uint32_t records;          /* records aggregated */
    uint32_t rejected;         /* records dropped: bad checksum, or no such sensor */
    uint32_t sequence_errors;  /* records whose sequence number was not the next one */
    uint32_t next_sequence;    /* the sequence number expected next */
    struct sensor_totals sensors[SENSORS];
    uint32_t histogram[HISTOGRAM_BUCKETS];  /* readings per bucket */
};

/* The hosts rely on these: they read the channel with their own code. */
_Static_assert(sizeof(struct record) == 20, "record layout");
_Static_assert(sizeof(struct sensor_totals) == 24, "sensor_totals layout");
_Static_assert(offsetof(struct pipeline_report, sensors) == 16, "report layout");
_Static_assert(offsetof(struct pipeline_report, histogram) == 208, "report layout");
_Static_assert(sizeof(struct pipeline_report) == 272, "report layout");

#define CHANNEL_INFO ((__memory(1) struct channel_info *)64)
#define CHANNEL_HEAD ((__memory(1) _Atomic uint32_t *)128)
#define CHANNEL_TAIL ((__memory(1) _Atomic uint32_t *)192)
#define CHANNEL_REPORT ((__memory(1) struct pipeline_report *)256)
#define CHANNEL_RING ((__memory(1) struct record *)1024)

/* FNV-1a over the record's bytes before the checksum: cheap, and any
 * changed byte changes it. */
static inline uint32_t record_checksum(const struct record *r) {
    const unsigned char *bytes = (const unsigned char *)r;
    uint32_t hash = 2166136261u;
    for (size_t i = 0; i < offsetof(struct record, checksum); i++)
        hash = (hash ^ bytes[i]) * 16777619u;
    return hash;
}

#endif
