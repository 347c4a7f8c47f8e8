"""The in-container runner: many jobs over one stdin/stdout stream (standard library only).

It runs as root inside a container that keeps only CAP_SETUID, CAP_SETGID and CAP_KILL, and runs every
program as an unprivileged uid with setrlimit limits. Three uids per worker, from --uid-base B:
B+0 compiles (owns /box/p, so programs cannot overwrite their own binary), B+1 runs solutions, B+2 runs
interactors and checkers (so a solution cannot signal or read its interactor).

Framing, both directions: 4-byte big-endian length, a JSON header, then the raw blobs whose lengths the
header lists in "blobs". Requests carry "op"; replies carry "ok" and either the result or "error".

Files given to a program as paths (checker and interactor arguments) are opened by the runner in a
directory only root can enter and passed as /dev/fd/N, so only the program holding the fd can read them.
Everything a uid leaves behind (processes, files in /tmp, /dev/shm, /dev/mqueue, SysV IPC) is removed
after each job by a helper process running as that uid, which needs no extra capability.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

BOX = "/box"  # --box overrides (bubblewrap cannot create /box on a read-only host root)
PROGS = BOX + "/p"  # tmpfs owned by the compile uid
IO = BOX + "/io"  # root only (0700): inputs, outputs, answers
SCRATCH = ("/tmp", "/dev/shm", "/dev/mqueue")
ENV_PATH = "/usr/local/bin:/usr/bin:/bin"
MB = 1 << 20
STDERR_CAP = 64 * 1024
COMPILE_MSG_CAP = 64 * 1024
VERSION = 1


# ---------------------------------------------------------------- framing
IN_FD, OUT_FD = 0, 1  # the host's channel: stdin/stdout, or one Unix socket (--connect)


def read_exact(n: int) -> bytes:
    parts = []
    while n:
        chunk = os.read(IN_FD, min(n, 1 << 20))
        if not chunk:
            raise EOFError
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


def read_frame() -> tuple[dict[str, Any], list[bytes]]:
    (size,) = struct.unpack(">I", read_exact(4))
    header = json.loads(read_exact(size))
    blobs = [read_exact(n) for n in header.get("blobs", [])]
    return header, blobs


def write_all(data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(OUT_FD, view)
        view = view[n:]


def write_frame(header: dict[str, Any], blobs: Sequence[bytes] = ()) -> None:
    header = dict(header, blobs=[len(b) for b in blobs])
    raw = json.dumps(header).encode()
    write_all(b"".join([struct.pack(">I", len(raw)), raw, *blobs]))


# ---------------------------------------------------------------- processes
SPAWN = "/opt/judge/bin/spawn"  # see sandbox/image/spawn.c; --spawn overrides (local backend)
REPORT_FD = 20
FORKSERVER: socket.socket | None = None  # see forkserver.c: when started, programs start through it
FORKSERVER_DIR = BOX + "/fs"  # root only (0700)
FORKSERVER_PID = 0


class Uids:
    def __init__(self, base: int) -> None:
        self.compile, self.run, self.aux = base, base + 1, base + 2


def read_all_fd(fd: int) -> bytes:
    parts = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        parts.append(chunk)
    os.close(fd)
    return b"".join(parts)


def cpu_ticks(pid: int) -> int:
    """utime+stime in clock ticks of a live process (0 when gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
        fields = data[data.rindex(b")") + 2 :].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError):
        return 0


