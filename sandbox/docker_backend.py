"""Warm Docker workers: one long-lived, locked-down container per worker, one runner per container.

The runner is started with a single ``docker exec``, so a test costs a fork/exec inside the container,
never a ``docker exec`` (~60 ms) or ``docker run``. Jobs then go over a Unix socket straight to the
runner: the judge listens in a fresh host directory (mode 0700, root's: no program's uid can enter it)
bind-mounted read-only into the container, the runner connects, the judge accepts only the runner's
process (its pid, from the kernel) and removes the socket. Where that cannot work (an engine on another
machine), the exec's own stdin/stdout carry the jobs, through the engine.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import shutil
import socket
import struct
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from sandbox.backend import (
    FORKSERVER_PATH,
    RUNNER_PATH,
    SPAWN_PATH,
    FrameReader,
    Header,
    JudgeUnavailable,
    WorkerDied,
    encode_frame,
)

LABEL = "cp-solver.judge"
OWNER = "cp-solver.owner"  # host:pid of the judge process, so a later judge can sweep orphans
CAPS = ["SETUID", "SETGID", "KILL"]  # drop to a uid, and kill what it leaves behind; nothing else
CHANNEL = "/run/cp-judge"  # where the worker's channel directory is mounted in the container


# The container's main process: it ends the container (auto-removed) once its runner is gone, e.g. when
# the judge process died without closing, or never started one within two minutes.
WATCHDOG = """
import os, time
start, seen = time.monotonic(), False
while True:
    time.sleep(1)
    alive = False
    for p in os.listdir('/proc'):
        if p.isdigit() and int(p) != os.getpid():
            try:
                args = open('/proc/' + p + '/cmdline', 'rb').read().split(b'\\0')
                alive = alive or b'--uid-base' in args  # a whole argument: not this very source
            except OSError:
                pass
    seen = seen or alive or os.path.exists('/box/started')  # the runner marks its start there
    if not alive and (seen or time.monotonic() - start > 120):
        raise SystemExit(0)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_START_S = 60.0
START_TRIES = 3  # containers tried per worker start (see start_worker)


def _accept(listener: socket.socket, pid: int, name: str) -> socket.socket:
    """The runner's connection: only from the process the exec started (the kernel's word, SO_PEERCRED),
    within _START_S. Anything else that connects is hung up on."""
    deadline = time.monotonic() + _START_S
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([listener], [], [], left)[0]:
            raise WorkerDied(f"runner in {name} did not connect to its socket")
        conn, _ = listener.accept()
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        if struct.unpack("3i", creds)[0] == pid:
            conn.setblocking(True)
            return conn
        conn.close()


