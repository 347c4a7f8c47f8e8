"""`--cluster HOST:PORT | auto | ray://HOST:PORT` against a real `ray start --head` cluster, and node loss.

Each test starts its own Ray nodes as `ray start --block` processes, each in its own process group and temp
folder with its own ports, and ends them by signalling that group: `ray stop` would end every Ray cluster on
the machine, other people's too. The driver is a `python -m solver rate` subprocess, as a user runs it: Ray's
connection state (and its token) is per process.

What a stub would fail: each address form must give the report numbers of a run without a cluster (the
scripted model's wrong first draft of 1349A, then the fix) with the problems solved on the cluster's workers;
an unreachable address must exit 2 at once, saying what to do; a node killed in the middle of a batch must
cost nothing but time: every contest rated once, each problem's events and each submission once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from solver.runstore import Run
from tests.cluster import test_cluster as tc
from tests.cluster.conftest import SlowModel, common_argv, rate_argv
from tests.fakes.ollama_server import FakeOllama
from tests.sources.cf_server import CfServer

pytestmark = [
    pytest.mark.docker,
    pytest.mark.timeout(900),
    pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning"),
]

ROOT = Path(__file__).resolve().parents[2]
World = tuple[CfServer, FakeOllama, SlowModel]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Node:
    proc: subprocess.Popen[bytes]
    folder: Path  # the node's --temp-dir and its log
    port: int = 0  # the head's GCS port
    client_port: int = 0  # the head's Ray Client server

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def log(self) -> str:
        return (self.folder / "ray.log").read_text(errors="replace")[-3000:]

    def pids(self) -> list[int]:
        """The node's processes: every process below `ray start` (raylet, agents, and the workers, which the
        raylet starts in process groups of their own)."""
        return tc._descendants(self.proc.pid)

    def titles(self) -> list[str]:
        """The command lines of the node's processes (a Ray worker's is its title, ``ray::ProblemWorker``...)."""
        found = []
        for pid in self.pids():
            with contextlib.suppress(OSError):
                found.append(Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"))
        return found

    def kill(self) -> None:
        """The node dies at once, every process of it (no graceful shutdown: a lost machine)."""
        for pid in [self.proc.pid, *self.pids()]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        """`ray start --block` ends the processes it started on SIGTERM; the group's SIGKILL ends the rest."""
        if self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def _start_node(head: Node | None = None, cpus: int = 2) -> Node:
    """A head (with a Ray Client server) when ``head`` is None, else a second node joining it; both with
    token authentication (a node joining by address sends the token only when told to, as a driver)."""
    # short: Ray's socket paths under the temp folder must stay within the 107 bytes of a Unix socket path
    folder = Path(tempfile.mkdtemp(prefix="rc-", dir="/tmp"))
    ports = {
        f"--{name}": str(_free_port())
        for name in (
            "node-manager-port", "object-manager-port", "dashboard-agent-listen-port",
            "dashboard-agent-grpc-port", "metrics-export-port", "runtime-env-agent-port",
        )
    }  # fmt: skip
    argv = [
        shutil.which("ray") or "ray", "start", "--block", "--disable-usage-stats", "--num-cpus", str(cpus),
        "--object-store-memory", str(80 * 1024 * 1024), "--temp-dir", str(folder / "t"),
        *(x for kv in ports.items() for x in kv),
    ]  # fmt: skip
    port = client_port = 0
    if head is None:
        port, client_port = _free_port(), _free_port()
        argv += ["--head", "--port", str(port), "--ray-client-server-port", str(client_port)]
        argv += ["--include-dashboard", "false"]
    else:
        argv += ["--address", head.address]
    log = (folder / "ray.log").open("wb")
    proc = subprocess.Popen(
        argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=folder,
        env={**os.environ, "RAY_AUTH_MODE": "token"},
    )  # fmt: skip
    node = Node(proc, folder, port, client_port)
    deadline = time.monotonic() + 120
    while "Ray runtime started" not in node.log():
        if proc.poll() is not None or time.monotonic() > deadline:
            log_text = node.log()
            node.stop()
            raise AssertionError(f"ray start did not start: {log_text}")
        time.sleep(0.5)
    return node


