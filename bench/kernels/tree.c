/* Tree traversal: a binary search tree of nodes in memory 1, linked by
 * index (an arena), and lookup keys in memory 2. Each call looks every key
 * up (pointer chasing, half of them absent) and walks the whole tree in
 * order with an explicit stack in memory 0. */
#include "bench.h"

#define NODES (SCALE > 1 ? (1 << 18) : (1 << 12))
#define REPS 1

struct node {
    uint32_t key;
    int32_t left, right; /* node indices, -1 for none */
    uint32_t value;
};

MEM(1) struct node tree_nodes[NODES];
MEM(2) uint32_t tree_queries[NODES];
static uint64_t tree_result;
/* A random tree of 2^18 nodes is about 50 deep; 256 is far beyond. */
static int32_t tree_stack[256];

HOT void kernel_tree(void) {
    uint64_t found = 0;
    for (int q = 0; q < NODES; q++) {
        uint32_t key = GET(tree_queries[q]);
        int32_t n = 0;
        while (n >= 0) {
            uint32_t here = GET(tree_nodes[n].key);
            if (key == here) {
                found += GET(tree_nodes[n].value);
                break;
            }
            n = key < here ? GET(tree_nodes[n].left) : GET(tree_nodes[n].right);
        }
    }
    /* In-order walk: the keys come out sorted; fold them in. */
    uint64_t order = 0;
    int depth = 0;
    int32_t n = 0;
    while (n >= 0 || depth > 0) {
        while (n >= 0) {
            if (depth == 256)
                __builtin_trap();
            tree_stack[depth++] = n;
            n = GET(tree_nodes[n].left);
        }
        n = tree_stack[--depth];
        order = order * 31 + GET(tree_nodes[n].key);
        n = GET(tree_nodes[n].right);
    }
    tree_result += found + order;
}

int main(void) {
    /* Random keys, inserted in order of arrival (depth about 2.5 log2 n). */
    int used = 0;
    for (int i = 0; i < NODES; i++) {
        uint32_t key = bench_random() & ~1u; /* even: odd lookups miss */
        if (used == 0) {
            SET(tree_nodes[0].key, key);
            SET(tree_nodes[0].value, (uint32_t)i);
            SET(tree_nodes[0].left, -1);
            SET(tree_nodes[0].right, -1);
            used = 1;
            continue;
        }
        int32_t n = 0;
        for (;;) {
            uint32_t here = GET(tree_nodes[n].key);
            if (key == here)
                break;
            int32_t next = key < here ? GET(tree_nodes[n].left) : GET(tree_nodes[n].right);
            if (next < 0) {
                int32_t fresh = used++;
                SET(tree_nodes[fresh].key, key);
                SET(tree_nodes[fresh].value, (uint32_t)i);
                SET(tree_nodes[fresh].left, -1);
                SET(tree_nodes[fresh].right, -1);
                if (key < here)
                    SET(tree_nodes[n].left, fresh);
                else
                    SET(tree_nodes[n].right, fresh);
                break;
            }
            n = next;
        }
        SET(tree_queries[i], key | (uint32_t)(i & 1));
    }
    /* Queries in another order than insertion. */
    for (int i = NODES - 1; i > 0; i--) {
        int j = (int)(bench_random() % (uint32_t)(i + 1));
        uint32_t t = GET(tree_queries[i]);
        SET(tree_queries[i], GET(tree_queries[j]));
        SET(tree_queries[j], t);
    }
    double elapsed = BENCH_TIME(REPS, kernel_tree());
    bench_report(elapsed, tree_result);
    return 0;
}
