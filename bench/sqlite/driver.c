/* The sqlite benchmark's program: real SQL work on an in-memory database,
 * compiled together with the sqlite3 amalgamation as it ships (no mmcc
 * qualifiers anywhere: mmcc must be a drop-in for clang here).
 *
 *   -DROWS=n   rows in the orders table (default 20000)
 *
 * Prints "result: time_ns=... checksum=...": the time of the SQL work and a
 * checksum of every query's results, the same whatever compiled it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sqlite3.h"

#ifndef ROWS
#define ROWS 20000
#endif

static uint64_t checksum = 1469598103934665603ull;

static void mix(const void *bytes, size_t n) {
    const unsigned char *p = bytes;
    for (size_t i = 0; i < n; i++)
        checksum = (checksum ^ p[i]) * 1099511628211ull;
}

static void fail(sqlite3 *db, const char *what) {
    printf("sqlite: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static void exec(sqlite3 *db, const char *sql) {
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        printf("sqlite: %s: %s\n", sql, error);
        exit(1);
    }
}

/* Runs a query and folds every column of every row into the checksum. */
static int query(sqlite3 *db, const char *sql) {
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        fail(db, sql);
    int rows = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(stmt); c++) {
            const unsigned char *text = sqlite3_column_text(stmt, c);
            if (text)
                mix(text, strlen((const char *)text));
            mix("|", 1);
        }
        rows++;
    }
    if (rc != SQLITE_DONE)
        fail(db, sql);
    sqlite3_finalize(stmt);
    return rows;
}

static uint32_t rng = 0x9e3779b9u;
static uint32_t next_random(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(void) {
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        fail(db, "open");
    double start = now_ns();
    exec(db, "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT, region TEXT);"
             "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, item TEXT, qty INTEGER, price REAL);");
    static const char *regions[] = {"north", "south", "east", "west", "centre"};
    static const char *items[] = {"anvil", "bolt", "cog", "drill", "easel", "file", "gear", "hinge"};
    sqlite3_stmt *insert;
    exec(db, "BEGIN");
    if (sqlite3_prepare_v2(db, "INSERT INTO customers VALUES(?, ?, ?)", -1, &insert, NULL) != SQLITE_OK)
        fail(db, "prepare customers");
    for (int i = 1; i <= ROWS / 20; i++) {
        char name[32];
        snprintf(name, sizeof name, "customer-%05u", next_random() % 100000);
        sqlite3_bind_int(insert, 1, i);
        sqlite3_bind_text(insert, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 3, regions[next_random() % 5], -1, SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE)
            fail(db, "insert customer");
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    if (sqlite3_prepare_v2(db, "INSERT INTO orders(customer, item, qty, price) VALUES(?, ?, ?, ?)", -1, &insert, NULL) != SQLITE_OK)
        fail(db, "prepare orders");
    for (int i = 0; i < ROWS; i++) {
        sqlite3_bind_int(insert, 1, 1 + next_random() % (ROWS / 20));
        sqlite3_bind_text(insert, 2, items[next_random() % 8], -1, SQLITE_STATIC);
        sqlite3_bind_int(insert, 3, 1 + next_random() % 50);
        sqlite3_bind_double(insert, 4, (next_random() % 100000) / 100.0);
        if (sqlite3_step(insert) != SQLITE_DONE)
            fail(db, "insert order");
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    exec(db, "COMMIT");
    exec(db, "CREATE INDEX orders_customer ON orders(customer); CREATE INDEX orders_item ON orders(item, qty)");
    int rows = 0;
    rows += query(db, "SELECT c.region, o.item, count(*), sum(o.qty), printf('%.2f', sum(o.qty * o.price)) "
                      "FROM orders o JOIN customers c ON c.id = o.customer GROUP BY c.region, o.item ORDER BY 1, 2");
    rows += query(db, "SELECT c.name, count(*) AS n, printf('%.2f', avg(o.price)) FROM customers c JOIN orders o ON o.customer = c.id "
                      "GROUP BY c.id ORDER BY n DESC, c.name LIMIT 50");
    rows += query(db, "SELECT item, qty, count(*) FROM orders WHERE item IN ('bolt', 'gear') AND qty BETWEEN 10 AND 20 "
                      "GROUP BY item, qty");
    rows += query(db, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000) "
                      "SELECT sum(x * x) % 1000003, group_concat(substr(hex(x), -2), '') FROM n");
    rows += query(db, "SELECT json_group_array(json_object('id', id, 'total', qty * price)) FROM "
                      "(SELECT id, qty, price FROM orders ORDER BY price DESC LIMIT 20)");
    exec(db, "UPDATE orders SET price = price * 1.1 WHERE item = 'cog'; DELETE FROM orders WHERE qty < 5");
    rows += query(db, "SELECT count(*), printf('%.2f', sum(price)), max(qty), min(item) FROM orders");
    double elapsed = now_ns() - start;
    sqlite3_close(db);
    printf("result: time_ns=%.0f rows=%d checksum=%llu\n", elapsed, rows, (unsigned long long)checksum);
    return 0;
}
