#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
/* Every attempt outside the scratch space must be refused. Prints one line per attempt. */
static void attempt(const char* what, int ok) { printf("%s %s\n", ok ? "ALLOWED" : "denied", what); }
static int opens(const char* path, int flags) {
    int fd = open(path, flags, 0644);
    if (fd < 0) return 0;
    close(fd);
    return 1;
}
int main(int argc, char** argv) {
    (void)argc;
    char self[4096] = {0}, dir[4096];
    if (readlink("/proc/self/exe", self, sizeof self - 1) < 0) strcpy(self, argv[0]);
    strcpy(dir, self);
    char* slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/planted", dir);
    attempt("write /etc/passwd", opens("/etc/passwd", O_WRONLY | O_APPEND));
    attempt("create /etc/cpj_planted", opens("/etc/cpj_planted", O_WRONLY | O_CREAT));
    attempt("create /usr/bin/cpj_planted", opens("/usr/bin/cpj_planted", O_WRONLY | O_CREAT));
    attempt("create /cpj_planted", opens("/cpj_planted", O_WRONLY | O_CREAT));
    attempt("overwrite own binary", opens(self, O_WRONLY));
    attempt("create next to own binary", opens(probe, O_WRONLY | O_CREAT));
    attempt("list the judge's io dir", opendir("/box/io") != NULL);
    attempt("read the judge's input file", opens("/box/io/in", O_RDONLY));
    attempt("read pid 1 environ", opens("/proc/1/environ", O_RDONLY));
    attempt("read pid 1 memory", opens("/proc/1/mem", O_RDONLY));
    int parent_mem = 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
    parent_mem = opens(path, O_RDONLY);
    attempt("read the parent's memory", parent_mem);
    attempt("mkdir in /box", mkdir("/box/cpj_planted", 0755) == 0);
    return 0;
}
