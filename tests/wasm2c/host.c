/* A native host for a WASI command module translated by wasm2c
 * (`wasm2c -n prog`): the five preview-1 functions that printing programs
 * import (fd_write, fd_close, fd_fdstat_get, fd_seek, proc_exit) on the
 * process's stdout and stderr. tests/wasm2c/run.sh builds it with each
 * translated module; a module that imports anything else is not given to
 * it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prog.h"
#include "wasm-rt-impl.h"

/* WASI errno values (preview 1). */
enum { WASI_ESUCCESS = 0, WASI_EBADF = 8, WASI_EFAULT = 21, WASI_EIO = 29, WASI_ESPIPE = 70 };

/* What the imports see: memory 0, the one WASI's pointers are into. */
struct Z_wasi_snapshot_preview1_instance_t {
    wasm_rt_memory_t *memory;
};

static int in_memory(wasm_rt_memory_t *m, uint64_t at, uint64_t len) {
    return at + len <= m->size;
}

static uint32_t load32(wasm_rt_memory_t *m, uint32_t at) {
    uint32_t v;
    memcpy(&v, m->data + at, 4); /* wasm is little-endian, as is x86-64 */
    return v;
}

u32 Z_wasi_snapshot_preview1Z_fd_write(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd, u32 iovs, u32 count, u32 written) {
    wasm_rt_memory_t *m = w->memory;
    if (fd != 1 && fd != 2)
        return WASI_EBADF;
    if (!in_memory(m, iovs, 8ull * count) || !in_memory(m, written, 4))
        return WASI_EFAULT;
    uint32_t total = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t base = load32(m, iovs + 8 * i), len = load32(m, iovs + 8 * i + 4);
        if (!in_memory(m, base, len))
            return WASI_EFAULT;
        for (uint32_t done = 0; done < len;) {
            ssize_t n = write(fd, m->data + base + done, len - done);
            if (n < 0 && errno != EINTR)
                return WASI_EIO;
            done += n > 0 ? (uint32_t)n : 0;
        }
        total += len;
    }
    memcpy(m->data + written, &total, 4);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_close(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd) {
    (void)w;
    return fd <= 2 ? WASI_ESUCCESS : WASI_EBADF;
}

/* The standard streams are of unknown type with no rights: wasi-libc then
 * takes them for no terminal (and buffers stdout fully), which changes how
 * output is cut into writes, never what is written. */
u32 Z_wasi_snapshot_preview1Z_fd_fdstat_get(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd, u32 stat) {
    if (fd > 2)
        return WASI_EBADF;
    if (!in_memory(w->memory, stat, 24))
        return WASI_EFAULT;
    memset(w->memory->data + stat, 0, 24);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd, u64 offset, u32 whence, u32 result) {
    (void)w, (void)offset, (void)whence, (void)result;
    return fd <= 2 ? WASI_ESPIPE : WASI_EBADF;
}

void Z_wasi_snapshot_preview1Z_proc_exit(struct Z_wasi_snapshot_preview1_instance_t *w, u32 code) {
    (void)w;
    exit((int)code);
}

int main(void) {
    static Z_prog_instance_t instance;
    static struct Z_wasi_snapshot_preview1_instance_t wasi;
    wasm_rt_init();
    Z_prog_init_module();
    wasm_rt_trap_t trap = wasm_rt_impl_try();
    if (trap != WASM_RT_TRAP_NONE) {
        fprintf(stderr, "wasm2c: trap: %s\n", wasm_rt_strerror(trap));
        return 134;
    }
    Z_prog_instantiate(&instance, &wasi);
    wasi.memory = Z_progZ_memory(&instance);
    Z_progZ__start(&instance);
    return 0;
}
