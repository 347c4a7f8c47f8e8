#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>
/* A double-forked daemon in its own session outlives the program unless the judge kills it. */
int main(void) {
    fflush(stdout);
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            prctl(PR_SET_NAME, "cpjhostile");
            close(0); close(1); close(2);
            for (int i = 0; i < 600; i++) {
                int fd = open("/tmp/cpj_daemon_alive", O_WRONLY | O_CREAT | O_APPEND, 0666);
                if (fd >= 0) { (void)!write(fd, "x", 1); close(fd); }
                usleep(100000);
            }
            _exit(0);
        }
        _exit(0);
    }
    printf("detached\n");
    return 0;
}
