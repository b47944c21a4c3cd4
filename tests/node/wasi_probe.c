/* What the oracle's hosts must give a WASI preview-1 program, each checked
 * by a line whose text does not depend on the host: arguments, the
 * environment, both clocks, random bytes, files and a directory listing in
 * a preopened folder, stderr and proc_exit. tests/programs.rs runs it on
 * every engine, with a folder `dir` holding given.txt, and compares with
 * wasi_probe.expected (exit code 7). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int later(struct timespec a, struct timespec b) {
    return b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec > a.tv_nsec);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        printf("arg %d: %s\n", i, argv[i]);
    printf("PROBE=%s\n", getenv("PROBE") ? getenv("PROBE") : "(unset)");

    struct timespec a, b, now;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (volatile int i = 0; i < 1000000; i++) {
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("monotonic clock: %s\n", later(a, b) ? "advances" : "does not advance");
    clock_gettime(CLOCK_REALTIME, &now);
    printf("realtime clock: %s\n", now.tv_sec > 1700000000 ? "after 2023" : "before 2023");

    unsigned char x[16] = {0}, y[16] = {0};
    getentropy(x, sizeof x);
    getentropy(y, sizeof y);
    printf("random bytes: %s\n", memcmp(x, y, sizeof x) ? "differ" : "repeat");

    char line[64] = "";
    FILE *f = fopen("dir/given.txt", "r");
    if (!f || !fgets(line, sizeof line, f)) {
        perror("dir/given.txt");
        return 1;
    }
    fclose(f);
    printf("given.txt: %s", line);
    f = fopen("dir/new.txt", "w");
    if (!f) {
        perror("dir/new.txt");
        return 1;
    }
    fprintf(f, "%d arguments\n", argc - 1);
    fclose(f);
    f = fopen("dir/new.txt", "r");
    fgets(line, sizeof line, f);
    fclose(f);
    printf("new.txt: %s", line);

    int entries = 0;
    DIR *d = opendir("dir");
    for (struct dirent *e; d && (e = readdir(d));)
        entries += e->d_name[0] != '.';
    if (d)
        closedir(d);
    printf("entries: %d\n", entries);
    printf("unlink: %d\n", unlink("dir/new.txt"));
    fflush(stdout);
    fprintf(stderr, "stderr works\n");
    exit(7);
}
