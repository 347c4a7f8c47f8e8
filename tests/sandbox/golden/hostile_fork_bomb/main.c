#include <sys/prctl.h>
#include <unistd.h>
int main(void) {
    prctl(PR_SET_NAME, "cpjhostile");
    for (;;) fork();
}
