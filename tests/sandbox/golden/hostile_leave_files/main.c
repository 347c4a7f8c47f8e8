#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>
/* Leaves files in every scratch place and a SysV shared memory segment for the next run to find. */
static void plant(const char* path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd >= 0) { (void)!write(fd, "secret\n", 7); close(fd); }
}
int main(void) {
    plant("/tmp/cpj_leak");
    mkdir("/tmp/cpj_leakdir", 0777);
    plant("/tmp/cpj_leakdir/inner");
    plant("/tmp/.cpj_hidden");
    plant("/dev/shm/cpj_leak");
    plant("/dev/mqueue/cpj_leak");
    shmget(0x43504a, 4096, IPC_CREAT | 0666);
    printf("planted\n");
    return 0;
}
