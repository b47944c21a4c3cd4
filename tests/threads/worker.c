/* Threads sharing memory 2: each thread is its own instance of this module
 * (its own default memory, with its own C stack), and all import the same
 * shared memory 2 (tests/threads.rs is the host). They count with atomics
 * and pass messages through a one-slot mailbox with wait/notify. */
#include <mmcc.h>
#include <stdatomic.h>

/* Fixed places in the shared memory (no variables: the host's memory is
 * not initialized by the module). */
#define COUNTER ((__memory(2) _Atomic unsigned *)64)
#define MAIL_STATE ((__memory(2) _Atomic int *)128)   /* 0 empty, 1 full */
#define MAIL_VALUE ((__memory(2) _Atomic unsigned *)132)
#define RECEIVED ((__memory(2) _Atomic unsigned long long *)136)

__attribute__((export_name("count")))
void count(int times) {
    for (int i = 0; i < times; i++)
        atomic_fetch_add(COUNTER, 1);
}

__attribute__((export_name("send")))
void send(int messages) {
    for (int i = 1; i <= messages; i++) {
        while (atomic_load(MAIL_STATE) != 0)
            mm_atomic_wait32(2, MAIL_STATE, 1, -1);
        atomic_store(MAIL_VALUE, (unsigned)i * 3u);
        atomic_store(MAIL_STATE, 1);
        mm_atomic_notify(2, MAIL_STATE, 1);
    }
}

__attribute__((export_name("receive")))
void receive(int messages) {
    for (int i = 0; i < messages; i++) {
        while (atomic_load(MAIL_STATE) != 1)
            mm_atomic_wait32(2, MAIL_STATE, 0, -1);
        atomic_fetch_add(RECEIVED, atomic_load(MAIL_VALUE));
        atomic_store(MAIL_STATE, 0);
        mm_atomic_notify(2, MAIL_STATE, 1);
    }
}
