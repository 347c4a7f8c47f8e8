"""What a sandbox backend provides: workers, each a runner process reached over one byte stream.

A backend starts workers (a warm container, or a bubblewrap process); the judge sends a worker
framed requests and gets framed replies (see ``sandbox/runner/runner.py`` for the format). Blocking
calls: the judge runs them in threads.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any, Protocol

RUNNER_PATH = Path(__file__).parent / "runner" / "runner.py"
FORKSERVER_PATH = Path(__file__).parent / "runner" / "forkserver.c"  # built in the worker, see its comment
SPAWN_PATH = Path(__file__).parent / "image" / "spawn.c"  # the fork server is built around it

Header = dict[str, Any]


class JudgeUnavailable(RuntimeError):
    """No sandbox can run untrusted code here; the message says how to get one."""


class WorkerDied(RuntimeError):
    """The runner stopped answering or answered nonsense; the worker must be replaced."""


def encode_frame(header: Header, blobs: list[bytes]) -> bytes:
    raw = json.dumps(dict(header, blobs=[len(b) for b in blobs])).encode()
    return b"".join([struct.pack(">I", len(raw)), raw, *blobs])


class FrameReader:
    """Incremental decoder of the runner's frames from a byte source (``read(n) -> bytes``)."""

    def __init__(self, read: Any) -> None:
        self._read = read

    def exact(self, n: int) -> bytes:
        parts: list[bytes] = []
        while n:
            chunk = self._read(n)
            if not chunk:
                raise WorkerDied("the runner closed its output")
            parts.append(chunk)
            n -= len(chunk)
        return b"".join(parts)

    def frame(self) -> tuple[Header, list[bytes]]:
        (size,) = struct.unpack(">I", self.exact(4))
        if size > 64 << 20:
            raise WorkerDied(f"the runner sent a {size}-byte header")
        try:
            header = json.loads(self.exact(size))
        except ValueError as e:
            raise WorkerDied(f"the runner sent a malformed header: {e}") from None
        if not isinstance(header, dict):
            raise WorkerDied("the runner sent a header that is not an object")
        blobs = [self.exact(int(n)) for n in header.get("blobs", [])]
        return header, blobs


class Worker(Protocol):
    name: str
    uid_base: int

    def call(self, header: Header, blobs: list[bytes], timeout: float) -> tuple[Header, list[bytes]]: ...

    def interrupt(self) -> None:
        """From another thread: end the call in progress at once (it raises WorkerDied); close() after."""
        ...

    def close(self) -> None: ...


class Backend(Protocol):
    def start_worker(self, index: int) -> Worker: ...

    def close(self) -> None: ...
