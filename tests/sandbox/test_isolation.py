"""The sandbox holds: nothing a program does leaks into the next run, and a dead runner is replaced."""

from __future__ import annotations

import pytest

from sandbox.api import Compiled, Limits, Source, Verdict
from sandbox.docker_backend import DockerWorker
from sandbox.judge import Judge

pytestmark = pytest.mark.docker


async def _c(judge: Judge, code: str, lang: str = "cpp17") -> Compiled:
    exe = await judge.compile(Source(code, lang))
    assert exe.ok, exe.message
    return exe


async def test_a_killed_runner_is_replaced_and_the_job_retried(judge: Judge) -> None:
    exe = await _c(judge, "print(sum(map(int, input().split())))\n", "python3")
    assert (await judge.run(exe, b"1 2\n")).stdout == b"3\n"
    before = judge.replacements
    for slot in judge._slots:  # kill every runner, so whichever worker takes the job finds it dead
        worker = slot.worker
        assert isinstance(worker, DockerWorker) and worker.runner_pid > 0
        code, out = worker.container.exec_run(["sh", "-c", f"kill -9 {worker.runner_pid}"], user="root")
        assert code == 0, out
    r = await judge.run(exe, b"20 22\n")
    assert r.status is Verdict.AC and r.stdout == b"42\n"
    assert judge.replacements > before
    # The program was installed into the new container from the host's copy.
    assert (await judge.run(exe, b"1 1\n")).stdout == b"2\n"


SPY = """import os, glob
left = glob.glob('/tmp/*') + glob.glob('/dev/shm/*') + glob.glob('/dev/mqueue/*')
me = os.getuid()
procs = [p for p in os.listdir('/proc')
         if p.isdigit() and os.stat('/proc/' + p).st_uid == me and int(p) != os.getpid()]
print(len(left), len(procs), sorted(left)[:3])
"""

LITTER = """import os, sys, time
open('/tmp/secret', 'w').write('x')
os.makedirs('/tmp/d/e', exist_ok=True); open('/tmp/d/e/f', 'w').write('y'); os.chmod('/tmp/d', 0)
open('/dev/shm/shared', 'w').write('z')
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(1000)  # a daemon that outlives the program
    os._exit(0)
print('done')
"""


async def test_nothing_leaks_to_the_next_run(judge: Judge) -> None:
    litter, spy = await _c(judge, LITTER, "python3"), await _c(judge, SPY, "python3")
    for _ in range(judge.workers * 2):  # every worker, whichever takes the job
        r = await judge.run(litter, b"", Limits(2.0, 256))
        assert r.status is Verdict.AC and r.stdout == b"done\n", r.detail
        s = await judge.run(spy, b"", Limits(2.0, 256))
        assert s.stdout.startswith(b"0 0 "), s.stdout


async def test_a_program_cannot_kill_its_parent_or_write_outside_scratch(judge: Judge) -> None:
    code = """import os, signal
for what in (lambda: os.kill(os.getppid(), signal.SIGKILL), lambda: os.kill(1, signal.SIGKILL),
             lambda: open('/etc/passwd', 'a'), lambda: open('/box/p/x', 'w'), lambda: os.listdir('/box/io'),
             lambda: os.listdir('/box/p')):
    try:
        what(); print('allowed')
    except OSError as e:
        print('denied')
"""
    exe = await _c(judge, code, "python3")
    r = await judge.run(exe, b"", Limits(2.0, 256))
    assert r.stdout.split() == [b"denied"] * 6, r.stdout + r.stderr


async def test_fork_bomb_is_contained(judge: Judge) -> None:
    bomb = await _c(judge, "#include <unistd.h>\nint main(){ for(;;) fork(); }")
    r = await judge.run(bomb, b"", Limits(1.0, 256, wall_factor=1.0))
    assert r.status is Verdict.TLE, r.detail
    ok = await _c(judge, "print('alive')\n", "python3")
    assert (await judge.run(ok, b"")).stdout == b"alive\n"


async def test_no_network(judge: Judge) -> None:
    code = """import socket
try:
    socket.create_connection(('1.1.1.1', 80), timeout=1); print('connected')
except OSError:
    print('no network')
"""
    exe = await _c(judge, code, "python3")
    assert (await judge.run(exe, b"", Limits(3.0, 256))).stdout == b"no network\n"


async def test_compile_bombs_are_contained(judge: Judge) -> None:
    from sandbox.judge import CompileLimits

    lim = CompileLimits(cpu_s=5, wall_s=8)
    urandom = await judge.compile(Source('#include "/dev/urandom"\nint main(){}', "cpp17"), lim)
    assert not urandom.ok and ("out of memory" in urandom.message or "time limit" in urandom.message)
    templ = await judge.compile(
        Source(
            "template<int N> struct F { static const int v = F<N-1>::v + F<N-2>::v; };"
            "template<> struct F<0>{static const int v=0;}; template<> struct F<1>{static const int v=1;};"
            "int main(){ return F<100000>::v; }",
            "cpp17",
        ),
        lim,
    )
    assert not templ.ok and len(templ.message) <= 70_000
    huge = await judge.compile(Source("int main(){}\n//" + "x" * (10 << 20) + "\n", "cpp17"), lim)
    assert huge.ok
    ok = await _c(judge, "int main(){ return 0; }")
    assert (await judge.run(ok, b"")).status is Verdict.AC


async def test_a_global_array_beyond_the_limit_is_memory_limit(judge: Judge) -> None:
    exe = await _c(judge, "int a[1 << 28]; int main(){ a[5] = 1; return a[5] - 1; }")
    r = await judge.run(exe, b"", Limits(2.0, 256))
    assert r.status is Verdict.MLE and "static memory" in r.detail


async def test_sysv_ipc_left_behind_is_removed(judge: Judge) -> None:
    leave = await _c(
        judge,
        "#include <sys/ipc.h>\n#include <sys/shm.h>\n#include <sys/msg.h>\n#include <cstdio>\n"
        "int main(){ int a = shmget(IPC_PRIVATE, 1 << 20, IPC_CREAT | 0600);"
        ' int b = msgget(IPC_PRIVATE, IPC_CREAT | 0600); printf("%d\\n", a >= 0 && b >= 0); }',
    )
    count = await _c(
        judge,
        "import glob\n"
        "print(sum(len(open(f).read().splitlines()) - 1 for f in glob.glob('/proc/sysvipc/*')))\n",
        "python3",
    )
    for _ in range(judge.workers * 2):
        assert (await judge.run(leave, b"")).stdout == b"1\n"
        assert (await judge.run(count, b"")).stdout == b"0\n"


def test_a_worker_whose_judge_vanished_removes_itself(judge: Judge) -> None:
    import time

    import docker.errors

    from sandbox.docker_backend import DockerBackend
    from sandbox.image import IMAGE

    backend = DockerBackend(IMAGE)
    try:
        worker = backend.start_worker(0)
        worker.disconnect()  # as if the judge process died: the runner reads EOF and exits
        deadline = time.monotonic() + 15
        gone = False
        while time.monotonic() < deadline and not gone:
            try:
                backend.client.containers.get(worker.container.id)
                time.sleep(0.5)
            except docker.errors.NotFound:
                gone = True
        assert gone, "the orphaned container is still there"
    finally:
        backend.close()
