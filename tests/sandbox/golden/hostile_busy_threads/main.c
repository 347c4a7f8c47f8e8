#include <pthread.h>
#include <stdio.h>
#include <sys/prctl.h>
/* Small explicit stacks, so 16 threads fit whatever the stack limit (the judge leaves it unlimited, and
   glibc then gives default-sized threads 2 MB each; see test_threads_start_and_their_cpu_time_counts). */
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
