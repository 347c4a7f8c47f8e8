/* Run after every hostile case, on every worker: prints "clean", or one "LEAK ..." line per thing a
 * previous run left behind (scratch files, SysV IPC objects, processes of an unprivileged uid). */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int leaks = 0;

static void leak(const char* where, const char* what) {
    printf("LEAK %s %s\n", where, what);
    leaks++;
}

static void scan_dir(const char* path) {
    DIR* dir = opendir(path);
    if (!dir) return; /* not mounted here */
    struct dirent* e;
    while ((e = readdir(dir)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) leak(path, e->d_name);
    closedir(dir);
}

static void scan_sysv(const char* path) {
    FILE* f = fopen(path, "r");
    if (!f) return;
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (n++ > 0) { /* the first line is a header */
            line[strcspn(line, "\n")] = 0;
            leak(path, line);
        }
    fclose(f);
}

static void scan_processes(void) {
    DIR* proc = opendir("/proc");
    if (!proc) return;
    struct dirent* e;
    while ((e = readdir(proc)) != NULL) {
        if (!isdigit((unsigned char)e->d_name[0]) || atoi(e->d_name) == getpid()) continue;
        char path[300], line[256], name[64] = "?";
        int uid = -1;
        snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
        FILE* f = fopen(path, "r");
        if (!f) continue;
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "Name:", 5) == 0) sscanf(line + 5, "%63s", name);
            if (strncmp(line, "Uid:", 4) == 0) sscanf(line + 4, "%d", &uid);
        }
        fclose(f);
        if (uid > 0) { /* root is the runner and its helpers; any other uid is a program left running */
            char what[128];
            snprintf(what, sizeof what, "pid %s uid %d %s", e->d_name, uid, name);
            leak("process", what);
        }
    }
    closedir(proc);
}

int main(void) {
    scan_dir("/tmp");
    scan_dir("/dev/shm");
    scan_dir("/dev/mqueue");
    scan_sysv("/proc/sysvipc/shm");
    scan_sysv("/proc/sysvipc/msg");
    scan_sysv("/proc/sysvipc/sem");
    scan_processes();
    if (!leaks) puts("clean");
    return 0;
}
