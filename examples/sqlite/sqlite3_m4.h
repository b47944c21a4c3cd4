/* sqlite3_m4.h: the part of sqlite 3.54's C API that app.c uses, as code in
 * the default memory sees it when sqlite lives in memory 4 (`--in-memory=4`).
 *
 * Written by hand, declaration for declaration after sqlite3.h, with every
 * pointer a memory-4 pointer: the connection and statement handles, the SQL
 * text, the out-parameters, the strings and blobs sqlite returns, and the
 * arguments sqlite3_exec() hands its callback are all addresses in memory 4.
 * It is what `#pragma mmcc memory(push, 4)` around `#include "sqlite3.h"`
 * makes of sqlite3.h itself, which app.c uses; with
 * -DSQLITE_APP_HAND_WRITTEN_HEADER app.c includes this file instead (for a
 * compiler whose plugin has no such pragma, and as a readable list of the
 * boundary's types).
 *
 * Compiled without mmcc (or with MMCC_SINGLE_MEMORY), __memory(4) is
 * nothing and these are sqlite3.h's own prototypes: the same application
 * then runs with sqlite in the default memory.
 */
#ifndef SQLITE3_M4_H
#define SQLITE3_M4_H

#include <mmcc.h>

#define SQLITE_VERSION "3.54.1"

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef long long int sqlite3_int64;

/* Function pointers are table indices, in no memory; what they take is in
 * memory 4. sqlite3_exec()'s callback gets the callback argument, the number
 * of columns, the column values and the column names, all sqlite's. */
typedef int (*sqlite3_callback)(__memory(4) void *arg, int ncolumns,
                                __memory(4) char *__memory(4) *values,
                                __memory(4) char *__memory(4) *names);
typedef void (*sqlite3_destructor_type)(__memory(4) void *);
#define SQLITE_STATIC ((sqlite3_destructor_type)0)
#define SQLITE_TRANSIENT ((sqlite3_destructor_type)-1)

/* Result codes and flags (sqlite3.h's values). */
#define SQLITE_OK 0
#define SQLITE_ERROR 1
#define SQLITE_ABORT 4
#define SQLITE_BUSY 5
#define SQLITE_CONSTRAINT 19
#define SQLITE_MISUSE 21
#define SQLITE_ROW 100
#define SQLITE_DONE 101
#define SQLITE_OPEN_READONLY 0x00000001
#define SQLITE_OPEN_READWRITE 0x00000002
#define SQLITE_OPEN_CREATE 0x00000004
#define SQLITE_INTEGER 1
#define SQLITE_FLOAT 2
#define SQLITE_TEXT 3
#define SQLITE_BLOB 4
#define SQLITE_NULL 5

__memory(4) const char *sqlite3_libversion(void);
__memory(4) const char *sqlite3_sourceid(void);

int sqlite3_open_v2(__memory(4) const char *filename,
                    __memory(4) sqlite3 *__memory(4) *ppDb, int flags,
                    __memory(4) const char *zVfs);
int sqlite3_close(__memory(4) sqlite3 *db);

int sqlite3_exec(__memory(4) sqlite3 *db, __memory(4) const char *sql,
                 sqlite3_callback callback, __memory(4) void *arg,
                 __memory(4) char *__memory(4) *errmsg);
int sqlite3_complete(__memory(4) const char *sql);

int sqlite3_prepare_v2(__memory(4) sqlite3 *db, __memory(4) const char *zSql,
                       int nByte, __memory(4) sqlite3_stmt *__memory(4) *ppStmt,
                       __memory(4) const char *__memory(4) *pzTail);
__memory(4) const char *sqlite3_sql(__memory(4) sqlite3_stmt *pStmt);
int sqlite3_step(__memory(4) sqlite3_stmt *pStmt);
int sqlite3_reset(__memory(4) sqlite3_stmt *pStmt);
int sqlite3_finalize(__memory(4) sqlite3_stmt *pStmt);

int sqlite3_bind_parameter_count(__memory(4) sqlite3_stmt *pStmt);
int sqlite3_bind_int64(__memory(4) sqlite3_stmt *pStmt, int i, sqlite3_int64 value);
int sqlite3_bind_double(__memory(4) sqlite3_stmt *pStmt, int i, double value);
int sqlite3_bind_text(__memory(4) sqlite3_stmt *pStmt, int i,
                      __memory(4) const char *text, int n,
                      sqlite3_destructor_type destructor);

int sqlite3_column_count(__memory(4) sqlite3_stmt *pStmt);
__memory(4) const char *sqlite3_column_name(__memory(4) sqlite3_stmt *pStmt, int N);
int sqlite3_column_type(__memory(4) sqlite3_stmt *pStmt, int iCol);
sqlite3_int64 sqlite3_column_int64(__memory(4) sqlite3_stmt *pStmt, int iCol);
double sqlite3_column_double(__memory(4) sqlite3_stmt *pStmt, int iCol);
__memory(4) const unsigned char *sqlite3_column_text(__memory(4) sqlite3_stmt *pStmt, int iCol);
__memory(4) const void *sqlite3_column_blob(__memory(4) sqlite3_stmt *pStmt, int iCol);
int sqlite3_column_bytes(__memory(4) sqlite3_stmt *pStmt, int iCol);

int sqlite3_changes(__memory(4) sqlite3 *db);
int sqlite3_total_changes(__memory(4) sqlite3 *db);
int sqlite3_get_autocommit(__memory(4) sqlite3 *db);
int sqlite3_errcode(__memory(4) sqlite3 *db);
int sqlite3_extended_errcode(__memory(4) sqlite3 *db);
__memory(4) const char *sqlite3_errmsg(__memory(4) sqlite3 *db);

/* sqlite's own allocator (memory 4's malloc behind a size header): what
 * sqlite hands out, such as sqlite3_exec()'s error message, is freed with
 * sqlite3_free, not mm_free. */
void sqlite3_free(__memory(4) void *p);

#endif
