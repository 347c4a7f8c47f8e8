"""The bubblewrap backend, for machines without Docker (chosen explicitly: backend="local").

Each worker is the same runner as in Docker, started under ``bwrap`` in fresh PID, network, IPC and
mount namespaces: the host file system read-only, tmpfs scratch, capabilities reduced to what the
runner needs. It uses the host's compilers (no precompiled header) and has no cgroup limits: only the
runner's rlimits bound memory and processes. It needs root, because programs run as separate
unprivileged uids; unprivileged user namespaces map a single uid and cannot give that.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import select
import shutil
import subprocess
import time
from pathlib import Path

from sandbox.backend import RUNNER_PATH, FrameReader, Header, JudgeUnavailable, WorkerDied, encode_frame
from sandbox.languages import Language

SPAWN_C = Path(__file__).parent / "image" / "spawn.c"
BOX = "/var/tmp"  # an existing directory of the host, covered by a tmpfs in the sandbox


ENV_PATH = "/usr/local/bin:/usr/bin:/bin"  # the runner's PATH for programs (runner.ENV_PATH)


def missing_tools(spec: Language) -> str:
    """Why a language cannot run here ("" when it can): the local backend uses the host's own compilers
    and interpreters, and the host may lack some the judge image has."""
    missing = [tool for tool in spec.tools if shutil.which(tool, path=ENV_PATH) is None]
    if not missing:
        return ""
    names = ", ".join(missing)
    return (
        f"{names} {'is' if len(missing) == 1 else 'are'} not installed on this machine "
        f"(the local backend uses the host's; Debian: apt-get install {' '.join(missing)}, or use Docker)"
    )


class LocalUnavailable(JudgeUnavailable):
    """bubblewrap cannot sandbox programs here; the message says why."""


class LocalWorker:
    def __init__(self, argv: list[str], uid_base: int, name: str) -> None:
        self.name, self.uid_base = name, uid_base
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert self.proc.stdout is not None and self.proc.stdin is not None
        self._out = self.proc.stdout.fileno()
        self._deadline = 0.0
        self._reader = FrameReader(self._read)

    def _read(self, n: int) -> bytes:
        left = self._deadline - time.monotonic()
        ready, _, _ = select.select([self._out], [], [], max(0.0, left))
        if not ready:
            raise WorkerDied(f"runner {self.name} did not answer in time")
        return os.read(self._out, n)

    def call(self, header: Header, blobs: list[bytes], timeout: float) -> tuple[Header, list[bytes]]:
        self._deadline = time.monotonic() + timeout
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(encode_frame(header, blobs))
            self.proc.stdin.flush()
        except OSError as e:
            raise WorkerDied(f"cannot write to runner {self.name}: {e}") from None
        return self._reader.frame()

    def interrupt(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()  # the reader sees the runner's output end

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if f is not None:
                f.close()


class LocalBackend:
    def __init__(self) -> None:
        if shutil.which("bwrap") is None:
            raise LocalUnavailable("bubblewrap is not installed (apt-get install bubblewrap), or use Docker")
        if os.geteuid() != 0:
            raise LocalUnavailable(
                "the local backend needs root to run programs as unprivileged uids; use Docker"
            )
        cache = Path(os.environ.get("CP_SOLVER_CACHE", "/var/cache/cp-solver"))
        cache.mkdir(parents=True, exist_ok=True)
        # Named by its source's content: checkouts with different spawn.c never use each other's binary.
        self.spawn = cache / f"spawn-local-{hashlib.sha256(SPAWN_C.read_bytes()).hexdigest()[:12]}"
        if not self.spawn.exists():
            tmp = cache / f"spawn-local.{secrets.token_hex(4)}"
            subprocess.run(["gcc", "-O2", "-static", "-o", str(tmp), str(SPAWN_C)], check=True)
            tmp.rename(self.spawn)

    def start_worker(self, index: int) -> LocalWorker:
        base = 100_000 + 16 * secrets.randbelow(50_000)
        argv = [
            "bwrap",
            "--ro-bind",
            "/",
            "/",
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            "--tmpfs",
            "/tmp",
            "--chmod",
            "1777",
            "/tmp",
            "--tmpfs",
            BOX,
            "--ro-bind",
            str(RUNNER_PATH),
            f"{BOX}/runner.py",
            "--ro-bind",
            str(self.spawn),
            f"{BOX}/spawn",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-ipc",
            "--unshare-uts",
            "--die-with-parent",
            "--new-session",
            "--cap-drop",
            "ALL",
            "--cap-add",
            "CAP_SETUID",
            "--cap-add",
            "CAP_SETGID",
            "--cap-add",
            "CAP_KILL",
            "--cap-add",
            "CAP_CHOWN",
            "python3",
            "-I",
            "-S",
            f"{BOX}/runner.py",
            "--uid-base",
            str(base),
            "--spawn",
            f"{BOX}/spawn",
            "--box",
            BOX,
        ]
        worker = LocalWorker(argv, base, f"bwrap-{index}")
        try:
            reply, _ = worker.call({"op": "hello"}, [], 30)
        except WorkerDied as e:
            err = worker.proc.stderr.read().decode(errors="replace") if worker.proc.stderr else ""
            worker.close()
            raise LocalUnavailable(
                f"bubblewrap could not start the runner: {e} {err.strip()[:300]}"
            ) from None
        if not reply.get("ok"):
            worker.close()
            raise LocalUnavailable(f"runner refused to start: {reply.get('error')}")
        return worker

    def close(self) -> None:
        pass
