/* sqlite in memory 4, an application in memory 0.
 *
 *   mmcc -O2 -I SQLITE_SRC app.c --in-memory=4 sqlite3.o -lwasi-emulated-... -o sqlite-app.wasm
 *   mmtool run --dir . sqlite-app.wasm -- [-d DATABASE] [-p VALUE]... SCRIPT...
 *
 * (examples/sqlite/build.sh has the whole command lines.)
 *
 * The application (this file: its code, its stdio, the scripts as it reads
 * them) is in the default memory; sqlite, the amalgamation compiled as it
 * ships, is retargeted into memory 4 with its own C library, C stack, heap
 * and WASI adapter. The application reads each SCRIPT (a file, through a
 * preopened folder), copies it into memory 4 and hands it to sqlite one
 * statement at a time: sqlite3_complete() finds where a statement ends,
 * sqlite3_prepare_v2(), sqlite3_step() and sqlite3_column_*() run it and
 * read its rows, which the application prints. A statement written after
 * the comment `-- exec` goes to sqlite3_exec() instead, whose callback (in
 * this file) receives the row as memory-4 pointers. Statements with
 * parameters (?1, ?2, ...) get the -p VALUEs, in order, as integers, reals
 * or text.
 *
 * DATABASE is ":memory:" by default, or a file, which sqlite opens, reads,
 * writes, syncs and locks (dot-file locks, sqlite's default VFS on WASI)
 * with memory 4's C library, whose WASI calls go through memory 4's adapter.
 *
 * Output, for every statement:
 *   sql> STATEMENT            (exec> for sqlite3_exec; whitespace collapsed)
 *   col|col|...               column names, when it returns columns
 *   value|value|...           each row (NULL, integers, reals as %.15g,
 *                             text as it is, blobs as x'hex')
 *   (N rows)  or  ok (N changes)  or  error: MESSAGE
 * and at the end "N statements, M errors, close ok". Exit code 0 when every
 * statement succeeded, 3 when some failed, 1 when a script could not be read
 * or the database not opened or closed.
 *
 * Built without mmcc (plain clang, <mmcc.h>'s qualifiers defined away) or
 * with -DMMCC_SINGLE_MEMORY, the same file runs with sqlite in memory 0 and
 * prints the same.
 */
#include <mmcc.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SQLITE_APP_HAND_WRITTEN_HEADER
/* sqlite3.h as sqlite in memory 4 sees it: every pointer its declarations
 * spell (handles, SQL text, out-parameters, returned strings, the
 * callback's parameters) is a memory-4 pointer. sqlite3.h includes
 * <stdarg.h>, a system header that the region would leave alone anyway;
 * included first, it is plainly the application's. Without mmcc, or with
 * -DMMCC_SINGLE_MEMORY, the region changes nothing and this is sqlite3.h
 * as it is. */
#include <stdarg.h>
#pragma mmcc memory(push, 4)
#include "sqlite3.h"
#pragma mmcc memory(pop)
#else
/* The part of it this file uses, written by hand with __memory(4). */
#include "sqlite3_m4.h"
#endif

#define M4 __memory(4)

/* The out-parameters sqlite writes (the connection, a statement, the end of
 * the statement it compiled, sqlite3_exec's error message) and the state
 * of the exec callback: static data of the application, placed in memory 4,
 * where sqlite can write them. */
static M4 sqlite3 *M4 db_slot;
static M4 sqlite3_stmt *M4 stmt_slot;
static M4 const char *M4 tail_slot;
static M4 char *M4 errmsg_slot;
struct exec_state {
    int rows;
    int columns;
};
static M4 struct exec_state exec_state;

static const char *const *params;
static int nparams;
static int statements, errors;

/* Writes n bytes of a memory-4 string to stdout. */
static void put_m4(const M4 char *s, size_t n) {
    char buf[256];
    while (n) {
        size_t k = n < sizeof buf ? n : sizeof buf;
        mm_copy(0, buf, 4, s, k);
        fwrite(buf, 1, k, stdout);
        s += k;
        n -= k;
    }
}

static void put_m4_string(const M4 char *s) {
    if (s)
        put_m4(s, mm_strlen(4, s));
    else
        fputs("NULL", stdout);
}

/* A memory-4 string copied into the default memory (malloc'd). */
static char *from_m4(const M4 char *s, size_t n) {
    char *copy = malloc(n + 1);
    if (!copy) {
        fputs("out of memory\n", stderr);
        exit(1);
    }
    mm_copy(0, copy, 4, s, n);
    copy[n] = 0;
    return copy;
}

static void report_error(const char *what) {
    M4 sqlite3 *db = db_slot;
    fputs("error: ", stdout);
    if (what)
        fputs(what, stdout);
    else
        put_m4_string(sqlite3_errmsg(db));
    putchar('\n');
    errors++;
}

/* The statement's text for the listing: comment lines dropped, white
 * space outside quotes collapsed into single spaces. */
