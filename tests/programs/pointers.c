// Pointers into memory N as parameters, return values and stored data: a
// linked list in memory 1 whose links live in memory 1, a table in memory 3
// of pointers into memory 2, and (uintptr_t) round trips.
#include <stdio.h>
#include <stdint.h>
#include "region.h"

struct node {
    int value;
    __memory(1) struct node *next;
};

static __memory(1) struct node *push(__memory(1) struct node *pool, int *used,
                                     __memory(1) struct node *head, int value) {
    __memory(1) struct node *n = &pool[(*used)++];
    n->value = value;
    n->next = head;
    return n;
}

static __memory(1) struct node *reverse(__memory(1) struct node *head) {
    __memory(1) struct node *prev = 0;
    while (head) {
        __memory(1) struct node *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

static __memory(2) int *largest(__memory(2) int *__memory(3) *table, int n) {
    __memory(2) int *best = table[0];
    for (int i = 1; i < n; i++)
        if (*table[i] > *best)
            best = table[i];
    return best;
}

int main(void) {
    REGION(1, struct node, pool, 64, 64);
    REGION(2, int, values, 16, 64);
    typedef __memory(2) int *int_in_memory_2;
    REGION(3, int_in_memory_2, table, 16, 64);
    int used = 0;
    __memory(1) struct node *list = 0;
    for (int i = 0; i < 20; i++)
        list = push(pool, &used, list, i * i - 50);
    list = reverse(list);
    long sum = 0;
    int count = 0;
    for (__memory(1) struct node *n = list; n; n = n->next) {
        sum += n->value * (count + 1);
        count++;
    }
    printf("list: %d nodes, weighted sum %ld\n", count, sum);

    for (int i = 0; i < 16; i++) {
        values[i] = (i * 7919) % 101;
        table[i] = &values[(i * 5) % 16];
    }
    __memory(2) int *big = largest(table, 16);
    printf("largest %d at index %d\n", *big, (int)(big - values));

    /* An address survives a round trip through an integer. */
    uintptr_t raw = (uintptr_t)big;
    __memory(2) int *again = (__memory(2) int *)raw;
    *again += 1000;
    printf("round trip %d %d\n", *big, again == big);

    /* Pointer comparisons and differences within a memory. */
    __memory(1) struct node *first = &pool[0], *last = &pool[used - 1];
    printf("span %d, ordered %d\n", (int)(last - first), first < last);
    return 0;
}