@pytest.fixture
def ray_head() -> Iterator[Node]:
    """A head with token authentication, as `ray start --head` has by default where the machine has a Ray
    token (any `ray.init()` of a local cluster leaves one in ~/.ray/auth_token): made sure of here, so the
    drivers' token handling is tested on every machine."""
    ray = shutil.which("ray") or "ray"
    subprocess.run([ray, "get-auth-token", "--generate"], stdout=subprocess.DEVNULL, check=True, timeout=60)
    node = _start_node()
    try:
        yield node
    finally:
        node.stop()


async def _solver(tmp: Path, cf: CfServer, ollama: FakeOllama, argv: list[str], **env: str) -> tuple[int, str, str]:
    """``python -m solver ARGV`` in a process of its own: (exit code, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "solver", *argv, *common_argv(tmp, cf, ollama),
        cwd=ROOT, env={**_without_auth_mode(), "PYTHONPATH": str(ROOT), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), timeout=600)
    return int(proc.returncode or 0), out.decode(), err.decode()


def _without_auth_mode() -> dict[str, str]:
    """This environment as a user's: RAY_AUTH_MODE unset (the drivers find the token themselves)."""
    return {k: v for k, v in os.environ.items() if k != "RAY_AUTH_MODE"}


def _workers(runs: Path) -> set[str]:
    """The workers that solved the problems of the contest runs (from their ``cluster_job`` events)."""
    return {
        str(e.get("worker")).split("@")[0]
        for run in tc._contest_runs(runs)
        for child in [run, *(Run.open(run.path, str(p.relative_to(run.path))) for p in tc._attempts(run))]
        for e in child.events()
        if e.type == "cluster_job"
    }


async def test_every_address_form_joins_a_started_cluster_and_reports_the_same_numbers(
    world_servers: World, ray_head: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """HOST:PORT (the head's GCS), auto with RAY_ADDRESS, and ray:// (Ray Client) against one head."""
    from tests.contest import world

    cf, ollama, model = world_servers
    world.fill_store(tmp_path / "alone" / "problems")
    await tc._rate(tmp_path / "alone", cf, ollama)
    alone = tc._numbers(tc._doc(capsys))
    assert alone["contests"][0][2][0] == ["WA", "AC"]

    forms = {
        "gcs": (ray_head.address, {}),
        "auto": ("auto", {"RAY_ADDRESS": ray_head.address}),
        "client": (f"ray://127.0.0.1:{ray_head.client_port}", {}),
    }
    for name, (address, env) in forms.items():
        model.asked.clear()  # the scripted model's first draft of 1349A is wrong again
        world.fill_store(tmp_path / name / "problems")
        argv = rate_argv("--cluster", address, "--cluster-workers", "2")
        code, out, err = await _solver(tmp_path / name, cf, ollama, argv, **env)
        assert code == 0, f"{name}: {err[-3000:]}\n{ray_head.log()}"
        assert tc._numbers(json.loads(out)) == alone, name
        assert len(_workers(tmp_path / name / "runs")) == 2, name  # solved by the cluster's two workers


async def test_an_unreachable_address_exits_2_at_once_saying_what_to_do(world_servers: World, tmp_path: Path) -> None:
    """Nothing listening, or something that is not Ray (Ray itself would retry either for minutes)."""
    cf, ollama, _ = world_servers
    closed = _free_port()  # nothing listens there
    http = urlsplit(cf.url).port  # an HTTP server, not a gRPC one
    for address, env, says in [
        (f"127.0.0.1:{closed}", {}, f"no Ray head (its GCS port) answers at 127.0.0.1:{closed}"),
        (f"127.0.0.1:{closed}", {}, f"ray start --head --port {closed}"),
        (f"ray://127.0.0.1:{closed}", {}, f"ray start --head --ray-client-server-port {closed}"),
        ("auto", {"RAY_ADDRESS": f"127.0.0.1:{closed}"}, f"(RAY_ADDRESS=127.0.0.1:{closed}): no Ray head"),
        (f"127.0.0.1:{http}", {}, f"something answers at 127.0.0.1:{http}, but not a Ray head"),
    ]:
        started = time.monotonic()
        code, out, err = await _solver(tmp_path, cf, ollama, rate_argv("--cluster", address), **env)
        assert code == 2, (address, err[-2000:])
        assert time.monotonic() - started < 60, address
        assert says in err, err[-2000:]
        assert "Traceback" not in err and not out


def test_local_starts_its_own_cluster_whatever_ray_address_says(tmp_path: Path) -> None:
    """``local`` starts a cluster on this machine although RAY_ADDRESS (a Ray job's) names another."""
    code = """
        import ray
        from solver.cluster.executor import connect
        from solver.cluster.options import ClusterSpec
        print(connect(ClusterSpec("local", None, 1)), len(ray.nodes()))
        ray.shutdown()
    """
    import textwrap

    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "RAY_ADDRESS": f"127.0.0.1:{_free_port()}"},
    )  # fmt: skip
    assert done.stdout.strip() == "True 1", done.stdout + done.stderr[-3000:]