def pids_of(uid: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat("/proc/" + name).st_uid == uid:
                    found.append(int(name))
            except OSError:
                pass
    return found


def kill_uid(uid: int) -> None:
    for pid in pids_of(uid):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def through_forkserver(args: list[str], environ: dict[str, str], fds: list[int], alone: bool = False) -> int:
    """Have the fork server start the spawn helper's work: the helper's pid (alone: the program's, the
    server doing the helper's work itself, see forkserver.c), or 0 when there is no (working) server, so
    the caller starts the spawn helper itself. (Reading the reply later instead of here was measured: no
    faster, the wait only moves.)"""
    global FORKSERVER
    if FORKSERVER is None:
        return 0
    strings = [("i" if alone else "") + str(len(args)), *args, *(f"{k}={v}" for k, v in environ.items())]
    try:
        socket.send_fds(FORKSERVER, [b"\0".join(x.encode() for x in strings) + b"\0"], fds)
        pid = int(FORKSERVER.recv(64) or b"0")
    except (OSError, ValueError):
        pid = 0
    if pid > 0:
        return pid
    FORKSERVER.close()  # gone or confused: never again in this runner
    FORKSERVER = None
    return 0


def start_forkserver(binary: str) -> None:
    global FORKSERVER, FORKSERVER_PID
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        actions = [
            (os.POSIX_SPAWN_DUP2, theirs.fileno(), 3),
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),  # not the host's channel
            (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        ]
        FORKSERVER_PID = os.posix_spawn(binary, [binary], {}, file_actions=actions, setsid=True)
    finally:
        theirs.close()
    # It answers at once (an inline run: once its program started); a kernel-side timeout, so each
    # request costs no extra poll.
    for opt in (socket.SO_RCVTIMEO, socket.SO_SNDTIMEO):
        ours.setsockopt(socket.SOL_SOCKET, opt, struct.pack("ll", 30, 0))
    FORKSERVER = ours


def spawn_helper(args: list[str], environ: dict[str, str], fds: list[int]) -> int:
    """Start the spawn helper itself (no fork server): fds become its 0..n-2 and its REPORT_FD."""
    # Sources above every target, so installing 0..n never clobbers a source still needed.
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 100) for fd in fds]
    try:
        actions = [(os.POSIX_SPAWN_DUP2, fd, target) for target, fd in enumerate(high[:-1])]
        actions.append((os.POSIX_SPAWN_DUP2, high[-1], REPORT_FD))
        return os.posix_spawn(SPAWN, args, environ, file_actions=actions, setsid=True)
    finally:
        for fd in high:
            os.close(fd)


class Proc:
    """A program started through the spawn helper, which reports its rusage when it ends."""

    def __init__(
        self,
        argv: list[str],
        uid: int,
        fds: list[int],
        limits: dict[str, Any],
        cwd: str = "/tmp",
        env: dict[str, str] | None = None,
        alone: bool = False,
    ) -> None:
        """alone: no other program runs until this one has ended (a run or compile job, not an
        interaction), so the fork server may supervise it itself."""
        self.uid = uid
        self.program = argv[0]
        rep_r, rep_w = os.pipe2(os.O_CLOEXEC)
        wall_ms = int(limits["wall_s"] * 1000)
        cpu_ms = int(
            float(limits.get("cpu_s") or 0) * 1000
        )  # the helper kills soon after; verdicts use rusage
        args = [
            SPAWN,
            str(uid),
            str(cpu_ms),
            str(int(limits.get("as_mb", 0)) * MB),
            str(int(limits.get("stack_mb", 0)) * MB),
            str(int(limits.get("fsize", 0))),
            str(limits.get("nofile", 64)),
            str(limits.get("nproc", 32)),
            str(wall_ms),
            cwd,
            str(REPORT_FD),
            "--",
            *argv,
        ]
        self.start = time.monotonic()
        environ = env or {"PATH": ENV_PATH, "HOME": "/tmp", "LANG": "C.UTF-8"}
        self.pidfd: int | None = None
        try:
            # The server's child puts the fds in place itself; it is not ours to wait for: it ends with
            # its report.
            self.pid = through_forkserver(args, environ, [*fds, rep_w], alone)
            # The program's pid: the server itself is its helper (it writes the report).
            self.helper = FORKSERVER_PID if alone and self.pid else self.pid
            if not self.pid:
                self.pid = self.helper = spawn_helper(args, environ, [*fds, rep_w])
                self.pidfd = os.pidfd_open(self.pid)
        finally:
            os.close(rep_w)
        self.report_fd = rep_r
        self.backstop = limits["wall_s"] + 2.0
        self.done = False
        self.wall_killed = False
        self.idle_killed = False
        self.result: dict[str, Any] = {}

    def kill(self) -> None:
        """Kill the program (everything of its uid); the helper then reports."""
        kill_uid(self.uid)

    def kill_helper(self) -> None:
        """The backstop: kill the helper itself (it overstayed its own wall-clock limit); when that is
        the fork server, later programs start through the spawn helper."""
        with contextlib.suppress(OSError):
            os.kill(self.helper, signal.SIGKILL)

    @property
    def end_fd(self) -> int:
        """Readable once the helper has ended: its pidfd, or (fork server) its report pipe."""
        return self.report_fd if self.pidfd is None else self.pidfd

    def reap(self) -> None:
        status = 0  # a fork server's child is reaped by the kernel: a complete report says it went well
        if self.pidfd is not None:
            _, status, _ru = os.wait4(self.pid, 0)
            os.close(self.pidfd)
        self.done = True
        line = read_all_fd(self.report_fd).decode(errors="replace").split()
        wall = time.monotonic() - self.start
        if len(line) != 7 or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            self.result = {
                "exit": None,
                "signal": signal.SIGKILL,
                "cpu": 0.0,
                "wall": round(wall, 6),
                "rss_kb": 0,
                "wall_killed": self.wall_killed,
                "idle_killed": self.idle_killed,
                "exec_error": f"spawn helper failed (status {status})",
            }
            return
        st, ut, stt, rss, wall_us, timed_out, errno_ = (int(x) for x in line)
        exec_error = ""
        if errno_:
            exec_error = f"cannot start {self.program}: [Errno {errno_}] {os.strerror(errno_)}"
        self.result = {
            "exit": os.WEXITSTATUS(st) if os.WIFEXITED(st) else None,
            "signal": os.WTERMSIG(st) if os.WIFSIGNALED(st) else None,
            "cpu": round((ut + stt) / 1e6, 6),
            "wall": round(wall_us / 1e6, 6),
            "rss_kb": rss,
            "wall_killed": bool(timed_out) or self.wall_killed,
            "idle_killed": self.idle_killed,
            "exec_error": exec_error,
        }

    def report(self) -> dict[str, Any]:
        return dict(self.result)