static void print_statement(const char *prompt, const M4 char *start, const M4 char *end) {
    char *text = from_m4(start, (size_t)(end - start));
    fputs(prompt, stdout);
    int space = 0, at_line_start = 1, any = 0;
    char quote = 0;
    for (char *p = text; *p; p++) {
        if (quote || *p == '\'' || *p == '"') { /* strings and quoted names as they are */
            if (space)
                putchar(' ');
            space = 0;
            quote = !quote ? *p : *p == quote ? 0 : quote;
            putchar(*p);
            at_line_start = *p == '\n';
            any = 1;
            continue;
        }
        if (at_line_start && p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
            if (!*p)
                break;
            space = any;
            continue;
        }
        if (*p == '\n')
            at_line_start = 1;
        else if (*p != ' ' && *p != '\t' && *p != '\r')
            at_line_start = 0;
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = any;
            continue;
        }
        if (space)
            putchar(' ');
        space = 0;
        putchar(*p);
        any = 1;
    }
    putchar('\n');
    free(text);
}

static void print_value(M4 sqlite3_stmt *stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_NULL:
        fputs("NULL", stdout);
        break;
    case SQLITE_INTEGER:
        printf("%lld", (long long)sqlite3_column_int64(stmt, i));
        break;
    case SQLITE_FLOAT:
        printf("%.15g", sqlite3_column_double(stmt, i));
        break;
    case SQLITE_TEXT: {
        const M4 unsigned char *text = sqlite3_column_text(stmt, i);
        put_m4((const M4 char *)text, (size_t)sqlite3_column_bytes(stmt, i));
        break;
    }
    default: { /* a blob: its bytes, read from memory 4 one by one */
        const M4 unsigned char *blob = sqlite3_column_blob(stmt, i);
        int n = sqlite3_column_bytes(stmt, i);
        fputs("x'", stdout);
        for (int k = 0; k < n; k++)
            printf("%02x", blob[k]);
        putchar('\'');
        break;
    }
    }
}

/* Binds the -p values to the statement's parameters ?1, ?2, ...: an integer
 * or a real if the whole value reads as one, text otherwise (copied into
 * memory 4; SQLITE_TRANSIENT makes sqlite take its own copy). */
