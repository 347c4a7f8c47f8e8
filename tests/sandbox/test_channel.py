"""Jobs reach each runner over its own Unix socket, bypassing the engine, without giving programs a way in."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
from pathlib import Path

import pytest

from sandbox import docker_backend
from sandbox.api import Limits, Source, Verdict
from sandbox.backend import WorkerDied
from sandbox.docker_backend import DockerWorker
from sandbox.judge import Judge

PROBE = """import os
for what in (lambda: os.listdir('/run/cp-judge'), lambda: os.stat('/run/cp-judge/s'),
             lambda: open('/run/cp-judge/x', 'w')):
    try:
        what(); print('allowed')
    except OSError:
        print('denied')
"""


@pytest.mark.docker
async def test_workers_serve_on_their_socket_and_programs_cannot_reach_it(judge: Judge) -> None:
    for slot in judge._slots:
        assert isinstance(slot.worker, DockerWorker) and slot.worker.channel == "socket"
    exe = await judge.compile(Source(PROBE, "python3"))
    assert exe.ok, exe.message
    for _ in range(judge.workers * 2):
        r = await judge.run(exe, b"", Limits(5.0, 256))
        assert r.status is Verdict.AC and r.stdout.split() == [b"denied"] * 3, r.stdout + r.stderr


@pytest.mark.docker
def test_no_channel_directory_is_left_on_the_host(judge: Judge) -> None:
    # Removed once the runner connected (the container keeps an empty mount).
    left = [p for p in Path(tempfile.gettempdir()).glob("cp-judge-*") if p.is_dir()]
    assert left == []


def test_only_the_runner_process_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docker_backend, "_START_S", 1.0)
    with tempfile.TemporaryDirectory() as d:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(f"{d}/s")
        listener.listen(4)
        intruder = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        intruder.connect(f"{d}/s")  # this process: not the runner's pid
        try:
            with pytest.raises(WorkerDied, match="did not connect"):
                docker_backend._accept(listener, os.getpid() + 1, "w")
            assert intruder.recv(1) == b""  # hung up on
            mine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            t = threading.Thread(target=mine.connect, args=(f"{d}/s",))
            t.start()
            conn = docker_backend._accept(listener, os.getpid(), "w")
            t.join()
            conn.close()
            mine.close()
        finally:
            intruder.close()
            listener.close()