class _Channel:
    """A host directory for one worker's socket: 0700, so no program's uid in the container can enter it
    (the container's root is the directory's owner, root; it has no capability to bypass permissions)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="cp-judge-"))
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(self.dir / "s"))
        self.listener.listen(4)

    def close(self) -> None:
        """No more connections: the socket file and the directory go (the mount keeps an empty one)."""
        self.listener.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _uid_base() -> int:
    # Random per worker: RLIMIT_NPROC counts a uid's processes across all containers on the host.
    return 100_000 + 16 * secrets.randbelow(50_000)


class DockerWorker:
    def __init__(self, client: Any, container: Any, uid_base: int, listener: socket.socket | None = None) -> None:
        self.client, self.container, self.uid_base = client, container, uid_base
        self.name = container.name
        api = client.api
        runner = RUNNER_PATH.read_text()
        argv = ["python3", "-I", "-S", "-c", runner, "--uid-base", str(uid_base)]
        if listener is not None:
            argv += ["--connect", f"{CHANNEL}/s"]
        exec_id = api.exec_create(container.id, argv, stdin=True, stdout=True, stderr=True, tty=False, user="root")[
            "Id"
        ]
        sock = api.exec_start(exec_id, socket=True, tty=False)
        self._exec: socket.socket = sock._sock  # the exec's stdin/stdout/stderr, multiplexed by Docker
        self._sock = self._exec  # where jobs go: the exec stream, or the runner's own socket
        self.runner_pid = 0  # inside the container, from the runner's hello
        self.forkserver = False  # programs start through the runner's fork server (the fast path)
        self.channel = "stdio"  # or "socket": jobs bypass the engine
        self._holder = sock  # keeps the response object (and so the connection) alive
        self._buf = bytearray()
        self.stderr_tail = b""
        self._reader = FrameReader(self._read)
        if listener is not None:
            self._exec.settimeout(_START_S)
            said, _ = self._reader.frame()  # the runner says which channel it serves on
            if said.get("channel") == "socket":
                self._sock = _accept(listener, int(api.exec_inspect(exec_id)["Pid"]), self.name)
                self.channel = "socket"
                self._reader = FrameReader(self._read_socket)

    def _read_socket(self, n: int) -> bytes:
        if not self._buf:
            try:
                chunk = self._sock.recv(1 << 20)
            except (TimeoutError, OSError) as e:
                raise WorkerDied(f"runner in {self.name} did not answer: {e}") from None
            if not chunk:
                raise WorkerDied(f"runner in {self.name} exited" + self._exited_saying())
            self._buf += chunk
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def _exited_saying(self) -> str:
        """What the runner wrote to stderr before it died (the exec stream; socket channel only)."""
        with contextlib.suppress(Exception):
            self._exec.settimeout(0.5)
            while True:
                head = self._exec.recv(8, socket.MSG_WAITALL)
                if len(head) < 8:
                    break
                data = self._exec.recv(struct.unpack(">I", head[4:])[0], socket.MSG_WAITALL)
                if head[0] == 2:
                    self.stderr_tail = (self.stderr_tail + data)[-8192:]
        tail = self.stderr_tail.decode(errors="replace").strip()
        return f": {tail[-500:]}" if tail else ""

    # Docker multiplexes the exec's stdout and stderr: 8-byte header (stream, 0, 0, 0, size).
    def _read(self, n: int) -> bytes:
        while not self._buf:
            head = self._recv_exact(8)
            stream, size = head[0], struct.unpack(">I", head[4:])[0]
            data = self._recv_exact(size)
            if stream == 2:
                self.stderr_tail = (self.stderr_tail + data)[-8192:]
            else:
                self._buf += data
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def _recv_exact(self, n: int) -> bytes:
        parts: list[bytes] = []
        while n:
            try:
                chunk = self._sock.recv(min(n, 1 << 20))
            except (TimeoutError, OSError) as e:
                raise WorkerDied(f"runner in {self.name} did not answer: {e}") from None
            if not chunk:
                tail = self.stderr_tail.decode(errors="replace").strip()
                raise WorkerDied(f"runner in {self.name} exited" + (f": {tail[-500:]}" if tail else ""))
            parts.append(chunk)
            n -= len(chunk)
        return b"".join(parts)

    def call(self, header: Header, blobs: list[bytes], timeout: float) -> tuple[Header, list[bytes]]:
        self._sock.settimeout(timeout)
        try:
            self._sock.sendall(encode_frame(header, blobs))
        except OSError as e:
            raise WorkerDied(f"cannot write to the runner in {self.name}: {e}") from None
        return self._reader.frame()

    def interrupt(self) -> None:
        # Only a shutdown wakes a thread blocked in recv; closing the socket under it would leave it
        # waiting for its timeout.
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)

    def disconnect(self) -> None:
        """Hang up (the runner reads EOF and exits; the watchdog then ends the container)."""
        for channel in {self._sock, self._exec}:
            with contextlib.suppress(OSError):
                channel.shutdown(socket.SHUT_RDWR)
        for closeable in (self._holder, self._sock, self._exec):
            with contextlib.suppress(OSError):
                closeable.close()

    def close(self) -> None:
        self.disconnect()
        with contextlib.suppress(Exception):  # already gone is fine at close
            self.container.remove(force=True)


_START = "start it with `dockerd &` (or `systemctl start docker`)"
_OR_LOCAL = "or use the bubblewrap backend instead (`--backend local`; JudgeConfig(backend='local') in code)"


def engine_help(why: str) -> str:
    """What to do when no Docker engine answers: start the one installed, or install one (pure but for
    looking up the programs on PATH)."""
    if shutil.which("dockerd") or shutil.which("docker"):
        return f"the Docker engine is not running ({why}); {_START}, {_OR_LOCAL}."
    return (
        f"Docker is not installed ({why}). The judge runs untrusted code only in a sandbox: install Docker "
        f"(Debian/Ubuntu: `apt-get install docker.io`), then {_START}, {_OR_LOCAL}."
    )


def connect(timeout: int = 120) -> Any:
    """A client of a running Docker engine; JudgeUnavailable saying what is missing and what to do.
    Every use of Docker starts here, so no later step (an image build) fails for a reason this hides."""
    try:
        import docker
    except ImportError:
        raise JudgeUnavailable(f"the `docker` Python package is missing (pip install docker), {_OR_LOCAL}") from None
    client = None
    try:
        client = docker.from_env(timeout=timeout)  # asks the engine its API version: fails without one
        client.ping()
    except Exception as e:
        if client is not None:
            client.close()
        raise JudgeUnavailable(engine_help(str(e).splitlines()[0][:200])) from None
    return client


class DockerBackend:
    """Creates locked-down containers from the judge image."""

    def __init__(self, image: str, *, memory_mb: int = 4096, box_mb: int = 1024) -> None:
        self.image = image
        self.memory_mb, self.box_mb = memory_mb, box_mb
        self.client = connect()
        self.ncpu = os.cpu_count() or 1
        # The engine runs on this machine (a Unix socket): a host directory can be mounted into workers.
        self.local = str(getattr(self.client.api, "base_url", "")) == "http+docker://localhost"
        # The fork server's binary, built by the first worker and handed to the others (same image).
        self._forkserver: bytes | None = None
        self._forkserver_lock = threading.Lock()
        self.forkserver_error = ""  # why workers start programs the slow way ("" when they do not)
        self._sweep()

    def _sweep(self) -> None:
        """Remove workers left behind by judge processes of this machine that died without closing."""
        host = socket.gethostname()
        # sparse: the list answer's own labels, no inspect per container (a container that another judge
        # removes between the list and its inspect would raise NotFound here).
        for c in self.client.containers.list(all=True, sparse=True, filters={"label": LABEL}):
            owner_host, _, pid = str((c.attrs.get("Labels") or {}).get(OWNER, "")).rpartition(":")
            if owner_host != host or not pid.isdigit() or _alive(int(pid)):
                continue
            with contextlib.suppress(Exception):  # another judge may be sweeping the same one
                c.remove(force=True)

    def start_worker(self, index: int) -> DockerWorker:
        import docker.errors  # here, not at the top: connect() says so when the package is missing

        base = _uid_base()
        # A direct channel needs the engine on this machine, and the container's root to own the directory
        # (we are root): else the runner could not enter it without a capability it must not have.
        for attempt in range(START_TRIES):
            channel = _Channel() if self.local and os.geteuid() == 0 else None
            try:
                return self._start(index, base, channel)
            except (docker.errors.NotFound, WorkerDied):
                # The engine may answer 404 for the container it just created (gone before the SDK's
                # follow-up inspect, e.g. while other judges of this machine sweep and start theirs), or the
                # runner dies during its start under load: a new container is tried, the error kept last.
                if attempt == START_TRIES - 1:
                    raise
                time.sleep(0.5 * (attempt + 1))
            finally:
                if channel is not None:
                    channel.close()
        raise AssertionError("unreachable")

    def _start(self, index: int, base: int, channel: _Channel | None) -> DockerWorker:
        mounts = {str(channel.dir): {"bind": CHANNEL, "mode": "ro"}} if channel else {}
        container = self.client.containers.run(
            self.image,
            ["python3", "-I", "-S", "-c", WATCHDOG],
            detach=True,
            name=f"cp-judge-{os.getpid()}-{index}-{secrets.token_hex(3)}",
            labels={LABEL: "1", OWNER: f"{socket.gethostname()}:{os.getpid()}"},
            network_mode="none",
            init=True,
            read_only=True,
            tmpfs={
                "/tmp": "rw,nosuid,nodev,size=512m,mode=1777",
                "/box": f"rw,nosuid,nodev,exec,size={self.box_mb}m,mode=0755",
                "/box/p": f"rw,nosuid,nodev,exec,size={self.box_mb}m,mode=0711,uid={base}",  # not listable
            },
            cap_drop=["ALL"],
            cap_add=CAPS,
            security_opt=["no-new-privileges"],
            pids_limit=256,
            mem_limit=f"{self.memory_mb}m",
            memswap_limit=f"{self.memory_mb}m",
            cpuset_cpus=str(index % self.ncpu),
            ipc_mode="private",
            auto_remove=True,
            volumes=mounts,
        )
        try:
            worker = DockerWorker(self.client, container, base, channel.listener if channel else None)
            reply, _ = worker.call({"op": "hello"}, [], timeout=30)
            if not reply.get("ok"):
                raise WorkerDied(f"runner in {container.name} refused hello: {reply}")
            worker.runner_pid = int(reply["pid"])
            worker.forkserver = self._start_forkserver(worker)
        except BaseException:
            import docker.errors

            with contextlib.suppress(docker.errors.NotFound):  # auto_remove may have taken it already
                container.remove(force=True)
            raise
        return worker

    def _start_forkserver(self, worker: DockerWorker) -> bool:
        """Start the worker's fork server (each program then costs one exec, not two); False, with the
        reason in forkserver_error, when it cannot be built: programs then start through the spawn helper."""
        with self._forkserver_lock:  # one build for all workers
            if self._forkserver is None:
                sources = [FORKSERVER_PATH.read_bytes(), SPAWN_PATH.read_bytes()]
                reply, out = worker.call({"op": "forkserver", "compiled": False}, sources, timeout=120)
                if not reply.get("started"):
                    self.forkserver_error = str(reply.get("error") or "the fork server did not start")
                    return False
                self._forkserver = out[0]
                return True
        reply, _ = worker.call({"op": "forkserver", "compiled": True}, [self._forkserver], timeout=60)
        return bool(reply.get("started"))

    def close(self) -> None:
        self.client.close()