def supervise(
    procs: list[Proc],
    idle_s: float | None = None,
    drain: dict[int, list[bytes]] | None = None,
    drain_cap: int = 0,
) -> None:
    """Wait for every proc (each helper enforces its own wall limit; a backstop here kills a helper that
    overstays), killing all when every live one sits idle for idle_s. drain: pipe read-end -> list
    collecting up to drain_cap bytes (the rest is read and dropped)."""
    deadline = time.monotonic() + max(p.backstop for p in procs)
    poller = select.poll()
    by_fd = {}
    for p in procs:
        poller.register(p.end_fd, select.POLLIN)
        by_fd[p.end_fd] = p
    sizes: dict[int, int] = {}
    for fd in drain or {}:
        poller.register(fd, select.POLLIN)
        sizes[fd] = 0

    def take(fd: int, chunk: bytes) -> None:
        assert drain is not None
        if sizes[fd] < drain_cap:
            drain[fd].append(chunk[: drain_cap - sizes[fd]])
        sizes[fd] += len(chunk)

    last_cpu, last_change = -1, time.monotonic()
    while not all(p.done for p in procs):
        now = time.monotonic()
        if now >= deadline:
            for p in procs:
                if not p.done:
                    p.wall_killed = True
                    p.kill()
                    p.kill_helper()
            for p in procs:
                if not p.done:
                    p.reap()
            break
        timeout = deadline - now
        if idle_s is not None:
            timeout = min(timeout, 0.05)
        for fd, _ev in poller.poll(timeout * 1000):
            if fd in by_fd:
                p = by_fd.pop(fd)
                poller.unregister(fd)
                p.reap()
            else:
                chunk = os.read(fd, 65536)
                if chunk:
                    take(fd, chunk)
                else:
                    poller.unregister(fd)
        if idle_s is not None:
            alive = [p for p in procs if not p.done]
            total = sum(cpu_ticks(q) for p in alive for q in pids_of(p.uid))
            now = time.monotonic()
            if total != last_cpu:
                last_cpu, last_change = total, now
            elif alive and now - last_change >= idle_s:
                for p in alive:
                    p.idle_killed = True
                    p.kill()
    for fd in drain or {}:
        os.set_blocking(fd, False)
        while True:  # whatever the dead process left in the pipe
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            take(fd, chunk)


