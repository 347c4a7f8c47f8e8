/* spawn: run one program as an unprivileged uid under rlimits, report how it went.
 *
 * Why a separate binary: ru_maxrss is a per-process high-water mark that survives exec, so a program
 * forked from the Python runner would report the runner's memory as its own. This tiny static helper is
 * started (as root, with CAP_SETUID/SETGID) by the runner; its child drops to the uid and execs the
 * program, so the program's peak starts from a few hundred KB. The helper stays root, so the program
 * cannot kill it, and it enforces the wall-clock limit itself.
 *
 * usage: spawn UID CPU_MS AS_BYTES STACK_BYTES FSIZE NOFILE NPROC WALL_MS CWD REPORT_FD -- PROGRAM ARGS...
 * CPU_MS: the program is killed soon after using that much CPU (checked every 20 ms; RLIMIT_CPU, whole
 * seconds only, is the backstop), so a time limit exceeded costs the limit, not the next whole second.
 * report (one line on REPORT_FD): status utime_us stime_us maxrss_kb wall_us wall_killed exec_errno
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SPAWN_MAX_FDS 16

static pid_t child = 0;

static void on_alarm(int sig) { (void)sig; /* only interrupts wait4 */ }

static void kill_child(void) {
    kill(-child, SIGKILL);
    kill(child, SIGKILL);
}

/* utime + stime of a live process in ms (all its threads), -1 when unreadable */
static long long cpu_ms_of(pid_t pid, long tick) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    unsigned long long ut = 0, st = 0;
    /* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) return -1;
    return (long long)((ut + st) * 1000 / tick);
}
static void lim(int res, long long v) {
    if (v <= 0) return;
    struct rlimit r = {(rlim_t)v, (rlim_t)v};
    setrlimit(res, &r);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* Run one program (argv as in the usage above) and write its report to `report`. fds: when nfds > 0,
 * the program's fds 0..nfds-1, installed in the child only (the fork server's inline runs, which must keep
 * their own table); else the program gets this process's own. started: when not NULL, told the program's
 * pid once it has been exec'd (or failed to), before the wait. The caller closes report and fds. */
int spawn_run(int argc, char **argv, const int *fds, int nfds, int report, void (*started)(pid_t)) {
    if (argc < 13 || strcmp(argv[11], "--") != 0) {
        fprintf(stderr, "spawn: bad arguments\n");
        return 120;
    }
    uid_t uid = (uid_t)atol(argv[1]);
    long long cpu_ms = atoll(argv[2]), as = atoll(argv[3]), stack = atoll(argv[4]), fsize = atoll(argv[5]);
    long long nofile = atoll(argv[6]), nproc = atoll(argv[7]), wall_ms = atoll(argv[8]);
    const char *cwd = argv[9];
    fcntl(report, F_SETFD, FD_CLOEXEC);

    int errpipe[2], high[SPAWN_MAX_FDS]; /* high: written by the vfork child only */
    if (nfds > SPAWN_MAX_FDS) return 124;
    if (pipe2(errpipe, O_CLOEXEC) != 0) return 121;
    double start = now();
    /* vfork: the child borrows this tiny process's memory until it execs (no page tables copied), about
     * 0.1 ms less per program than fork on a small VM. Until then it only makes system calls, the
     * identity ones directly (per task, as wanted; no libc bookkeeping in the shared memory). */
    child = vfork();
    if (child < 0) return 122;
    if (child == 0) {
        int e = 0;
        /* Our fds above every target first (in the child's own table), so installing 0..nfds-1
         * never clobbers a source still needed; the copies are close-on-exec. */
        for (int i = 0; i < nfds && !e; i++)
            if ((high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 100)) < 0) e = errno;
        for (int i = 0; i < nfds && !e; i++)
            if (dup2(high[i], i) < 0) e = errno;
        setpgid(0, 0);
        int oom = open("/proc/self/oom_score_adj", O_WRONLY);
        if (oom >= 0) { (void)!write(oom, "1000", 4); close(oom); }
        if (syscall(SYS_setgroups, 0, NULL) != 0 || syscall(SYS_setgid, uid) != 0 || syscall(SYS_setuid, uid) != 0)
            e = errno ? errno : EPERM;
        if (!e && getuid() == 0) e = EPERM;  /* never run a program as root */
        if (!e && chdir(cwd) != 0) e = errno;
        if (!e) {
            if (cpu_ms > 0) {
                rlim_t soft = (rlim_t)(cpu_ms / 1000 + 1);
                struct rlimit r = {soft, soft + 1};
                setrlimit(RLIMIT_CPU, &r);
            }
            lim(RLIMIT_AS, as);
            lim(RLIMIT_STACK, stack);
            lim(RLIMIT_FSIZE, fsize);
            lim(RLIMIT_NOFILE, nofile);
            lim(RLIMIT_NPROC, nproc);
            struct rlimit z = {0, 0};
            setrlimit(RLIMIT_CORE, &z);
            signal(SIGPIPE, SIG_DFL);
            signal(SIGXFSZ, SIG_DFL);
            execvp(argv[12], argv + 12);
            e = errno;
        }
        (void)!write(errpipe[1], &e, sizeof e);
        _exit(127);
    }
    close(errpipe[1]);
    setpgid(child, child);  /* already done by the child (it ran first); harmless */
    if (started) started(child);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    /* A 20 ms tick (first after 20 ms, so trivial programs never see it) checks wall and CPU time. */
    struct itimerval it = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    long tick = sysconf(_SC_CLK_TCK);
    int status = 0, timed_out = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(child, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            setitimer(ITIMER_REAL, &(struct itimerval){{0, 0}, {0, 0}}, NULL);
            close(errpipe[0]);
            return 123;
        }
        if (timed_out) continue;
        if (wall_ms > 0 && (now() - start) * 1000 >= wall_ms) {
            timed_out = 1;
            kill_child();
        } else if (cpu_ms > 0 && cpu_ms_of(child, tick) > cpu_ms) {
            kill_child();  /* rusage will show the CPU time over the limit */
        }
    }
    double wall = now() - start;
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    int exec_errno = 0;
    if (read(errpipe[0], &exec_errno, sizeof exec_errno) != (ssize_t)sizeof exec_errno) exec_errno = 0;
    close(errpipe[0]);
    kill(-child, SIGKILL);  /* whatever it left in its process group */
    dprintf(report, "%d %lld %lld %ld %lld %d %d\n", status,
            (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
            (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec,
            ru.ru_maxrss, (long long)(wall * 1e6), (int)timed_out, exec_errno);
    return 0;
}

int main(int argc, char **argv) {
    return spawn_run(argc, argv, NULL, 0, argc > 10 ? atoi(argv[10]) : -1, NULL);
}