def test_ray_client_without_grpcio_says_how_to_install_it() -> None:
    """A minimal Ray install has no Ray Client: ``ray://`` says which package is missing and how to get it."""
    code = """
        import sys
        sys.modules["grpc"] = None  # as if grpcio were not installed
        from solver.cli import main
        print(main(["rate", "--contests", "1349", "--cluster", "ray://127.0.0.1:10001"]))
    """
    import textwrap

    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "2", done.stdout + done.stderr
    assert "needs the grpcio package" in done.stderr and "pip install -e '.[cluster]'" in done.stderr


async def test_a_lost_node_is_survived_and_nothing_is_duplicated(
    world_servers: World, ray_head: Node, tmp_path: Path
) -> None:
    """A second node joins the head; when a worker there is solving, the whole node is killed (raylet and
    all). Its worker comes back on the head, the problem is sent again, and the batch rates each contest
    once with each problem's events and each submission once."""
    from tests.contest import world

    cf, ollama, model = world_servers
    model.delay = 0.4  # replies take a while: the node dies in the middle of a solve
    world.fill_store(tmp_path / "problems")
    second = _start_node(ray_head, cpus=1)
    try:
        argv = rate_argv("--cluster", ray_head.address, "--cluster-workers", "2", "--parallel", "2")
        driver = asyncio.create_task(_solver(tmp_path, cf, ollama, argv))

        while not (any("ProblemWorker" in t for t in second.titles()) and len(ollama.chats) >= 2):
            if driver.done():
                break
            await asyncio.sleep(0.1)
        assert not driver.done(), driver.result()
        before = len(ollama.chats)
        second.kill()
        code, out, err = await driver
    finally:
        second.stop()
    assert code == 0, f"{err[-3000:]}\n{ray_head.log()}"
    assert len(ollama.chats) > before
    doc = json.loads(out)
    assert [c["contest_id"] for c in doc["contests"]] == [1349, 1350] and doc["rating"]["n"] == 2
    batch = Run.open(tmp_path / "runs", Path(doc["run"]).name)
    done = Counter(int(e.get("contest_id")) for e in batch.events() if e.type == "batch_contest_done")
    assert done == {1349: 1, 1350: 1}
    assert not [e for e in batch.events() if e.type == "batch_contest_failed"]
    for run in tc._contest_runs(tmp_path / "runs"):
        for child in [run, *(Run.open(run.path, str(p.relative_to(run.path))) for p in tc._attempts(run))]:
            problems = Counter(e.get("problem") for e in child.events() if e.type == "problem_done")
            assert problems and max(problems.values()) == 1, (child.path, problems)
            jobs = Counter(e.get("problem") for e in child.events() if e.type == "cluster_job")
            assert jobs == problems, (child.path, jobs)
        subs = Counter((e.get("index"), e.get("attempt")) for e in run.events() if e.type == "contest_submission")
        assert subs and max(subs.values()) == 1, subs
