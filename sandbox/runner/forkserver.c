/* forkserver: the spawn helper without an exec per program.
 *
 * Starting the spawn helper (sandbox/image/spawn.c) costs an exec of its own for every program the
 * runner starts, about as much as the program's own exec on a small VM. This server is spawn.c compiled
 * with a loop around it: the runner starts it once (as root, with the container's few capabilities) and
 * sends it requests over a SOCK_SEQPACKET socket on fd 3; for each it forks a child that does exactly
 * what the spawn helper does (spawn.c's main, so the rules live in one place): the child forks the
 * program, drops it to its uid under its limits, enforces the wall clock and writes the report.
 *
 * The server is a tiny static process, so a child forked from it starts with a peak RSS of a few hundred
 * KB, as the spawn helper does (a fork of the Python runner would report the runner's memory).
 *
 * Request (one message): NUL-terminated strings "argc", argv[0..argc-1] (spawn's arguments), then the
 * environment; SCM_RIGHTS: the program's fds 0..n-1, then the report fd (spawn's REPORT_FD argument says
 * where it goes). Reply: the child's pid as a decimal string ("-errno" when fork failed).
 *
 * Inline requests ("argc" written "i<argc>"): for a program that runs alone (the runner's run and compile
 * jobs: one program at a time), the server itself does the spawn helper's work (spawn_run: the same code),
 * with no child of its own in between: one fork per program less, about 0.1 ms. It replies with the
 * program's pid once the program has started, then waits for it and writes the report; only then does it
 * read its next request. Two programs at once (interactive) use the forking requests.
 * The server ends when the runner closes its end of the socket.
 */
#define main spawn_main
#include "spawn.c"
#undef main

#include <sys/wait.h>

#include <sys/socket.h>

extern char **environ;

static int replied; /* inline run: 1 once the pid went to the runner, -1 when that failed */

#define MAX_MSG 65536
#define MAX_FDS 16
#define MAX_STR 1024

static void reply_pid(pid_t pid) {
    char reply[32];
    snprintf(reply, sizeof reply, "%d", (int)pid);
    replied = send(3, reply, strlen(reply), MSG_NOSIGNAL) >= 0 ? 1 : -1;
}

/* The request's spawn arguments into argv (NULL-ended) and the rest of its strings into the environment. */
static void take_args(char **strs, int argc, int count, char **argv, char **env) {
    int ne = 0;
    for (int i = 0; i < argc; i++) argv[i] = strs[1 + i];
    argv[argc] = NULL;
    for (int i = 1 + argc; i < count; i++) env[ne++] = strs[i];
    env[ne] = NULL;
    environ = env;
}

int main(void) {
    static char buf[MAX_MSG + 1];
    static char *argv[MAX_STR + 1], *env[MAX_STR + 1];
    /* Children are reaped here (below): an inline run must wait for its program to get its rusage. */
    signal(SIGCHLD, SIG_DFL);
    fcntl(3, F_SETFD, FD_CLOEXEC); /* no program inherits the runner's socket */
    for (;;) {
        while (waitpid(-1, NULL, WNOHANG) > 0) {
        } /* forked helpers that ended (they report to the runner themselves) */
        union {
            char space[CMSG_SPACE(sizeof(int) * MAX_FDS)];
            struct cmsghdr align;
        } ctl;
        struct iovec iov = {buf, MAX_MSG};
        struct msghdr msg;
        memset(&msg, 0, sizeof msg);
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = ctl.space;
        msg.msg_controllen = sizeof ctl.space;
        ssize_t n = recvmsg(3, &msg, MSG_CMSG_CLOEXEC);
        if (n == 0) return 0; /* the runner is gone */
        if (n < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        buf[n] = 0;
        int fds[MAX_FDS], nfds = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                for (int i = 0; i < k; i++) {
                    int fd;
                    memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                    if (nfds < MAX_FDS) fds[nfds++] = fd;
                    else close(fd);
                }
            }
        }
        char *strs[MAX_STR + 1];
        int count = 0;
        for (char *p = buf; p < buf + n && count < MAX_STR; p += strlen(p) + 1) strs[count++] = p;
        strs[count] = NULL;
        int inline_run = count > 0 && strs[0][0] == 'i';
        int argc = count > 0 ? atoi(strs[0] + inline_run) : 0;
        char reply[32];
        if (nfds < 1 || argc < 13 || argc + 1 > count) {
            snprintf(reply, sizeof reply, "-%d", EINVAL);
        } else if (inline_run) {
            take_args(strs, argc, count, argv, env);
            replied = 0;
            int code = spawn_run(argc, argv, fds, nfds - 1, fds[nfds - 1], reply_pid);
            for (int i = 0; i < nfds; i++) close(fds[i]);
            if (replied < 0) return 1;
            if (replied) continue;
            snprintf(reply, sizeof reply, "-%d", code == 124 ? EINVAL : EAGAIN); /* it never started */
            if (send(3, reply, strlen(reply), MSG_NOSIGNAL) < 0) return 1;
            continue;
        } else {
            pid_t pid = fork();
            if (pid == 0) {
                close(3);
                setsid();
                /* fds above every target first, so installing 0..n-1 never clobbers one still needed */
                int high[MAX_FDS];
                for (int i = 0; i < nfds; i++) high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 100);
                int report = atoi(strs[1 + 10]); /* spawn's REPORT_FD argument */
                for (int i = 0; i < nfds - 1; i++) dup2(high[i], i);
                dup2(high[nfds - 1], report);
                take_args(strs, argc, count, argv, env);
                _exit(spawn_run(argc, argv, NULL, 0, report, NULL));
            }
            snprintf(reply, sizeof reply, "%d", pid < 0 ? -errno : (int)pid);
        }
        for (int i = 0; i < nfds; i++) close(fds[i]);
        if (send(3, reply, strlen(reply), MSG_NOSIGNAL) < 0) return 1;
    }
}
