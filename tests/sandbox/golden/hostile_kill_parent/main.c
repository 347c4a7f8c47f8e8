#include <signal.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
    kill(getppid(), SIGKILL);
    kill(1, SIGKILL);
    kill(-1, SIGKILL);  /* every process it may signal (never itself) */
    printf("alive\n");
    return 0;
}
