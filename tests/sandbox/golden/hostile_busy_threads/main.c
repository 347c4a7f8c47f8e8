#include <pthread.h>
#include <stdio.h>
#include <sys/prctl.h>
/* Small explicit stacks: glibc's default thread stack is RLIMIT_STACK, which the judge sets to the
   memory limit, so default-sized threads would not fit in the address space at all. */
static void* spin(void* arg) { (void)arg; volatile unsigned long long x = 0; for (;;) x++; return NULL; }
int main(void) {
    prctl(PR_SET_NAME, "cpjhostile");
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1 << 20);
    pthread_t t[16];
    int started = 0;
    for (int i = 0; i < 16; i++) started += pthread_create(&t[i], &attr, spin, NULL) == 0;
    if (started < 16) { fprintf(stderr, "only %d threads started\n", started); return 1; }
    spin(NULL);
}