static int bind_params(M4 sqlite3_stmt *stmt) {
    int n = sqlite3_bind_parameter_count(stmt);
    for (int i = 1; i <= n && i <= nparams; i++) {
        const char *v = params[i - 1];
        char *end;
        int rc;
        errno = 0;
        long long integer = strtoll(v, &end, 10);
        if (*v && !*end && !errno) {
            rc = sqlite3_bind_int64(stmt, i, integer);
        } else {
            double real = strtod(v, &end);
            if (*v && !*end) {
                rc = sqlite3_bind_double(stmt, i, real);
            } else {
                size_t len = strlen(v);
                M4 char *copy = mm_malloc(4, len + 1);
                mm_copy(4, copy, 0, v, len + 1);
                rc = sqlite3_bind_text(stmt, i, copy, (int)len, SQLITE_TRANSIENT);
                mm_free(4, copy);
            }
        }
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

/* One statement, [start, end) in memory 4, with prepare/step/column. */
static void run_prepared(const M4 char *start, const M4 char *end) {
    M4 sqlite3 *db = db_slot;
    int rc = sqlite3_prepare_v2(db, start, (int)(end - start), &stmt_slot, &tail_slot);
    M4 sqlite3_stmt *stmt = stmt_slot;
    if (rc == SQLITE_OK && !stmt)
        return; /* only comments and white space */
    statements++;
    print_statement("sql> ", start, end);
    if (rc != SQLITE_OK) {
        report_error(NULL);
        return;
    }
    if (bind_params(stmt) != SQLITE_OK) {
        report_error(NULL);
        sqlite3_finalize(stmt);
        return;
    }
    int columns = sqlite3_column_count(stmt);
    if (columns) {
        for (int i = 0; i < columns; i++) {
            if (i)
                putchar('|');
            put_m4_string(sqlite3_column_name(stmt, i));
        }
        putchar('\n');
    }
    /* sqlite3_changes() counts the rows the statement itself changed (not
     * its triggers'), but keeps its value across statements that change
     * nothing; the total tells which those are. */
    int before = sqlite3_total_changes(db);
    int rows = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (int i = 0; i < columns; i++) {
            if (i)
                putchar('|');
            print_value(stmt, i);
        }
        putchar('\n');
        rows++;
    }
    if (rc != SQLITE_DONE) {
        report_error(NULL);
    } else if (columns) {
        printf("(%d row%s)\n", rows, rows == 1 ? "" : "s");
    } else {
        int changes = sqlite3_total_changes(db) != before ? sqlite3_changes(db) : 0;
        if (changes)
            printf("ok (%d change%s)\n", changes, changes == 1 ? "" : "s");
        else
            puts("ok");
    }
    sqlite3_finalize(stmt);
}

/* sqlite3_exec's callback: the argument, the column values and the column
 * names are sqlite's, in memory 4. */
static int print_row(M4 void *arg, int ncolumns, M4 char *M4 *values, M4 char *M4 *names) {
    M4 struct exec_state *state = arg;
    if (state->rows == 0) {
        for (int i = 0; i < ncolumns; i++) {
            if (i)
                putchar('|');
            put_m4_string(names[i]);
        }
        putchar('\n');
    }
    for (int i = 0; i < ncolumns; i++) {
        if (i)
            putchar('|');
        put_m4_string(values[i]);
    }
    putchar('\n');
    state->rows++;
    state->columns = ncolumns;
    return 0;
}

/* One statement through sqlite3_exec; [start, end) in memory 4, with a
 * terminating NUL written at end for the call. */
static void run_exec(M4 char *start, M4 char *end) {
    statements++;
    print_statement("exec> ", start, end);
    char saved = *end;
    *end = 0;
    exec_state.rows = 0;
    exec_state.columns = 0;
    errmsg_slot = 0;
    int rc = sqlite3_exec(db_slot, start, print_row, &exec_state, &errmsg_slot);
    *end = saved;
    if (rc != SQLITE_OK) {
        M4 char *message = errmsg_slot;
        char *text = message ? from_m4(message, mm_strlen(4, message)) : NULL;
        report_error(text ? text : "(no message)");
        free(text);
        sqlite3_free(message); /* sqlite's allocation, sqlite's free */
    } else if (exec_state.rows) {
        printf("(%d row%s)\n", exec_state.rows, exec_state.rows == 1 ? "" : "s");
    } else {
        puts("ok");
    }
}

/* Whether the statement starts, after white space, with the comment
 * `-- exec`: read from memory 4 directly. */
static int wants_exec(const M4 char *p, const M4 char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    static const char marker[] = "-- exec";
    for (size_t i = 0; i < sizeof marker - 1; i++)
        if (p + i >= end || p[i] != marker[i])
            return 0;
    return p + sizeof marker - 1 == end || p[sizeof marker - 1] == '\n' || p[sizeof marker - 1] == '\r';
}

/* The script, NUL-terminated in memory 4, one statement at a time: a
 * statement ends at the first ';' after which sqlite3_complete() says the
 * text so far is complete (';' in strings, comments and triggers do not
 * count), or at the end of the script. */
static void run_script(M4 char *script) {
    M4 char *p = script;
    while (*p) {
        M4 char *q = p, *end;
        for (;;) {
            M4 char *semi = mm_strchr(4, q, ';');
            if (!semi) {
                end = p + mm_strlen(4, p);
                break;
            }
            char saved = semi[1];
            semi[1] = 0;
            int complete = sqlite3_complete(p);
            semi[1] = saved;
            if (complete) {
                end = semi + 1;
                break;
            }
            q = semi + 1;
        }
        if (wants_exec(p, end))
            run_exec(p, end);
        else
            run_prepared(p, end);
        p = end;
    }
}

static char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n == cap)
            buf = realloc(buf, cap *= 2);
        if (!buf)
            break;
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    int error = ferror(f);
    fclose(f);
    if (!buf || error) {
        fprintf(stderr, "%s: read error\n", path);
        free(buf);
        return NULL;
    }
    *size = n;
    return buf;
}

int main(int argc, char **argv) {
    const char *database = ":memory:";
    const char **values = calloc((size_t)argc, sizeof *values);
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
            database = argv[++i];
        else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
            values[nparams++] = argv[++i];
        else
            break;
    }
    params = values;
    if (i == argc || argv[i][0] == '-') {
        fprintf(stderr, "usage: %s [-d DATABASE] [-p VALUE]... SCRIPT...\n", argv[0]);
        return 1;
    }

    printf("-- sqlite ");
    put_m4_string(sqlite3_libversion());
    printf(" (header %s)\n", SQLITE_VERSION);

    /* The database's name, in memory 4, where sqlite reads it. */
    M4 char *name = mm_malloc(4, strlen(database) + 1);
    mm_copy(4, name, 0, database, strlen(database) + 1);
    int rc = sqlite3_open_v2(name, &db_slot, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 0);
    mm_free(4, name);
    if (rc != SQLITE_OK) {
        printf("cannot open %s: ", database);
        put_m4_string(db_slot ? sqlite3_errmsg(db_slot) : 0);
        putchar('\n');
        return 1;
    }

    int status = 0;
    for (; i < argc; i++) {
        size_t n;
        char *text = read_file(argv[i], &n);
        if (!text) {
            status = 1;
            break;
        }
        printf("== %s\n", argv[i]);
        M4 char *script = mm_malloc(4, n + 1);
        mm_copy(4, script, 0, text, n);
        script[n] = 0;
        free(text);
        run_script(script);
        mm_free(4, script);
    }

    if (!sqlite3_get_autocommit(db_slot))
        puts("-- a transaction is still open: closing rolls it back");
    rc = sqlite3_close(db_slot);
    printf("%d statement%s, %d error%s, close %s\n", statements, statements == 1 ? "" : "s", errors,
           errors == 1 ? "" : "s", rc == SQLITE_OK ? "ok" : "FAILED");
    free(values);
    if (rc != SQLITE_OK || status)
        return 1;
    return errors ? 3 : 0;
}