# ---------------------------------------------------------------- cleanup
def _scratch_dirty() -> bool:
    for d in SCRATCH:
        try:
            if os.listdir(d):
                return True
        except OSError:
            pass
    for kind in ("shm", "sem", "msg"):  # a header line, then one line per object
        try:
            fd = os.open("/proc/sysvipc/" + kind, os.O_RDONLY)
        except OSError:
            continue
        try:
            # Raw reads (checked after every test: a third of the text-file cost); a page holds the
            # header and a first object's line.
            if os.read(fd, 4096).count(b"\n") > 1:
                return True
        except OSError:
            pass
        finally:
            os.close(fd)
    return False


def _wipe_tree(path: str) -> None:
    for name in os.listdir(path):
        full = os.path.join(path, name)
        try:
            if os.path.isdir(full) and not os.path.islink(full):
                os.chmod(full, 0o700)
                _wipe_tree(full)
                os.rmdir(full)
            else:
                os.unlink(full)
        except OSError:
            pass


def _remove_ipc(uid: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    ipc_rmid = 0
    for kind, fn, idcol in (("shm", "shmctl", 1), ("sem", "semctl", 1), ("msg", "msgctl", 1)):
        try:
            with open("/proc/sysvipc/" + kind) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            ident = int(cols[idcol])
            if kind == "sem":
                getattr(libc, fn)(ident, 0, ipc_rmid)
            else:
                getattr(libc, fn)(ident, ipc_rmid, None)


def cleanup(uid: int) -> None:
    """Kill every process of uid and wipe what it left, from a helper running as that uid."""
    if not pids_of(uid) and not _scratch_dirty():
        return
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            for _ in range(1000):
                try:
                    os.kill(-1, signal.SIGKILL)  # every process this uid may signal, except us
                except ProcessLookupError:
                    break
                time.sleep(0.001)
            for d in SCRATCH:
                with contextlib.suppress(OSError):
                    _wipe_tree(d)
            _remove_ipc(uid)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    # Reap orphans that were reparented to us (we are not pid 1, but be tidy about our own children).
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


# ---------------------------------------------------------------- jobs
def as_uid(uid: int, fn: Callable[[], object]) -> str:
    """Run fn() in a child as uid (files it creates belong to uid). Returns an error text or ''."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 0
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.umask(0o022)
            fn()
        except BaseException as e:
            os.write(w, f"{type(e).__name__}: {e}".encode()[:2000])
            code = 1
        os._exit(code)
    os.close(w)
    err = read_all_fd(r)
    os.waitpid(pid, 0)
    return err.decode(errors="replace")


LINK_FLAGS = ("-fuse-ld=mold", "-Wl,--no-fork")  # sandbox.languages.LINK_FLAGS (nothing imported here)


def compile_argv(argv: list[str], has_mold: bool) -> list[str]:
    """The compile command to run: without the mold flags where mold is not installed (an image built
    from an older recipe, a host without it under the local backend): gcc then links with ld.bfd."""
    return argv if has_mold else [a for a in argv if a not in LINK_FLAGS]


def has_mold() -> bool:
    return any(os.access(f"{d}/ld.mold", os.X_OK) for d in ENV_PATH.split(":"))


def prog_dir(handle: str) -> str:
    if not handle or not all(c.isalnum() or c in "-_" for c in handle):
        raise ValueError(f"bad handle {handle!r}")
    return f"{PROGS}/{handle}"


def resolve_argv(argv: list[str], pdir: str) -> list[str]:
    """Program files become absolute paths (programs run in /tmp); the command is looked up in PATH."""
    out = []
    for i, a in enumerate(argv):
        if a.startswith("./"):
            a = f"{pdir}/{a[2:]}"
        elif os.path.exists(f"{pdir}/{a}") and i > 0:
            a = f"{pdir}/{a}"
        out.append(a)
    return out


def io_file(name: str, data: bytes | None = None, mode: int = 0o644) -> str:
    path = f"{IO}/{name}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    os.fchmod(fd, mode)
    if data:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    os.close(fd)
    return path


def empty_fd(path: str) -> int:
    """A write-only fd on an empty root-only file at path (one open: a test's stdout or stderr). Created
    0600 (a umask only removes bits) in a root-only directory, where nothing else changes its mode."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)


def read_head(path: str, size: int, cap: int) -> bytes:
    """The first min(size, cap) bytes of a file whose size is known: one open, one read per MB."""
    fd = os.open(path, os.O_RDONLY)
    try:
        parts, want = [], min(size, cap)
        while want > 0:
            chunk = os.read(fd, min(want, 1 << 20))
            if not chunk:
                break
            parts.append(chunk)
            want -= len(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def read_file(path: str, cap: int | None = None) -> bytes:
    with open(path, "rb") as f:
        return f.read() if cap is None else f.read(cap)


class Runner:
    def __init__(self, uid_base: int) -> None:
        self.uids = Uids(uid_base)
        self.has_mold = has_mold()
        os.makedirs(IO, mode=0o700, exist_ok=True)
        os.chmod(IO, 0o700)
        with open(BOX + "/started", "w") as f:  # for the container's watchdog (docker_backend.WATCHDOG)
            f.write(str(os.getpid()))
        if not os.path.isdir(PROGS):  # Docker mounts it owned by the compile uid; bubblewrap cannot
            os.makedirs(PROGS, mode=0o711)  # not listable: programs cannot find each other
            os.chown(PROGS, self.uids.compile, self.uids.compile)

    # -- compile: source in, artifacts out
    def op_compile(self, h: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
        pdir = prog_dir(h["handle"])
        source = blobs[0]

        def place() -> None:
            os.makedirs(pdir, exist_ok=True)
            with open(f"{pdir}/{h['src']}", "wb") as f:
                f.write(source)

        err = as_uid(self.uids.compile, place)
        if err:
            raise RuntimeError(f"cannot place the source: {err}")
        if not h["argv"]:
            return {"ok": True, "compiled": True, "message": "", "time": 0.0}, [source]
        lim = h["limits"]
        r, w = os.pipe2(os.O_CLOEXEC)
        nul = os.open("/dev/null", os.O_RDONLY)
        env = {"PATH": ENV_PATH, "HOME": "/tmp", "TMPDIR": "/tmp", "LC_ALL": "C"}  # ASCII quotes in messages
        try:
            proc = Proc(
                compile_argv(list(h["argv"]), self.has_mold),
                self.uids.compile,
                [nul, w, w],
                {
                    "cpu_s": lim["cpu_s"],
                    "wall_s": lim["wall_s"],
                    "as_mb": lim["memory_mb"],
                    "stack_mb": 64,
                    "fsize": lim["output_mb"] * MB,
                    "nproc": 64,
                    "nofile": 256,
                },
                cwd=pdir,
                env=env,
                alone=True,
            )
        finally:
            os.close(w)
            os.close(nul)
        msg: list[bytes] = []
        supervise([proc], drain={r: msg}, drain_cap=COMPILE_MSG_CAP)
        os.close(r)
        cleanup(self.uids.compile)
        rep = proc.report()
        message = b"".join(msg).decode(errors="replace")
        ok = rep["exit"] == 0 and not rep["wall_killed"]
        files: list[bytes] = []
        names = h["artifacts"]
        if ok:
            for name in names:
                try:
                    files.append(read_file(f"{pdir}/{name}"))
                except OSError as e:
                    ok, message = False, message + f"\nthe compiler produced no {name}: {e}"
                    files = []
                    break
        if not ok:
            if rep["wall_killed"] or (rep["signal"] in (signal.SIGXCPU, signal.SIGKILL)):
                message = (
                    message + f"\ncompilation stopped: over the compile time limit "
                    f"({lim['cpu_s']} s CPU / {lim['wall_s']} s wall)"
                ).strip()
            elif rep["signal"] is not None:
                message = (
                    message + f"\ncompiler killed by signal {rep['signal']} "
                    f"(memory limit {lim['memory_mb']} MB or output limit)"
                ).strip()
            if rep["exec_error"]:
                message += "\n" + rep["exec_error"]
            self.op_forget({"handle": h["handle"]}, [])  # the host never learns this handle
        return {"ok": True, "compiled": ok, "message": message, "time": rep["wall"], "report": rep}, files

    # -- install: put a compiled program's files in place (it was compiled in another worker)
    def op_install(self, h: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
        pdir = prog_dir(h["handle"])

        def place() -> None:
            os.makedirs(pdir, exist_ok=True)
            for name, data in zip(h["files"], blobs, strict=True):
                path = f"{pdir}/{name}"
                with open(path, "wb") as f:
                    f.write(data)
                os.chmod(path, 0o755)

        err = as_uid(self.uids.compile, place)
        if err:
            raise RuntimeError(f"cannot install {h['handle']}: {err}")
        return {"ok": True}, []

    def op_forget(self, h: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
        pdir = prog_dir(h["handle"])

        def remove() -> None:
            if os.path.isdir(pdir):
                _wipe_tree(pdir)
                os.rmdir(pdir)

        err = as_uid(self.uids.compile, remove)
        return {"ok": not err, "error": err}, []

    def _run_limits(self, lim: dict[str, Any]) -> dict[str, Any]:
        return {
            "cpu_s": lim["time_s"],
            "wall_s": lim["wall_s"],
            "as_mb": lim["as_mb"],
            "stack_mb": lim["stack_mb"],
            "fsize": lim["output_mb"] * MB + 1,
            "nproc": lim.get("nproc", 32),
        }

    # -- run: one program over many inputs, sequentially
    def op_run(self, h: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
        pdir = prog_dir(h["handle"])
        argv = resolve_argv(h["argv"], pdir)
        lim = h["limits"]
        rlim = self._run_limits(lim)
        uid = self.uids.aux if h.get("role") == "aux" else self.uids.run
        results, out_blobs = [], []
        for test in h["tests"]:
            inp = io_file("in", blobs[test["stdin"]], 0o600)
            extra = [io_file(f"f{i}", blobs[b], 0o644) for i, b in enumerate(test.get("files", []))]
            out, err = f"{IO}/out", f"{IO}/err"
            fds = [os.open(inp, os.O_RDONLY), empty_fd(out), empty_fd(err)]
            fds += [os.open(p, os.O_RDONLY) for p in extra]
            args = argv + [f"/dev/fd/{3 + i}" for i in range(len(extra))]
            try:
                proc = Proc(args, uid, fds, rlim, alone=True)
            except BaseException:
                os.close(fds[1])
                os.close(fds[2])
                raise
            finally:
                for fd in fds[:1] + fds[3:]:
                    os.close(fd)
            try:
                supervise([proc])
                cleanup(uid)
                rep = proc.report()
                # Sizes from our own fds on the files: no path lookups.
                rep["out_size"] = os.fstat(fds[1]).st_size
                err_size = os.fstat(fds[2]).st_size
            finally:
                os.close(fds[1])
                os.close(fds[2])
            results.append(rep)
            out_blobs += [
                read_head(out, rep["out_size"], lim["output_mb"] * MB),
                read_head(err, err_size, STDERR_CAP),
            ]
            if h.get("stop_on_failure") and (
                rep["exit"] != 0
                or rep["wall_killed"]
                or rep["cpu"] > lim["time_s"]
                or rep["out_size"] > lim["output_mb"] * MB
            ):
                break
        return {"ok": True, "results": results}, out_blobs

    # -- interact: solution <-> interactor through two pipes
    def op_interact(self, h: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
        sol_argv = resolve_argv(h["solution"]["argv"], prog_dir(h["solution"]["handle"]))
        int_argv = resolve_argv(h["interactor"]["argv"], prog_dir(h["interactor"]["handle"]))
        lim, ilim = h["limits"], h["interactor_limits"]
        inp = io_file("in", blobs[0], 0o644)
        tout = io_file("tout", None, 0o666)
        files = [inp, tout]
        if len(blobs) > 1:
            files.append(io_file("ans", blobs[1], 0o644))
        serr, ierr = io_file("serr", None, 0o600), io_file("ierr", None, 0o600)
        s_in_r, s_in_w = os.pipe2(os.O_CLOEXEC)  # interactor -> solution
        s_out_r, s_out_w = os.pipe2(os.O_CLOEXEC)  # solution -> interactor
        sfds = [s_in_r, s_out_w, os.open(serr, os.O_WRONLY)]
        ifds = [
            s_out_r,
            s_in_w,
            os.open(ierr, os.O_WRONLY),
            os.open(inp, os.O_RDONLY),
            os.open(tout, os.O_WRONLY),
        ]
        if len(files) > 2:
            ifds.append(os.open(files[2], os.O_RDONLY))
        iargs = int_argv + [f"/dev/fd/{3 + i}" for i in range(len(files))]
        try:
            iproc = Proc(iargs, self.uids.aux, ifds, self._run_limits(ilim))
            sproc = Proc(sol_argv, self.uids.run, sfds, self._run_limits(lim))
        finally:
            for fd in sfds + ifds:
                os.close(fd)
        supervise([sproc, iproc], idle_s=lim["idle_s"])
        cleanup(self.uids.run)
        cleanup(self.uids.aux)
        s, i = sproc.report(), iproc.report()
        s["out_size"] = 0
        i["out_size"] = os.stat(tout).st_size
        return (
            {"ok": True, "solution": s, "interactor": i},
            [
                read_file(tout, lim["output_mb"] * MB),
                read_file(serr, STDERR_CAP),
                read_file(ierr, STDERR_CAP),
            ],
        )

    # -- forkserver: start the fork server (forkserver.c), from its binary or compiled here from source
    def op_forkserver(self, h: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
        os.makedirs(FORKSERVER_DIR, mode=0o700, exist_ok=True)  # root only: no program runs it
        binary = FORKSERVER_DIR + "/forkserver"
        out: list[bytes] = []
        if h.get("compiled"):
            fd = os.open(binary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o700)
            with os.fdopen(fd, "wb") as f:
                f.write(blobs[0])
        else:
            for name, data in zip(("forkserver.c", "spawn.c"), blobs, strict=True):
                with open(f"{FORKSERVER_DIR}/{name}", "wb") as f:
                    f.write(data)
            cc = subprocess.run(
                ["gcc", "-O2", "-static", "-I", FORKSERVER_DIR, "-o", binary, FORKSERVER_DIR + "/forkserver.c"],
                capture_output=True,
                timeout=120,
                env={"PATH": ENV_PATH, "TMPDIR": FORKSERVER_DIR, "LC_ALL": "C"},
            )
            if cc.returncode != 0:
                return {"ok": True, "started": False, "error": cc.stderr.decode(errors="replace")[-2000:]}, []
            out = [read_file(binary)]
        start_forkserver(binary)
        return {"ok": True, "started": True}, out

    def op_hello(self, h: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
        return {
            "ok": True,
            "version": VERSION,
            "pid": os.getpid(),
            "uid_base": self.uids.compile,
            "forkserver": FORKSERVER is not None,
            "linker": "mold" if self.has_mold else "ld.bfd (no mold here: an older image? build-image)",
        }, []

    def op_exit(self, h: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
        write_frame({"ok": True})
        os._exit(0)

    def serve(self) -> None:
        while True:
            try:
                header, blobs = read_frame()
            except EOFError:
                return
            op = getattr(self, "op_" + str(header.get("op")), None)
            try:
                if op is None:
                    raise ValueError(f"unknown op {header.get('op')!r}")
                reply, out = op(header, blobs)
            except Exception as e:
                reply, out = {"ok": False, "error": f"{type(e).__name__}: {e}"}, []
            write_frame(reply, out)


def main() -> None:
    args = sys.argv[1:]
    global SPAWN, BOX, PROGS, IO, FORKSERVER_DIR
    if "--box" in args:
        BOX = args[args.index("--box") + 1]
        PROGS, IO, FORKSERVER_DIR = BOX + "/p", BOX + "/io", BOX + "/fs"
    base = int(args[args.index("--uid-base") + 1]) if "--uid-base" in args else 60000
    if "--spawn" in args:
        SPAWN = args[args.index("--spawn") + 1]
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    unlimited_stack()
    runner = Runner(base)
    if "--connect" in args:
        connect(args[args.index("--connect") + 1])
    runner.serve()


_CHANNEL: socket.socket | None = None


def connect(path: str) -> None:
    """Serve on the host's Unix socket at path (bind-mounted in): no engine between host and runner. Says
    on stdout which channel it serves on, so the host knows where to send its first request."""
    global IN_FD, OUT_FD, _CHANNEL
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError as e:
        sock.close()
        write_frame({"channel": "stdio", "error": f"cannot connect to {path}: {e}"})
        return
    write_frame({"channel": "socket"})
    _CHANNEL = sock
    IN_FD = OUT_FD = sock.fileno()


def unlimited_stack() -> None:
    """Programs inherit this process's stack limit where their limits give none (stack_mb 0): make it
    unlimited. glibc then gives each thread a 2 MB stack instead of reserving the stack limit per thread,
    and the address-space limit still bounds the main stack."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    resource.setrlimit(resource.RLIMIT_STACK, (hard, hard))


if __name__ == "__main__":
    main()
