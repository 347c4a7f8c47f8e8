"""Each worker starts programs through its fork server (sandbox/runner/forkserver.c): one exec per program
instead of two, with the same lockdown: a program cannot see, reach or signal the server. A program that
runs alone (a run or compile job) is supervised by the server itself: no helper process in between."""

from __future__ import annotations

import socket
from types import ModuleType

import pytest

from sandbox.api import Limits, Source, Verdict
from sandbox.docker_backend import DockerWorker
from sandbox.judge import Judge
from tests.sandbox.runner_module import load_runner

PROBE = """import os, signal
fds = sorted(int(f) for f in os.listdir('/proc/self/fd'))
# the server (root), and whatever started this program: the server itself, whose parent is the runner
server = [int(p) for p in os.listdir('/proc') if p.isdigit()
          and open('/proc/%s/cmdline' % p, 'rb').read().startswith(b'/box/fs/forkserver')]
grandparent = open('/proc/%d/stat' % os.getppid()).read().rsplit(')', 1)[1].split()[1]
print(fds[:4], server == [os.getppid()], open('/proc/%s/cmdline' % grandparent, 'rb').read().split(b'\\0')[0])
for what in (lambda: os.listdir('/box/fs'), lambda: open('/box/fs/forkserver', 'rb'),
             *(lambda p=p: os.kill(p, signal.SIGKILL) for p in server)):
    try:
        what(); print('allowed')
    except OSError:
        print('denied')
"""


@pytest.mark.docker
async def test_programs_start_through_the_fork_server_and_cannot_touch_it(judge: Judge) -> None:
    for slot in judge._slots:
        assert isinstance(slot.worker, DockerWorker) and slot.worker.forkserver
    exe = await judge.compile(Source(PROBE, "python3"))
    assert exe.ok, exe.message
    for _ in range(judge.workers * 2):  # whichever worker takes the job
        r = await judge.run(exe, b"", Limits(5.0, 256))
        assert r.status is Verdict.AC, r.detail + r.stderr.decode()
        lines = r.stdout.decode().splitlines()
        # stdin, stdout, stderr and the directory being listed: nothing of the runner's or the server's
        assert lines[0] == "[0, 1, 2, 3] True b'python3'", lines
        assert lines[1:] == ["denied"] * 3, lines
    for slot in judge._slots:  # the server is still there for the next program
        assert isinstance(slot.worker, DockerWorker)
        reply, _ = slot.worker.call({"op": "hello"}, [], timeout=10)
        assert reply["forkserver"] is True


@pytest.mark.docker
async def test_a_program_started_by_the_fork_server_reports_its_own_memory(judge: Judge) -> None:
    exe = await judge.compile(Source("int main(){ return 0; }\n", "cpp17"))
    small = await judge.run(exe, b"", Limits(2.0, 256))
    assert small.status is Verdict.AC
    assert 0 < small.memory_kb < 4096  # not the runner's (a Python process) nor the server's
    big = await judge.compile(
        Source(
            "#include <cstring>\nstatic char a[64 << 20];\n"
            "int main(){ memset(a, 1, sizeof a); return a[7] - 1; }\n",
            "cpp17",
        )
    )
    r = await judge.run(big, b"", Limits(2.0, 256))
    assert r.status is Verdict.AC and 64 * 1024 <= r.memory_kb < 72 * 1024, r.memory_kb


def _runner() -> ModuleType:
    return load_runner("judge_runner_under_test")


def test_the_runner_falls_back_to_the_spawn_helper_when_its_fork_server_is_gone() -> None:
    runner = _runner()
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    theirs.close()  # the server died
    runner.FORKSERVER = ours
    r, w = socket.socketpair()
    try:
        assert runner.through_forkserver(["spawn"], {}, [r.fileno(), w.fileno()]) == 0
        assert runner.FORKSERVER is None  # not asked again
    finally:
        r.close()
        w.close()
